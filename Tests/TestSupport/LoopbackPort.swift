import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// TCP sockets on 127.0.0.1 with a port the kernel picks: for throwaway servers in tests.
public enum LoopbackPort {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new socket bound to 127.0.0.1 on a free port, listening when asked; the caller closes it.
    public static func bind(listening: Bool = false) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, !listening || listen(descriptor, 16) == 0 else {
            let detail = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(description: "binding a loopback port: \(detail)")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A port nothing listens on right now (bound, then let go). Another process can take it
    /// before the caller binds it, so a server started on it must be ready to try another.
    public static func free() throws -> Int {
        let (descriptor, port) = try bind()
        close(descriptor)
        return port
    }
}
