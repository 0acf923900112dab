import Foundation
import Testing
import WPRescueKit
@testable import WPRescueSFTP

@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct TransferAndConnectionTests {
    /// A file of `size` bytes written straight to disk, with a position-dependent pattern.
    private func makeBigFile(_ server: TestSSHServer, name: String, size: Int) throws -> (path: String, contents: Data) {
        var contents = Data(count: size)
        contents.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices { words[index] = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 }
        }
        let path = server.scratchRoot + "/" + name
        try server.createFile(path, contents: contents)
        return (path, contents)
    }

    @Test func `reading the tail of a big file costs about the bytes read`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        let (path, contents) = try makeBigFile(server, name: "debug.log", size: 96 << 20)

        for (offset, length) in [(contents.count - (1 << 20), 1 << 20), (contents.count - 100_000, 100_000), (40 << 20, 3 << 20)] {
            let before = fileSystem.session.bytesReceived
            let data = try fileSystem.read(path, offset: UInt64(offset), length: length)
            let received = Int(fileSystem.session.bytesReceived - before)
            #expect(data == contents[offset..<offset + length])
            // SSH and SFTP framing add a few percent; a read-ahead running past the range would add megabytes.
            #expect(received <= length + length / 20 + 64 * 1024, "read \(length) bytes at \(offset) but received \(received)")
        }
    }

    @Test func `a connection killed between steps gives connectionLost with a clear sentence`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        #expect(try fileSystem.isDirectory(server.scratchRoot))
        server.killConnections()

        let error = try #require(throws: FileAccessError.self) { try fileSystem.list(server.scratchRoot) }
        guard case .connectionLost(let detail) = error else {
            Issue.record("expected connectionLost, got \(error)")
            return
        }
        #expect(detail.contains("\(TestSSHServer.userName)@127.0.0.1:\(server.port) closed the connection while"))
        #expect(try #require(error.errorDescription).hasPrefix("The connection to the server dropped"))
        // Later calls fail at once with the same sentence instead of touching the dead socket.
        let started = Date()
        #expect(throws: FileAccessError.connectionLost(detail: detail)) { try fileSystem.status(server.scratchRoot) }
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func `a connection killed in the middle of a big read gives connectionLost`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        let (path, _) = try makeBigFile(server, name: "backup.sql", size: 256 << 20)
        let traffic = fileSystem.session.traffic
        let start = traffic.received
        let sshd = server.sshdPID
        let killer = Thread {
            while traffic.received - start < 8 << 20 { usleep(1000) }
            TestSSHServer.killDescendants(of: sshd)
        }
        killer.start()

        let error = try #require(throws: FileAccessError.self) { try fileSystem.read(path, limit: 300 << 20) }
        guard case .connectionLost(let detail) = error else {
            Issue.record("expected connectionLost, got \(error)")
            return
        }
        #expect(detail.contains("while reading \(path)"))
    }

    @Test func `a connection killed in the middle of a replace leaves the original file whole`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        let path = server.scratchRoot + "/wp-config.php"
        let original = Data("<?php define('DB_NAME', 'site');\n".utf8)
        try server.createFile(path, contents: original, mode: 0o640)
        let traffic = fileSystem.session.traffic
        let start = traffic.sent
        let sshd = server.sshdPID
        let killer = Thread {
            while traffic.sent - start < 4 << 20 { usleep(1000) }
            TestSSHServer.killDescendants(of: sshd)
        }
        killer.start()

        #expect {
            try fileSystem.writeAtomically(path, contents: Data(count: 64 << 20), newFileMode: 0o644)
        } throws: { error in
            if case .connectionLost? = error as? FileAccessError { return true }
            return false
        }
        #expect(FileManager.default.contents(atPath: path) == original)
    }

    @Test func `a server that stops answering times out as connectionLost`() throws {
        let server = try TestSSHServer()
        let home = try server.makeClientHome()
        var options = server.options(home: home, identity: server.clientKey)
        options.operationTimeout = 2
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        #expect(try fileSystem.isDirectory(server.scratchRoot))
        let serving = TestSSHServer.descendants(of: server.sshdPID)
        for process in serving { kill(process, SIGSTOP) }
        defer { for process in serving { kill(process, SIGCONT) } }

        let started = Date()
        let error = try #require(throws: FileAccessError.self) { try fileSystem.list(server.scratchRoot) }
        #expect(error == .connectionLost(detail: "\(TestSSHServer.userName)@127.0.0.1:\(server.port) did not answer for 2 seconds while listing \(server.scratchRoot)")
                || error == .connectionLost(detail: "\(TestSSHServer.userName)@127.0.0.1:\(server.port) did not answer for 2 seconds while opening \(server.scratchRoot)"))
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
