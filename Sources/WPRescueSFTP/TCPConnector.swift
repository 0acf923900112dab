import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens the TCP connection libssh2 runs on: every address getaddrinfo gives (IPv6 and
/// IPv4), each with a deadline, since a plain blocking connect(2) can hang for minutes.
enum TCPConnector {
    static func connect(host: String, port: Int, timeout: TimeInterval) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &list)
        guard lookup == 0, let first = list else {
            throw SSHConnectionError.hostNotFound(host: host, detail: String(cString: gai_strerror(lookup)))
        }
        defer { freeaddrinfo(list) }

        let deadline = Date().addingTimeInterval(timeout)
        var lastError: Int32 = ECONNREFUSED
        var timedOut = false
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { timedOut = true; break }
            switch attempt(address.pointee, timeoutMilliseconds: Int32(remaining * 1000)) {
            case .connected(let descriptor): return descriptor
            case .failed(let code): lastError = code
            case .timedOut: timedOut = true
            }
        }
        if timedOut && lastError == ECONNREFUSED {
            throw SSHConnectionError.connectTimedOut(host: host, port: port, seconds: Int(timeout.rounded()))
        }
        throw SSHConnectionError.connectFailed(host: host, port: port, detail: String(cString: strerror(lastError)))
    }

    /// Connects to a local Unix socket: the near end of the tunnel through a jump host.
    static func connect(unixSocket path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SSHTunnelError.localListenerFailed(detail: String(cString: strerror(errno))) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw SSHTunnelError.localListenerFailed(detail: "the socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let detail = String(cString: strerror(errno))
            close(descriptor)
            throw SSHTunnelError.localListenerFailed(detail: "connecting to \(path): \(detail)")
        }
        return descriptor
    }

    private enum Attempt { case connected(Int32), failed(Int32), timedOut }

    private static func attempt(_ address: addrinfo, timeoutMilliseconds: Int32) -> Attempt {
        #if canImport(Glibc)
        let descriptor = socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
        #else
        let descriptor = socket(address.ai_family, address.ai_socktype, address.ai_protocol)
        #endif
        guard descriptor >= 0 else { return .failed(errno) }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        var result = systemConnect(descriptor, address.ai_addr, address.ai_addrlen)
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(descriptor)
            return .failed(code)
        }
        if result != 0 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            repeat { result = poll(&poller, 1, max(timeoutMilliseconds, 1)) } while result < 0 && errno == EINTR
            if result == 0 {
                close(descriptor)
                return .timedOut
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
            if result < 0 || socketError != 0 {
                close(descriptor)
                return .failed(socketError != 0 ? socketError : errno)
            }
        }
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        var enabled: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &enabled, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &enabled, socklen_t(MemoryLayout<Int32>.size))
        #endif
        return .connected(descriptor)
    }
}

/// `connect` is shadowed by `TCPConnector.connect`; this names the C function.
private func systemConnect(_ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.connect(descriptor, address, length)
    #else
    return Darwin.connect(descriptor, address, length)
    #endif
}
