import Foundation

/// Where the database server listens: a Unix socket or a TCP address.
///
public enum DatabaseEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// `path` nil: the client library's compiled-in default socket (/run/mysqld/mysqld.sock on Debian).
    case socket(path: String?)
    case tcp(host: String, port: Int)

    public static let defaultPort = 3306

    /// `endpoint`, and the SSH server it was reached from when that is not this machine.
    public static func describe(_ endpoint: DatabaseEndpoint, via: String?) -> String {
        guard let via else { return endpoint.description }
        return "\(endpoint) on \(via) (through SSH)"
    }

    public var description: String {
        switch self {
        case .socket(let path): return "Unix socket \(path ?? "(default socket)")"
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}

/// DB_HOST, read the way WordPress reads it (`wpdb::parse_db_host`, then mysqli's rules).
///
/// WordPress accepts `host`, `host:port`, `host:/path/to.sock`, `:/path/to.sock`, `localhost`
/// (which mysqli turns into the Unix socket, ignoring any port), `[IPv6]:port` and bare IPv6.
/// mysqli also knows a `p:` prefix for persistent connections, but WordPress's own parser
/// does not: it reads `p:localhost` as a server named `p`. That case is kept as what the user
/// meant (the part after `p:`) and flagged in `wordPressProblem`.
public struct DatabaseHost: Equatable, Sendable {
    /// DB_HOST as written.
    public let written: String
    /// The host name or address, without brackets; empty means localhost.
    public let host: String
    public let port: Int?
    public let socket: String?
    public let isIPv6: Bool
    public let persistent: Bool
    /// Set when WordPress itself would not reach the server DB_HOST seems to mean.
    public let wordPressProblem: String?
    /// Parts of DB_HOST that have no effect, worth telling the user about.
    public let notes: [String]

    public init(parsing written: String) {
        self.written = written
        var text = written.trimmingCharacters(in: .whitespaces)
        persistent = text.hasPrefix("p:")
        if persistent { text.removeFirst(2) }
        let parsed = Self.parseLikeWordPress(text)
        host = parsed?.host ?? text
        port = parsed?.port
        socket = parsed?.socket
        isIPv6 = parsed?.isIPv6 ?? false

        var problem: String?
        if persistent {
            let asWordPressReadsIt = Self.parseLikeWordPress(written)
            let what = asWordPressReadsIt.map { "a server named '\($0.host)'" } ?? "nothing it can parse"
            problem = "WordPress reads DB_HOST '\(written)' as \(what): its DB_HOST parser does not know mysqli's 'p:' prefix; remove 'p:' from DB_HOST"
        } else if parsed == nil {
            problem = "WordPress cannot parse DB_HOST '\(written)'"
        }
        var notes: [String] = []
        let isLocalhost = host.isEmpty || host == "localhost"
        if let port = parsed?.port {
            if port > 65535 {
                problem = problem ?? "DB_HOST '\(written)' names port \(port), which is not a TCP port (1-65535)"
            } else if isLocalhost {
                notes.append("'localhost' means the Unix socket, so the port \(port) in DB_HOST is ignored; write 127.0.0.1:\(port) to use TCP")
            }
        }
        if let socket, !isLocalhost {
            notes.append("the socket \(socket) in DB_HOST is ignored because the host is \(host), not localhost")
        }
        wordPressProblem = problem
        self.notes = notes
    }

    /// What the client library is asked to connect to.
    public var endpoint: DatabaseEndpoint {
        if host.isEmpty || host == "localhost" { return .socket(path: socket) }
        return .tcp(host: host, port: port ?? DatabaseEndpoint.defaultPort)
    }

    private struct Parsed {
        var host: String
        var rawPort: Int?
        var socket: String?
        var isIPv6: Bool
        /// WordPress drops a zero or absent port (`absint`, then `empty`).
        var port: Int? { rawPort.flatMap { $0 == 0 ? nil : $0 } }
    }

    /// A transcription of wpdb::parse_db_host: peel `:/socket` off from the first `:/`,
    /// then two or more colons mean IPv6 (`[addr]:port` or bare), else `host[:port]`.
    /// Like the PHP regular expressions it is anchored at the start only, so trailing
    /// text that does not fit is dropped rather than rejected. Nil where WordPress gets `false`.
    private static func parseLikeWordPress(_ value: String) -> Parsed? {
        var rest = Substring(value)
        var socket: String?
        if let range = rest.range(of: ":/") {
            socket = String(rest[rest.index(after: range.lowerBound)...])
            rest = rest[..<range.lowerBound]
        }
        if rest.filter({ $0 == ":" }).count > 1 {
            if rest.hasPrefix("[") { rest.removeFirst() }
            let address = rest.prefix { ($0.isASCII && $0.isHexDigit) || $0 == ":" }
            guard !address.isEmpty else { return nil }
            var port: Int?
            let after = rest[address.endIndex...]
            if after.hasPrefix("]:") {
                let digits = after.dropFirst(2).prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty { port = Int(digits) ?? Int.max }
            }
            return Parsed(host: String(address), rawPort: port, socket: socket, isIPv6: true)
        }
        let name = rest.prefix { $0 != ":" && $0 != "/" }
        var port: Int?
        let after = rest[name.endIndex...]
        if after.hasPrefix(":") {
            let digits = after.dropFirst().prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty { port = Int(digits) ?? Int.max }
        }
        return Parsed(host: String(name), rawPort: port, socket: socket, isIPv6: false)
    }
}
