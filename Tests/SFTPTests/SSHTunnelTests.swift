import Foundation
import Testing
import WPRescueTestSupport
import WPRescueKit
@testable import WPRescueSFTP

/// The tunnel against a real sshd: bytes through it both ways, several connections at once, a
/// server that speaks first (as MySQL does), a Unix socket, and every way it can be refused.
@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct SSHTunnelTests {
    @Test func `carries megabytes both ways for several connections at once`() throws {
        let server = try TestSSHServer()
        let echo = try EchoServer(.tcp)
        let tunnel = try SSHTunnel(session: try server.connect().session.openSibling(), target: .tcp(host: "127.0.0.1", port: echo.port))
        defer { tunnel.close() }

        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            var generator = SystemRandomNumberGenerator()
            let payload = (0..<(3 << 20) + index).map { _ in UInt8.random(in: 0...255, using: &generator) }
            results.add(index, Result { try roundTrip(payload, through: tunnel.localSocketPath) == payload })
        }
        for index in 0..<3 { #expect(try results.result(index).get(), "connection \(index) got its bytes back") }
        #expect(tunnel.connectionsServed == 3)
        #expect(tunnel.failure == nil)
    }

    @Test func `a server that speaks first is heard even when the client connects late`() throws {
        let server = try TestSSHServer()
        let echo = try EchoServer(.tcp, greeting: "220 hello\n")
        let tunnel = try SSHTunnel(session: try server.connect().session.openSibling(), target: .tcp(host: "127.0.0.1", port: echo.port))
        defer { tunnel.close() }
        usleep(500_000)
        let client = try LocalClient(path: tunnel.localSocketPath)
        #expect(try client.read(count: 10) == Array("220 hello\n".utf8))
        try client.write(Array("ping".utf8))
        #expect(try client.read(count: 4) == Array("ping".utf8))
    }

    @Test func `reaches a Unix socket on the server through direct-streamlocal`() throws {
        let server = try TestSSHServer()
        let echo = try EchoServer(.unix(server.directory + "/db.sock"))
        let tunnel = try SSHTunnel(session: try server.connect().session.openSibling(), target: .unixSocket(path: echo.socketPath!))
        defer { tunnel.close() }
        let payload = Array("SELECT 1".utf8) + [UInt8](repeating: 7, count: 200_000)
        #expect(try roundTrip(payload, through: tunnel.localSocketPath) == payload)
    }

    @Test func `the local socket is private and gone after close`() throws {
        let server = try TestSSHServer()
        let echo = try EchoServer(.tcp)
        let tunnel = try SSHTunnel(session: try server.connect().session.openSibling(), target: .tcp(host: "127.0.0.1", port: echo.port))
        let folder = (tunnel.localSocketPath as NSString).deletingLastPathComponent
        let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        tunnel.close()
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func `dropping the tunnel without closing it stops it all the same`() throws {
        let server = try TestSSHServer()
        let echo = try EchoServer(.tcp)
        var tunnel: SSHTunnel? = try SSHTunnel(session: try server.connect().session.openSibling(), target: .tcp(host: "127.0.0.1", port: echo.port))
        let folder = (tunnel!.localSocketPath as NSString).deletingLastPathComponent
        #expect(try roundTrip(Array("hi".utf8), through: tunnel!.localSocketPath) == Array("hi".utf8))
        tunnel = nil
        #expect(!FileManager.default.fileExists(atPath: folder), "deinit closed the tunnel, so its thread let go of it")
    }

    @Test func `a server that forbids forwarding is named as the reason`() throws {
        let server = try TestSSHServer(settings: "AllowTcpForwarding no\nAllowStreamLocalForwarding no")
        let session = try server.connect().session.openSibling()
        #expect(throws: SSHTunnelError.forwardingRefused(server: session.displayName, target: .tcp(host: "127.0.0.1", port: 3306))) {
            try SSHTunnel(session: session, target: .tcp(host: "127.0.0.1", port: 3306))
        }
        let error = SSHTunnelError.forwardingRefused(server: session.displayName, target: .tcp(host: "127.0.0.1", port: 3306))
        #expect(error.localizedDescription.contains("AllowTcpForwarding"))
        // OpenSSH refuses a socket forward with the reason it gives a missing socket; the sentence says both.
        do {
            _ = try SSHTunnel(session: session, target: .unixSocket(path: "/run/mysqld/mysqld.sock"))
            Issue.record("the socket forward was not refused")
        } catch let error as SSHTunnelError {
            #expect(error.localizedDescription.contains("AllowStreamLocalForwarding"))
        }
    }

    @Test func `a target nobody listens on is unreachable, said by the server`() throws {
        let server = try TestSSHServer()
        let session = try server.connect().session.openSibling()
        let closedPort = try EchoServer.closedPort()
        #expect(throws: SSHTunnelError.self) { try SSHTunnel(session: session, target: .tcp(host: "127.0.0.1", port: closedPort)) }
        do {
            _ = try SSHTunnel(session: session, target: .tcp(host: "127.0.0.1", port: closedPort))
        } catch let error as SSHTunnelError {
            guard case .targetUnreachable = error else { Issue.record("expected targetUnreachable, got \(error)"); return }
        }
        // The session stays usable for the next attempt, as a fallback from socket to TCP needs.
        let echo = try EchoServer(.tcp)
        let tunnel = try SSHTunnel(session: session, target: .tcp(host: "127.0.0.1", port: echo.port))
        #expect(try roundTrip(Array("after".utf8), through: tunnel.localSocketPath) == Array("after".utf8))
        tunnel.close()
    }

    @Test func `a connection cut under the tunnel closes its clients and is reported`() throws {
        let server = try TestSSHServer()
        let echo = try EchoServer(.tcp)
        let tunnel = try SSHTunnel(session: try server.connect().session.openSibling(), target: .tcp(host: "127.0.0.1", port: echo.port))
        defer { tunnel.close() }
        let client = try LocalClient(path: tunnel.localSocketPath)
        try client.write(Array("one".utf8))
        #expect(try client.read(count: 3) == Array("one".utf8))
        server.killConnections()
        let started = Date()
        #expect(try client.readUntilClosed(timeout: 10) == [])
        #expect(Date().timeIntervalSince(started) < 10)
        for _ in 0..<50 where tunnel.failure == nil { usleep(100_000) }
        #expect(tunnel.failure != nil)
    }

    @Test func `a sibling session logs in again without asking for the password twice`() throws {
        let server = try TestSSHServer()
        let password = try TestSSHServer.password
        var options = server.options(home: try server.makeClientHome(), identity: nil)
        let asked = LockedResults()
        options.passwordPrompt = { _ in
            asked.count += 1
            return password
        }
        let fileSystem = try SFTPFileSystem.connect(to: server.address, options: options)
        let sibling = try fileSystem.session.openSibling()
        #expect(asked.count == 1)
        #expect(sibling.hostKeyFingerprint == fileSystem.session.hostKeyFingerprint)
        #expect(try fileSystem.isDirectory(server.scratchRoot), "the first session still works")
    }
}

// MARK: - Helpers

/// Sends `payload` while reading the echo back, then closes the writing side and reads to the end.
private func roundTrip(_ payload: [UInt8], through path: String) throws -> [UInt8] {
    let client = try LocalClient(path: path)
    let writer = Thread {
        try? client.write(payload)
        shutdown(client.socket, Int32(SHUT_WR))
    }
    writer.start()
    return try client.readUntilClosed(timeout: 60)
}

private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<Bool, any Error>] = [:]
    private var counter = 0

    var count: Int {
        get { lock.withLock { counter } }
        set { lock.withLock { counter = newValue } }
    }

    func add(_ index: Int, _ result: Result<Bool, any Error>) { lock.withLock { results[index] = result } }

    func result(_ index: Int) -> Result<Bool, any Error> {
        lock.withLock { results[index] ?? .failure(TestServerError("no result for \(index)")) }
    }
}

/// A blocking client of the tunnel's local socket.
private final class LocalClient: @unchecked Sendable {
    let socket: Int32

    init(path: String) throws {
        socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw TestServerError("connect \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(socket) }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestServerError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    func read(count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while result.count < count {
            let got = recv(socket, &buffer, count - result.count, 0)
            guard got > 0 else { throw TestServerError("the tunnel closed after \(result.count) of \(count) bytes") }
            result += buffer[0..<got]
        }
        return result
    }

    /// Everything until the other side closes (an error counts as closed), or throws after `timeout`.
    func readUntilClosed(timeout: TimeInterval) throws -> [UInt8] {
        var seconds = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = recv(socket, &buffer, buffer.count, 0)
            if got > 0 { result += buffer[0..<got]; continue }
            if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw TestServerError("nothing for \(timeout) s") }
            return result
        }
    }
}

/// Echoes every connection back, after an optional greeting; on TCP loopback or a Unix socket
/// the test user's sshd can open.
private final class EchoServer: @unchecked Sendable {
    enum Kind { case tcp, unix(String) }

    let listener: Int32
    let port: Int
    let socketPath: String?
    private let greeting: [UInt8]

    init(_ kind: Kind, greeting: String = "") throws {
        self.greeting = Array(greeting.utf8)
        let fd: Int32
        switch kind {
        case .tcp:
            (fd, port) = try LoopbackPort.bind()
            socketPath = nil
        case .unix(let path):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: Array(path.utf8))
                raw[path.utf8.count] = 0
            }
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            chmod(path, 0o777)
            port = 0
            socketPath = path
        }
        listener = fd
        guard listen(listener, 16) == 0 else { throw TestServerError("echo server: \(String(cString: strerror(errno)))") }
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { close(listener) }

    /// A loopback port nothing listens on.
    static func closedPort() throws -> Int {
        let server = try EchoServer(.tcp)
        let port = server.port
        shutdown(server.listener, Int32(SHUT_RDWR))
        return port
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let greeting = greeting
            Thread {
                defer { close(client) }
                if !greeting.isEmpty { _ = greeting.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let got = recv(client, &buffer, buffer.count, 0)
                    guard got > 0 else { return }
                    var offset = 0
                    while offset < got {
                        let sent = buffer[offset..<got].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        guard sent > 0 else { return }
                        offset += sent
                    }
                }
            }.start()
        }
    }
}
