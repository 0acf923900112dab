import Foundation

/// What can be told about a private key file without its passphrase: whether it is
/// encrypted (so the passphrase prompt is asked only when needed) and its type (so an RSA
/// key the server refuses can be explained).
struct PrivateKeyFile: Equatable {
    enum KeyType: Equatable { case ed25519, ecdsa, rsa, dsa, unknown }

    var type: KeyType
    var isEncrypted: Bool

    static func inspect(path: String) -> PrivateKeyFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return inspect(text: String(decoding: data, as: UTF8.self))
    }

    static func inspect(text: String) -> PrivateKeyFile {
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") { return inspectOpenSSH(text) }
        let encrypted = text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")
        let type: KeyType
        if text.contains("BEGIN RSA PRIVATE KEY") { type = .rsa } else if text.contains("BEGIN EC PRIVATE KEY") {
            type = .ecdsa
        } else if text.contains("BEGIN DSA PRIVATE KEY") { type = .dsa } else { type = .unknown }
        return PrivateKeyFile(type: type, isEncrypted: encrypted)
    }

    /// openssh-key-v1: magic, cipher name, KDF name, KDF options, key count, then the public
    /// key blob in the clear, which starts with the key type name.
    private static func inspectOpenSSH(_ text: String) -> PrivateKeyFile {
        let body = text.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let decoded = Data(base64Encoded: body.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return PrivateKeyFile(type: .unknown, isEncrypted: false)
        }
        var reader = WireReader(bytes: [UInt8](decoded))
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard reader.take(magic.count) == magic,
              let cipher = reader.string(), reader.string() != nil, reader.string() != nil,
              reader.uint32() != nil, let publicBlob = reader.bytes() else {
            return PrivateKeyFile(type: .unknown, isEncrypted: false)
        }
        var publicReader = WireReader(bytes: publicBlob)
        let name = publicReader.string() ?? ""
        let type: KeyType
        if name == "ssh-ed25519" { type = .ed25519 } else if name.hasPrefix("ecdsa-sha2-") {
            type = .ecdsa
        } else if name == "ssh-rsa" { type = .rsa } else if name == "ssh-dss" { type = .dsa } else { type = .unknown }
        return PrivateKeyFile(type: type, isEncrypted: cipher != "none")
    }
}

/// Reads the SSH wire format (RFC 4251): big-endian uint32 and length-prefixed strings.
struct WireReader {
    private let storage: [UInt8]
    private(set) var position = 0

    init(bytes: [UInt8]) { self.storage = bytes }

    var isAtEnd: Bool { position >= storage.count }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, position + count <= storage.count else { return nil }
        defer { position += count }
        return Array(storage[position..<position + count])
    }

    mutating func uint8() -> UInt8? { take(1)?.first }

    mutating func uint32() -> UInt32? {
        guard let raw = take(4) else { return nil }
        return raw.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func bytes() -> [UInt8]? {
        guard let length = uint32() else { return nil }
        return take(Int(length))
    }

    mutating func string() -> String? { bytes().map { String(decoding: $0, as: UTF8.self) } }
}

/// Writes the SSH wire format, for the SFTP requests libssh2 1.10 has no call for.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func uint8(_ value: UInt8) { bytes.append(value) }

    mutating func uint32(_ value: UInt32) {
        bytes += [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    mutating func string(_ value: String) { string(Array(value.utf8)) }

    mutating func string(_ value: [UInt8]) {
        uint32(UInt32(value.count))
        bytes += value
    }
}
