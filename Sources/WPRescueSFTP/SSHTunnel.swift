import CLibSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POLLRDHUP (Linux, hidden behind _GNU_SOURCE in the C headers): the peer closed its end.
private let pollPeerClosed: Int16 = 0x2000

/// Where a tunnel leads, as the SSH server sees it.
public enum SSHForwardTarget: Equatable, Sendable, CustomStringConvertible {
    /// A TCP address, resolved and connected to by the server (`direct-tcpip`).
    case tcp(host: String, port: Int)
    /// A Unix socket on the server (OpenSSH's `direct-streamlocal@openssh.com`).
    case unixSocket(path: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path): return "the Unix socket \(path)"
        }
    }
}

/// Why a tunnel could not be opened. The connection itself failing is a `FileAccessError`.
public enum SSHTunnelError: Error, Equatable, LocalizedError {
    /// The server does not forward for this account (`AllowTcpForwarding no`,
    /// `AllowStreamLocalForwarding no`, `DisableForwarding`, or a `permitopen` restriction).
    case forwardingRefused(server: String, target: SSHForwardTarget)
    /// The server forwards, but could not connect to the target itself.
    case targetUnreachable(server: String, target: SSHForwardTarget, detail: String)
    case openFailed(server: String, target: SSHForwardTarget, detail: String)
    case localListenerFailed(detail: String)

    public var errorDescription: String? {
        switch self {
        case .forwardingRefused(let server, let target):
            let setting = if case .unixSocket = target { "AllowStreamLocalForwarding" } else { "AllowTcpForwarding" }
            return "The SSH server \(server) refuses to forward connections for this account (administratively prohibited), so wprescue cannot reach \(target) through it; ask your host to allow port forwarding for your SSH user (\(setting) in sshd_config), or run wprescue on the server itself."
        case .targetUnreachable(let server, let target, let detail):
            return "The SSH server \(server) could not connect to \(target) (\(detail))."
        case .openFailed(let server, let target, let detail):
            return "The SSH server \(server) did not open a tunnel to \(target) (\(detail))."
        case .localListenerFailed(let detail):
            return "Could not open the local end of the SSH tunnel (\(detail))."
        }
    }
}

/// Forwards connections made to a private local Unix socket to `target` through an SSH
/// session, the way `ssh -L` does; a client library that can only dial (libmariadb) connects
/// to `localSocketPath`.
///
/// The tunnel owns its session and drives it from one thread of its own, non-blocking, so
/// give it a session nothing else uses (`SSHSession.openSibling()`). The first channel is
/// opened before `init` returns, so a refusal is an error here rather than a dropped client
/// later. The socket lives in a folder only this user can enter: no other local account
/// can ride the tunnel. `close()` (or deinit) stops the thread, closes every channel and
/// removes the socket.
public final class SSHTunnel: @unchecked Sendable {
    public let target: SSHForwardTarget
    /// `user@host:port` of the SSH server.
    public let server: String
    public let localSocketPath: String

    private let folder: String
    private let pump: Pump
    private let wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let closing = NSLock()
    private var closed = false

    public init(session: SSHSession, target: SSHForwardTarget) throws {
        self.target = target
        server = session.displayName
        let first = try session.openForwardChannel(to: target)
        var template = Array((NSTemporaryDirectory() + "wprescue-tunnel-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            Pump.free(channel: first)
            throw SSHTunnelError.localListenerFailed(detail: "mkdtemp: \(String(cString: strerror(errno)))")
        }
        folder = String(cString: created)
        chmod(folder, 0o700)
        localSocketPath = folder + "/db.sock"
        let listener: Int32
        do {
            listener = try Self.listen(at: localSocketPath)
        } catch {
            Pump.free(channel: first)
            rmdir(folder)
            throw error
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            Pump.free(channel: first)
            Glibc.close(listener)
            unlink(localSocketPath)
            rmdir(folder)
            throw SSHTunnelError.localListenerFailed(detail: "pipe: \(String(cString: strerror(errno)))")
        }
        // A program wprescue starts later (a ProxyCommand) must not hold the tunnel's descriptors.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        wakeWrite = pipeEnds[1]
        let pump = Pump(session: session, target: target, listener: listener, wakeRead: pipeEnds[0], opening: first)
        self.pump = pump
        libssh2_session_set_blocking(session.handle, 0)
        // The thread holds the pump, never the tunnel, so dropping the tunnel stops it.
        let finished = finished
        let thread = Thread {
            pump.run()
            finished.signal()
        }
        thread.name = "wprescue SSH tunnel"
        thread.start()
        Self.open.add(self)
    }

    deinit { close() }

    /// Closes every tunnel still open, newest first (a database tunnel before the ProxyJump
    /// relay it rides on). Called before the process exits: a pump thread still running while
    /// exit() tears down OpenSSL would crash the process after its work is done.
    public static func closeAll() {
        for tunnel in open.takeAll().reversed() { tunnel.close() }
    }

    private static let open = OpenTunnels()

    /// Set when the SSH connection under the tunnel was lost; clients then see their
    /// connections closed.
    public var failure: String? { pump.failure }

    /// Connections forwarded so far.
    public var connectionsServed: Int { pump.connectionsServed }

    /// Stops forwarding, closes every connection through the tunnel and the session.
    public func close() {
        closing.lock()
        let wasClosed = closed
        closed = true
        closing.unlock()
        guard !wasClosed else { return }
        Self.open.remove(self)
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        Glibc.close(wakeWrite)
        Glibc.close(pump.wakeRead)
        Glibc.close(pump.listener)
        unlink(localSocketPath)
        rmdir(folder)
    }

    private static func listen(at path: String) throws -> Int32 {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw SSHTunnelError.localListenerFailed(detail: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(socket)
            throw SSHTunnelError.localListenerFailed(detail: "the path \(path) is too long for a Unix socket; set TMPDIR to a shorter folder")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(socket, 16) == 0 else {
            let detail = String(cString: strerror(errno))
            Glibc.close(socket)
            throw SSHTunnelError.localListenerFailed(detail: "\(path): \(detail)")
        }
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        return socket
    }
}

/// The tunnels not yet closed, in the order they were opened (held weakly).
private final class OpenTunnels: @unchecked Sendable {
    private struct Entry {
        weak var tunnel: SSHTunnel?
        let id: ObjectIdentifier
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    func add(_ tunnel: SSHTunnel) {
        lock.withLock { entries.append(Entry(tunnel: tunnel, id: ObjectIdentifier(tunnel))) }
    }

    func remove(_ tunnel: SSHTunnel) {
        let id = ObjectIdentifier(tunnel)
        lock.withLock { entries.removeAll { $0.id == id } }
    }

    func takeAll() -> [SSHTunnel] {
        lock.withLock {
            defer { entries.removeAll() }
            return entries.compactMap(\.tunnel)
        }
    }
}

/// The tunnel's moving part, run on its own thread: the only user of `session` once started.
private final class Pump: @unchecked Sendable {
    let session: SSHSession
    let target: SSHForwardTarget
    let server: String
    let listener: Int32
    let wakeRead: Int32
    private var opening: OpaquePointer?
    private let state = NSLock()
    private var lostDetail: String?
    private var served = 0

    init(session: SSHSession, target: SSHForwardTarget, listener: Int32, wakeRead: Int32, opening: OpaquePointer) {
        self.session = session
        self.target = target
        server = session.displayName
        self.listener = listener
        self.wakeRead = wakeRead
        self.opening = opening
    }

    var failure: String? {
        state.lock()
        defer { state.unlock() }
        return lostDetail
    }

    var connectionsServed: Int {
        state.lock()
        defer { state.unlock() }
        return served
    }

    /// One forwarded connection: a local client socket and its channel, with what is waiting
    /// to go each way.
    private final class Link {
        let client: Int32
        let channel: OpaquePointer
        var toChannel: [UInt8] = []
        var toClient: [UInt8] = []
        var clientDone = false
        var eofSent = false
        var channelDone = false
        var clientToldEOF = false
        var failed = false

        init(client: Int32, channel: OpaquePointer) {
            self.client = client
            self.channel = channel
        }

        var finished: Bool { failed || (clientDone && eofSent && channelDone && toClient.isEmpty) }
    }

    private static let chunk = 64 * 1024

    func run() {
        var links: [Link] = []
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        var busy = false
        loop: while true {
            var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            let directions = libssh2_session_block_directions(session.handle)
            // With no connection to serve nothing reads the socket, so only ask to hear of its end.
            var sshEvents = pollPeerClosed
            if !links.isEmpty { sshEvents |= Int16(POLLIN) }
            if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { sshEvents |= Int16(POLLOUT) }
            descriptors.append(pollfd(fd: session.socket, events: sshEvents, revents: 0))
            for link in links {
                var events: Int16 = 0
                if !link.clientDone && link.toChannel.count < Self.chunk { events |= Int16(POLLIN) }
                if !link.toClient.isEmpty { events |= Int16(POLLOUT) }
                descriptors.append(pollfd(fd: link.client, events: events, revents: 0))
            }
            // Data libssh2 already read off the socket does not wake poll: after any progress look again at once.
            _ = poll(&descriptors, nfds_t(descriptors.count), busy ? 0 : 200)
            if descriptors[0].revents != 0 { break loop }
            busy = false
            if descriptors[1].revents & Int16(POLLIN) != 0, let link = takeClient() { links.append(link) }
            if failure != nil { break loop }
            let sshEnded = descriptors[2].revents & (pollPeerClosed | Int16(POLLHUP | POLLERR)) != 0

            for link in links {
                busy = exchange(link, buffer: &buffer) || busy
                if failure != nil { break loop }
            }
            if sshEnded && !busy {
                noteLost(detail: "\(server) closed the connection while forwarding to \(target)")
                break loop
            }
            for link in links where link.finished { finish(link) }
            links.removeAll { $0.finished }
            var secondsToNext: Int32 = 0
            let keepalive = libssh2_keepalive_send(session.handle, &secondsToNext)
            if keepalive != 0 && keepalive != LIBSSH2_ERROR_EAGAIN { noteLost(code: Int(keepalive)) }
            if failure != nil { break loop }
        }
        // Closing channels still talks to the server: blocking again, but not for long.
        libssh2_session_set_blocking(session.handle, 1)
        libssh2_session_set_timeout(session.handle, 2000)
        for link in links { finish(link) }
        if let opening { Self.free(channel: opening) }
        opening = nil
    }

    /// Takes a waiting client and gives it a channel: the one opened in `init` first, then a new one.
    private func takeClient() -> Link? {
        let client = Glibc.accept(listener, nil, nil)
        guard client >= 0 else { return nil }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
        var channel = opening
        opening = nil
        if let unused = channel, libssh2_channel_eof(unused) != 0 {
            // The far end gave up on the channel opened in init (a server's handshake timeout).
            Self.free(channel: unused)
            channel = nil
        }
        if channel == nil {
            libssh2_session_set_blocking(session.handle, 1)
            libssh2_session_set_timeout(session.handle, session.timeoutSeconds * 1000)
            channel = try? session.openForwardChannel(to: target)
            libssh2_session_set_blocking(session.handle, 0)
            if session.lostDetail != nil { noteLost(detail: session.lostDetail!) }
        }
        guard let channel else {
            Glibc.close(client)  // the client sees its connection closed, as with `ssh -L`
            return nil
        }
        state.lock()
        served += 1
        state.unlock()
        return Link(client: client, channel: channel)
    }

    /// Moves what can be moved each way without waiting; true when anything moved.
    private func exchange(_ link: Link, buffer: inout [UInt8]) -> Bool {
        var moved = false
        if !link.clientDone && link.toChannel.count < Self.chunk {
            let got = recv(link.client, &buffer, Self.chunk, 0)
            if got > 0 {
                link.toChannel += buffer[0..<got]
                moved = true
            } else if got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                link.clientDone = true
            }
        }
        while !link.toChannel.isEmpty {
            let written = link.toChannel.withUnsafeBytes { raw in
                libssh2_channel_write_ex(link.channel, 0, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
            }
            if written > 0 {
                link.toChannel.removeFirst(written)
                moved = true
            } else {
                if written < 0 && written != Int(LIBSSH2_ERROR_EAGAIN) { failLink(link, code: written) }
                break
            }
        }
        if link.clientDone && link.toChannel.isEmpty && !link.eofSent && !link.failed {
            let result = libssh2_channel_send_eof(link.channel)
            if result == 0 { link.eofSent = true } else if result != LIBSSH2_ERROR_EAGAIN { failLink(link, code: Int(result)) }
        }
        while !link.channelDone && !link.failed && link.toClient.count < 4 * Self.chunk {
            let got = buffer.withUnsafeMutableBytes { raw in
                libssh2_channel_read_ex(link.channel, 0, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
            }
            if got > 0 {
                link.toClient += buffer[0..<got]
                moved = true
            } else if got == 0 {
                if libssh2_channel_eof(link.channel) != 0 { link.channelDone = true }
                break
            } else {
                if got != Int(LIBSSH2_ERROR_EAGAIN) { failLink(link, code: got) }
                break
            }
        }
        if !link.toClient.isEmpty {
            let sent = link.toClient.withUnsafeBytes { raw in send(link.client, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                link.toClient.removeFirst(sent)
                moved = true
            } else if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                link.failed = true
            }
        }
        if link.channelDone && link.toClient.isEmpty && !link.clientToldEOF {
            shutdown(link.client, Int32(SHUT_WR))
            link.clientToldEOF = true
        }
        return moved
    }

    private func failLink(_ link: Link, code: Int) {
        link.failed = true
        if let known = LibSSH2Code(rawValue: Int32(clamping: code)), known.effect != .requestFailed {
            noteLost(code: code)
        }
    }

    private func noteLost(code: Int) {
        let failure = session.failure(code: code, activity: "forwarding to \(target)")
        if case .connectionLost(let detail) = failure.kind { noteLost(detail: detail) }
    }

    private func noteLost(detail: String) {
        state.lock()
        if lostDetail == nil { lostDetail = detail }
        state.unlock()
    }

    /// Closes a finished connection. Closing its channel is a round trip, which a
    /// non-blocking session would leave half done (and the channel unfreed): wait for it,
    /// briefly.
    private func finish(_ link: Link) {
        Glibc.close(link.client)
        let wasBlocking = libssh2_session_get_blocking(session.handle) != 0
        libssh2_session_set_blocking(session.handle, 1)
        libssh2_session_set_timeout(session.handle, 2000)
        Self.free(channel: link.channel)
        if !wasBlocking { libssh2_session_set_blocking(session.handle, 0) }
    }

    static func free(channel: OpaquePointer) {
        _ = libssh2_channel_close(channel)
        libssh2_channel_free(channel)
    }

}
