import Foundation
import Testing
@testable import WPRescueSFTP

@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct AuthenticationTests {
    @Test func `logs in with an identity file and no agent`() throws {
        let server = try TestSSHServer()
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: server.options(home: try server.makeClientHome(), identity: server.clientKey))
        #expect(try fileSystem.isDirectory(server.scratchRoot))
        #expect(server.log.contains("Accepted publickey for \(TestSSHServer.userName)"))
    }

    @Test func `finds the default key in the home folder when no identity is given`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome()
        try FileManager.default.copyItem(atPath: server.clientKey, toPath: home + "/.ssh/id_ed25519")
        var options = server.options(home: home, identity: nil)
        options.tryDefaultIdentityFiles = true
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(try fileSystem.isDirectory(server.scratchRoot))
    }

    @Test func `asks for the passphrase of an encrypted key, again after a wrong one`() throws {
        let server = try TestSSHServer()
        let key = server.directory + "/encrypted_ed25519"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "correct horse", "-f", key])
        try appendAuthorizedKey(server, key + ".pub")
        var options = server.options(home: try server.makeClientHome(), identity: key)
        var asked: [String] = []
        options.passphrasePrompt = { file in
            asked.append(file)
            return asked.count == 1 ? "wrong horse" : "correct horse"
        }
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(try fileSystem.isDirectory(server.scratchRoot))
        #expect(asked == [key, key])
    }

    @Test func `logs in through ssh-agent before trying key files`() throws {
        let server = try TestSSHServer()
        let socketPath = server.directory + "/agent.sock"
        let agent = try SpawnedProcess("/usr/bin/ssh-agent", ["-D", "-a", socketPath], logFile: server.directory + "/agent.log")
        defer { agent.terminate() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socketPath) { usleep(10_000) }
        try TestSSHServer.run("/usr/bin/env", ["SSH_AUTH_SOCK=\(socketPath)", "/usr/bin/ssh-add", server.clientKey])

        var options = server.options(home: try server.makeClientHome(), identity: nil)
        options.useAgent = true
        options.agentSocketPath = socketPath
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(try fileSystem.isDirectory(server.scratchRoot))
        #expect(server.log.contains("Accepted publickey"))
    }

    @Test func `logs in with the password from the environment or the prompt`() throws {
        let server = try TestSSHServer()
        let password = try TestSSHServer.password
        var options = server.options(home: try server.makeClientHome(), identity: nil)
        options.environment = ["WPRESCUE_SSH_PASSWORD": password]
        #expect(try SFTPFileSystem.connect(to: server.address, options: options).isDirectory(server.scratchRoot))

        options.environment = [:]
        var destinations: [String] = []
        options.passwordPrompt = { destination in
            destinations.append(destination)
            return password
        }
        #expect(try SFTPFileSystem.connect(to: server.address, options: options).isDirectory(server.scratchRoot))
        #expect(destinations == ["\(TestSSHServer.userName)@127.0.0.1"])
    }

    @Test func `answers keyboard-interactive password prompts where plain password is off`() throws {
        let server = try TestSSHServer(settings: "UsePAM yes\nKbdInteractiveAuthentication yes", userSettings: "PasswordAuthentication no")
        var options = server.options(home: try server.makeClientHome(), identity: nil)
        options.environment = ["WPRESCUE_SSH_PASSWORD": try TestSSHServer.password]
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(try fileSystem.isDirectory(server.scratchRoot))
        #expect(server.log.contains("Accepted keyboard-interactive/pam"))
    }

    @Test func `refuses a wrong password clearly and never repeats it`() throws {
        let server = try TestSSHServer()
        let wrong = "Wr0ng-Pa55word-\(UUID().uuidString.prefix(6))"
        var options = server.options(home: try server.makeClientHome(), identity: nil)
        options.environment = ["WPRESCUE_SSH_PASSWORD": wrong]
        options.passwordPrompt = { _ in
            Issue.record("the prompt must not be asked when WPRESCUE_SSH_PASSWORD is set")
            return nil
        }
        let error = try #require(throws: SSHConnectionError.self) { try SFTPFileSystem.connect(to: server.address, options: options) }
        guard case .authenticationFailed(let user, let host, let tried, let serverMethods, let refusedRSA) = error else {
            Issue.record("expected authenticationFailed, got \(error)")
            return
        }
        #expect(user == TestSSHServer.userName && host == "127.0.0.1")
        #expect(tried == ["password from WPRESCUE_SSH_PASSWORD"])
        #expect(serverMethods.contains("password") && serverMethods.contains("publickey"))
        #expect(refusedRSA.isEmpty)
        let message = try #require(error.errorDescription)
        #expect(message.contains("refused to log in \(TestSSHServer.userName)"))
        #expect(!message.contains(wrong))
        #expect(!"\(error)".contains(wrong))
    }

    @Test func `explains that an RSA key is refused because libssh2 signs with SHA-1`() throws {
        let server = try TestSSHServer()
        let key = server.directory + "/client_rsa"
        try TestSSHServer.run("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key])
        try appendAuthorizedKey(server, key + ".pub")
        let error = try #require(throws: SSHConnectionError.self) {
            try SFTPFileSystem.connect(to: server.address, options: server.options(home: try server.makeClientHome(), identity: key))
        }
        guard case .authenticationFailed(_, _, _, _, let refusedRSA) = error else {
            Issue.record("expected authenticationFailed, got \(error)")
            return
        }
        #expect(refusedRSA == [key])
        // The server's side of the story: the SHA-1 signature algorithm, not the key, is refused.
        #expect(server.log.contains("ssh-rsa not in PubkeyAcceptedAlgorithms"))
        let message = try #require(error.errorDescription)
        #expect(message.contains("SHA-1"))
        #expect(message.contains("ssh-keygen -t ed25519"))
    }

    @Test func `a missing identity file is named before connecting`() throws {
        let server = try TestSSHServer()
        let missing = server.directory + "/no-such-key"
        #expect(throws: SSHConnectionError.identityFileUnreadable(path: missing)) {
            try SFTPFileSystem.connect(to: server.address, options: server.options(home: try server.makeClientHome(), identity: missing))
        }
    }

    @Test func `an ssh_config alias supplies host name, port, user and key`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome()
        try FileManager.default.copyItem(atPath: server.clientKey, toPath: home + "/.ssh/site_key")
        try """
        Host prod
            HostName 127.0.0.1
            Port \(server.port)
            User \(TestSSHServer.userName)
            IdentityFile %d/.ssh/site_key
        """.write(toFile: home + "/.ssh/config", atomically: true, encoding: .utf8)
        var options = server.options(home: home, identity: nil)
        options.readSSHConfig = true
        for text in ["prod:\(server.scratchRoot)", "sftp://prod\(server.scratchRoot)"] {
            let address = try SSHAddress.parse(text)
            let fileSystem = try SFTPFileSystem.connect(to: address, options: options)
            #expect(fileSystem.locationDescription == "sftp://\(TestSSHServer.userName)@127.0.0.1:\(server.port)")
            #expect(try fileSystem.canonicalPath(address.path) == server.scratchRoot)
        }
    }

    private func appendAuthorizedKey(_ server: TestSSHServer, _ publicKey: String) throws {
        let line = try String(contentsOfFile: publicKey, encoding: .utf8)
        let handle = try #require(FileHandle(forWritingAtPath: server.directory + "/authorized_keys"))
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try handle.close()
    }
}
