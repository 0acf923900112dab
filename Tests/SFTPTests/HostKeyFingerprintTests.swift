import Foundation
import Testing
@testable import WPRescueSFTP

struct HostKeyFingerprintTests {
    @Test func `fingerprints read like ssh-keygen's, for a key ssh-keygen made`() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-fp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/key"])
        let publicLine = try String(contentsOfFile: directory + "/key.pub", encoding: .utf8)
        let blob = try #require(Data(base64Encoded: String(publicLine.split(separator: " ")[1])))
        let expected = try TestSSHServer.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", directory + "/key.pub"]).split(separator: " ")[1]
        #expect(HostKeyFingerprint.sha256(ofKeyBlob: [UInt8](blob)) == String(expected))
        #expect(!String(expected).hasSuffix("="))
    }

    @Test(arguments: [("host", 22, "host"), ("host", 2222, "[host]:2222"), ("::1", 2299, "[::1]:2299")])
    func `known_hosts names follow OpenSSH's port rule`(host: String, port: Int, name: String) {
        #expect(KnownHostsCollection.lookupName(host: host, port: port) == name)
    }

    @Test(arguments: [
        ("ed25519", [] as [String], PrivateKeyFile(type: .ed25519, isEncrypted: false)),
        ("ed25519", ["-N", "secret phrase"], PrivateKeyFile(type: .ed25519, isEncrypted: true)),
        ("ecdsa", [], PrivateKeyFile(type: .ecdsa, isEncrypted: false)),
        ("rsa", ["-b", "2048"], PrivateKeyFile(type: .rsa, isEncrypted: false)),
        ("rsa", ["-b", "2048", "-m", "PEM"], PrivateKeyFile(type: .rsa, isEncrypted: false)),
        ("rsa", ["-b", "2048", "-m", "PEM", "-N", "secret phrase"], PrivateKeyFile(type: .rsa, isEncrypted: true)),
    ])
    func `tells key type and encryption without the passphrase`(type: String, extra: [String], expected: PrivateKeyFile) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let passphrase = extra.contains("-N") ? [] : ["-N", ""]
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", type] + passphrase + extra + ["-f", directory + "/key"])
        #expect(PrivateKeyFile.inspect(path: directory + "/key") == expected)
    }

    @Test(arguments: [
        (100 << 20, 2 << 20), (4 << 20, 1 << 20), (1 << 20, 256 << 10), (100_000, 32 << 10), (1000, 1000),
    ])
    func `read requests shrink toward the end of a range`(remaining: Int, expected: Int) {
        #expect(SFTPFileSystem.requestSize(remaining: remaining) == expected)
    }
}
