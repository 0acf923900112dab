import Foundation
import Testing
@testable import WPRescueSFTP

@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct HostKeyVerificationTests {
    @Test func `refuses an unknown host, shows its fingerprint and changes nothing`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome(trustingServer: false)
        let knownHosts = home + "/.ssh/known_hosts"
        let options = server.options(home: home, identity: server.clientKey)

        let error = try #require(throws: SSHConnectionError.self) { try SFTPFileSystem.connect(to: server.address, options: options) }
        let expectedFingerprint = try server.hostKeyFingerprint()
        #expect(error == .unknownHostKey(host: "[127.0.0.1]:\(server.port)", keyType: "ssh-ed25519", fingerprint: expectedFingerprint, knownHostsFile: knownHosts))
        let message = try #require(error.errorDescription)
        #expect(message.contains(expectedFingerprint))
        #expect(message.contains("--accept-new-host-key"))
        #expect(!FileManager.default.fileExists(atPath: knownHosts))
    }

    @Test func `accept-new records the key and later connections need no flag`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome(trustingServer: false)
        let knownHosts = home + "/.ssh/known_hosts"
        var options = server.options(home: home, identity: server.clientKey)
        options.acceptNewHostKey = true

        let first = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(first.session.recordedNewHostKey)
        #expect(first.session.hostKeyFingerprint == (try server.hostKeyFingerprint()))
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        #expect(recorded == (try server.knownHostsLine()) + "\n")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: knownHosts)[.posixPermissions] as? Int)
        #expect(mode == 0o600)

        options.acceptNewHostKey = false
        let second = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(!second.session.recordedNewHostKey)
        #expect(try second.isDirectory(server.scratchRoot))
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == recorded)
    }

    @Test func `refuses a changed key loudly with both fingerprints, even with accept-new`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome(trustingServer: false)
        let knownHosts = home + "/.ssh/known_hosts"
        let impostor = server.directory + "/other_host_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", impostor])
        let impostorFields = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        let line = "# a comment line\n[127.0.0.1]:\(server.port) \(impostorFields[0]) \(impostorFields[1])\n"
        try line.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let recordedFingerprint = String(try TestSSHServer.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", impostor + ".pub"]).split(separator: " ")[1])

        var options = server.options(home: home, identity: server.clientKey)
        options.acceptNewHostKey = true
        let error = try #require(throws: SSHConnectionError.self) { try SFTPFileSystem.connect(to: server.address, options: options) }
        #expect(error == .hostKeyChanged(host: "[127.0.0.1]:\(server.port)", keyType: "ssh-ed25519", fingerprint: try server.hostKeyFingerprint(),
                                         recordedFingerprint: recordedFingerprint, knownHostsFile: knownHosts))
        let message = try #require(error.errorDescription)
        #expect(message.contains("HAS CHANGED"))
        let presentedFingerprint = try server.hostKeyFingerprint()
        #expect(message.contains(recordedFingerprint))
        #expect(message.contains(presentedFingerprint))
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == line)
        #expect(!server.log.contains("Accepted publickey"))
    }

    @Test func `a key recorded only with another type counts as changed`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome(trustingServer: false)
        let knownHosts = home + "/.ssh/known_hosts"
        let other = server.directory + "/other_rsa"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-b", "384", "-N", "", "-f", other])
        let fields = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ")
        try "[127.0.0.1]:\(server.port) \(fields[0]) \(fields[1])\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)

        var options = server.options(home: home, identity: server.clientKey)
        options.acceptNewHostKey = true
        #expect {
            try SFTPFileSystem.connect(to: server.address, options: options)
        } throws: { error in
            if case .hostKeyChanged? = error as? SSHConnectionError { return true }
            return false
        }
    }

    @Test func `hashed entries are honoured and a port-22 key does not stand in for another port`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome(trustingServer: false)
        let knownHosts = home + "/.ssh/known_hosts"
        // A different key for the same address on port 22 must neither match nor count as "changed".
        let other = server.directory + "/port22_key"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        let fields = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ")
        try "127.0.0.1 \(fields[0]) \(fields[1])\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let options = server.options(home: home, identity: server.clientKey)
        #expect {
            try SFTPFileSystem.connect(to: server.address, options: options)
        } throws: { error in
            if case .unknownHostKey? = error as? SSHConnectionError { return true }
            return false
        }

        // The right key, hashed the way `HashKnownHosts yes` writes it, after a line libssh2 cannot parse.
        try (server.knownHostsLine() + "\n").write(toFile: knownHosts, atomically: true, encoding: .utf8)
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-H", "-f", knownHosts])
        let hashed = try String(contentsOfFile: knownHosts, encoding: .utf8)
        #expect(hashed.hasPrefix("|1|"))
        #expect(!hashed.contains("127.0.0.1"))
        try ("@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK1\nunparseable line\n" + hashed)
            .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(try fileSystem.isDirectory(server.scratchRoot))
    }

    @Test func `connects over IPv6 loopback with a bracketed known_hosts name`() throws {
        let server = try TestSSHServer()
        guard (try? TCPConnector.connect(host: "::1", port: server.port, timeout: 2)).map({ close($0) }) != nil else {
            Issue.record("sshd does not listen on [::1]:\(server.port) here; log:\n\(server.log)")
            return
        }
        let home = try server.makeClientHome(trustingServer: false)
        var options = server.options(home: home, identity: server.clientKey)
        options.acceptNewHostKey = true
        let address = try SSHAddress.parse("sftp://\(TestSSHServer.userName)@[::1]:\(server.port)\(server.scratchRoot)")
        let fileSystem = try SFTPFileSystem.connect(to: address, options: options)
        #expect(fileSystem.locationDescription == "sftp://\(TestSSHServer.userName)@[::1]:\(server.port)")
        #expect(try String(contentsOfFile: home + "/.ssh/known_hosts", encoding: .utf8).hasPrefix("[::1]:\(server.port) ssh-ed25519 "))
    }
}
