import CLibSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host key types libssh2 1.10 can verify, named as OpenSSH writes them.
enum HostKeyType: CaseIterable {
    case ed25519, ecdsa256, ecdsa384, ecdsa521, rsa, dss

    init?(libssh2Type: Int32) {
        switch libssh2Type {
        case LIBSSH2_HOSTKEY_TYPE_ED25519: self = .ed25519
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: self = .ecdsa256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: self = .ecdsa384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: self = .ecdsa521
        case LIBSSH2_HOSTKEY_TYPE_RSA: self = .rsa
        case LIBSSH2_HOSTKEY_TYPE_DSS: self = .dss
        default: return nil
        }
    }

    /// The key type field of a known_hosts line.
    var name: String {
        switch self {
        case .ed25519: return "ssh-ed25519"
        case .ecdsa256: return "ecdsa-sha2-nistp256"
        case .ecdsa384: return "ecdsa-sha2-nistp384"
        case .ecdsa521: return "ecdsa-sha2-nistp521"
        case .rsa: return "ssh-rsa"
        case .dss: return "ssh-dss"
        }
    }

    /// The host key algorithms that produce this key type in the handshake.
    var algorithms: [String] {
        switch self {
        case .rsa: return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]
        case .ed25519, .ecdsa256, .ecdsa384, .ecdsa521, .dss: return [name]
        }
    }

    var knownHostMask: Int32 {
        switch self {
        case .ed25519: return LIBSSH2_KNOWNHOST_KEY_ED25519
        case .ecdsa256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256
        case .ecdsa384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384
        case .ecdsa521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521
        case .rsa: return LIBSSH2_KNOWNHOST_KEY_SSHRSA
        case .dss: return LIBSSH2_KNOWNHOST_KEY_SSHDSS
        }
    }
}

/// A known_hosts file loaded into libssh2's collection, for one connection attempt.
///
/// Lines are fed one at a time: libssh2's own readfile stops at the first line it cannot
/// parse (a key type it does not know, a `@cert-authority` marker), and everything after
/// such a line would silently count as unknown.
final class KnownHostsCollection {
    enum Verdict: Equatable {
        case match
        case unknown
        /// The host is recorded with another key; the recorded key's blob, when libssh2 gives it.
        case changed(recordedKeyBlob: [UInt8]?)
        case revoked
    }

    let path: String
    private let handle: OpaquePointer
    private var revokedKeys: Set<String> = []

    /// `session` must outlive this collection (libssh2 allocates through it).
    init(session: OpaquePointer, path: String) throws {
        self.path = path
        guard let handle = libssh2_knownhost_init(session) else {
            throw SSHConnectionError.knownHostsUnreadable(path: path, detail: "libssh2 could not allocate memory for it")
        }
        self.handle = handle
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SSHConnectionError.knownHostsUnreadable(path: path, detail: "permission denied")
        }
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("@revoked") {
                let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if fields.count >= 4 { revokedKeys.insert(String(fields[3])) }
                continue
            }
            if trimmed.hasPrefix("@") { continue }  // @cert-authority: certificates are not supported.
            let text = trimmed + "\n"
            _ = libssh2_knownhost_readline(handle, text, text.utf8.count, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
        }
    }

    deinit { libssh2_knownhost_free(handle) }

    /// The name OpenSSH records a host under: `host` on port 22, `[host]:port` otherwise.
    static func lookupName(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// Key types recorded for `name`, so the handshake can ask for one of those first, as OpenSSH does.
    func recordedTypes(forName name: String) -> [HostKeyType] {
        HostKeyType.allCases.filter { type in
            // A placeholder key never matches, so MISMATCH means "a key of this type is recorded".
            let typemask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_BASE64 | type.knownHostMask
            return libssh2_knownhost_checkp(handle, name, -1, "AAAA", 4, typemask, nil) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH
        }
    }

    /// Checks the presented key. libssh2's own port handling also falls back from
    /// `[host]:port` to `host`, which OpenSSH does not do (the key of port 22 would look
    /// "changed" on another port), so the lookup name is built here and checked as given.
    func verify(name: String, keyBlob: [UInt8], type: HostKeyType) -> Verdict {
        if revokedKeys.contains(Data(keyBlob).base64EncodedString()) { return .revoked }
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let raw = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW
        let sameType = keyBlob.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                libssh2_knownhost_checkp(handle, name, -1, $0.baseAddress, keyBlob.count, raw | type.knownHostMask, &entry)
            }
        }
        switch sameType {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return .match
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            return .changed(recordedKeyBlob: Self.blob(of: entry))
        default:
            break
        }
        // Recorded only with keys of other types: the server no longer offers the recorded
        // type, which is as suspicious as a changed key.
        entry = nil
        let anyType = keyBlob.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                libssh2_knownhost_checkp(handle, name, -1, $0.baseAddress, keyBlob.count, raw, &entry)
            }
        }
        if anyType == LIBSSH2_KNOWNHOST_CHECK_MISMATCH { return .changed(recordedKeyBlob: Self.blob(of: entry)) }
        return .unknown
    }

    private static func blob(of entry: UnsafeMutablePointer<libssh2_knownhost>?) -> [UInt8]? {
        guard let key = entry?.pointee.key else { return nil }
        return Data(base64Encoded: String(cString: key)).map { [UInt8]($0) }
    }

    /// Appends `name type base64` to the file, creating it (mode 600) and its folder (700) if needed.
    static func record(name: String, type: HostKeyType, keyBlob: [UInt8], path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw SSHConnectionError.knownHostsUnwritable(path: path, detail: error.localizedDescription)
            }
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SSHConnectionError.knownHostsUnwritable(path: path, detail: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var line = "\(name) \(type.name) \(Data(keyBlob).base64EncodedString())\n"
        // A file whose last line has no newline would glue our entry onto it.
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_size > 0 {
            var last: UInt8 = 0
            if pread(descriptor, &last, 1, info.st_size - 1) == 1, last != UInt8(ascii: "\n") { line = "\n" + line }
        }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw SSHConnectionError.knownHostsUnwritable(path: path, detail: String(cString: strerror(errno)))
        }
    }
}
