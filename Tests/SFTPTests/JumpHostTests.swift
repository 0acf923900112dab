import Foundation
import Testing
@testable import WPRescueSFTP

/// A server behind a bastion, against two real sshd. With `ProxyJump` the connection goes to the
/// bastion, which opens a direct-tcpip channel to the server, and SSH to the server runs inside
/// that channel; with `ProxyCommand` OpenSSH's own `ssh -W` does the same and wprescue talks
/// through the command's standard input and output.
@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct JumpHostTests {
    /// A client home whose ssh_config reaches `site` (the target) through `gate` (the bastion),
    /// each with its own key; known_hosts trusts the servers listed in `trusting`.
    private func clientHome(bastion: TestSSHServer, target: TestSSHServer, trusting: [TestSSHServer]) throws -> String {
        let home = try target.makeClientHome(trustingServer: false)
        try trusting.map { try $0.knownHostsLine() + "\n" }.joined()
            .write(toFile: home + "/.ssh/known_hosts", atomically: true, encoding: .utf8)
        try """
        Host site
            HostName 127.0.0.1
            Port \(target.port)
            User \(TestSSHServer.userName)
            IdentityFile \(target.clientKey)
            ProxyJump gate
        Host gate
            HostName 127.0.0.1
            Port \(bastion.port)
            User \(TestSSHServer.userName)
            IdentityFile \(bastion.clientKey)
        """.write(toFile: home + "/.ssh/config", atomically: true, encoding: .utf8)
        return home
    }

    private func options(home: String, server: TestSSHServer) -> SSHConnectionOptions {
        var options = server.options(home: home, identity: nil)
        options.readSSHConfig = true
        return options
    }

    @Test func `reaches the server through the ProxyJump host that ssh_config names`() throws {
        // DEBUG1 (first value wins) makes the bastion log each direct-tcpip request it serves.
        let bastion = try TestSSHServer(settings: "LogLevel DEBUG1")
        let target = try TestSSHServer()
        let home = try clientHome(bastion: bastion, target: target, trusting: [bastion, target])
        let address = SSHAddress(host: "site", path: target.scratchRoot)
        let fileSystem = try SFTPFileSystem.connect(to: address, options: options(home: home, server: target))
        #expect(try fileSystem.isDirectory(target.scratchRoot))
        #expect(fileSystem.session.endpoint.jumpHosts.map(\.alias) == ["gate"])
        #expect(bastion.log.contains("Accepted publickey for \(TestSSHServer.userName)"), "the bastion was logged in to")
        #expect(bastion.log.contains("target 127.0.0.1 port \(target.port)"), "the bastion opened the channel to the server:\n\(bastion.log)")
        #expect(target.log.contains("Accepted publickey for \(TestSSHServer.userName)"))

        // A second login (the database tunnel's) goes the same way, without asking anything.
        let sibling = try fileSystem.session.openSibling()
        #expect(sibling.hostKeyFingerprint == fileSystem.session.hostKeyFingerprint)
        #expect(bastion.log.components(separatedBy: "target 127.0.0.1 port \(target.port)").count - 1 == 2)
    }

    @Test func `runs the ProxyCommand that ssh_config names and speaks SSH through it`() throws {
        let bastion = try TestSSHServer(settings: "LogLevel DEBUG1")
        let target = try TestSSHServer()
        let home = try clientHome(bastion: bastion, target: target, trusting: [bastion, target])
        // OpenSSH's own client as the command, the classic `ssh -W %h:%p bastion`.
        let command = "/usr/bin/ssh -q -F none -i \(bastion.clientKey) -o BatchMode=yes -o UserKnownHostsFile=\(home)/.ssh/known_hosts " +
            "-p \(bastion.port) \(TestSSHServer.userName)@127.0.0.1 -W %h:%p"
        try """
        Host piped
            HostName 127.0.0.1
            Port \(target.port)
            User \(TestSSHServer.userName)
            IdentityFile \(target.clientKey)
            ProxyCommand \(command)
        """.write(toFile: home + "/.ssh/config", atomically: true, encoding: .utf8)
        var fileSystem: SFTPFileSystem? = try SFTPFileSystem.connect(to: SSHAddress(host: "piped", path: target.scratchRoot),
                                                                     options: options(home: home, server: target))
        #expect(try fileSystem?.isDirectory(target.scratchRoot) == true)
        #expect(fileSystem?.session.endpoint.proxyCommand?.hasSuffix("-W 127.0.0.1:\(target.port)") == true)
        #expect(bastion.log.contains("target 127.0.0.1 port \(target.port)"), "the command went through the bastion:\n\(bastion.log)")
        // Closing the session ends the command: no ssh -W is left running.
        fileSystem = nil
        let left = TestSSHServer.descendants(of: getpid()).filter {
            ((try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8)) ?? "").contains("127.0.0.1:\(target.port)")
        }
        #expect(left.isEmpty, "processes left: \(left)")
    }

    @Test func `a ProxyCommand that fails is named with how it ended, and never sees wprescue's secrets`() throws {
        let target = try TestSSHServer()
        let home = try target.makeClientHome()
        // It gets the user's environment, less wprescue's secrets; 5 or 7 would say otherwise.
        let command = #"test "$MARKER" = kept || exit 5; test -z "$WPRESCUE_SSH_PASSWORD" || exit 7; echo 'no route' >&2; exit 3"#
        try "Host broken\n    ProxyCommand \(command)\n".write(toFile: home + "/.ssh/config", atomically: true, encoding: .utf8)
        var options = options(home: home, server: target)
        options.environment = ["MARKER": "kept", "WPRESCUE_SSH_PASSWORD": "not-for-the-command"]
        let error = try #require(throws: SSHConnectionError.self) {
            try SFTPFileSystem.connect(to: SSHAddress(host: "broken", path: "/"), options: options)
        }
        #expect(error == .proxyCommandFailed(command: command, detail: "exited with status 3 before the SSH handshake was done"))
        #expect(error.localizedDescription.contains("run it by hand"))
    }

    @Test func `a bastion that does not forward is named as the reason`() throws {
        let bastion = try TestSSHServer(settings: "AllowTcpForwarding no")
        let target = try TestSSHServer()
        let home = try clientHome(bastion: bastion, target: target, trusting: [bastion, target])
        let error = try #require(throws: SSHTunnelError.self) {
            try SFTPFileSystem.connect(to: SSHAddress(host: "site", path: target.scratchRoot), options: options(home: home, server: target))
        }
        #expect(error == .forwardingRefused(server: "\(TestSSHServer.userName)@127.0.0.1:\(bastion.port)",
                                            target: .tcp(host: "127.0.0.1", port: target.port)))
        #expect(error.localizedDescription.contains("AllowTcpForwarding"))
    }

    @Test func `the server behind the bastion is checked against known_hosts under its own name`() throws {
        let bastion = try TestSSHServer()
        let target = try TestSSHServer()
        let home = try clientHome(bastion: bastion, target: target, trusting: [bastion])
        let error = try #require(throws: SSHConnectionError.self) {
            try SFTPFileSystem.connect(to: SSHAddress(host: "site", path: target.scratchRoot), options: options(home: home, server: target))
        }
        guard case .unknownHostKey(let host, _, let fingerprint, _) = error else {
            Issue.record("expected unknownHostKey, got \(error)")
            return
        }
        #expect(host == "[127.0.0.1]:\(target.port)")
        #expect(fingerprint == (try target.hostKeyFingerprint()))
    }
}
