import Foundation

/// Where to ask a site's own server to connect, through SSH, to reach the database DB_HOST
/// means: the server resolves the names and owns the sockets, so nothing is guessed from here.
public enum RemoteDatabaseRoute {
    /// Where distributions put MariaDB's and MySQL's socket, for DB_HOST 'localhost' with no
    /// path: PHP's mysqli uses its compiled-in default, which wprescue cannot read over SFTP.
    public static let commonSockets = [
        "/run/mysqld/mysqld.sock",        // Debian, Ubuntu, Arch
        "/var/run/mysqld/mysqld.sock",    // the same on systems where /var/run is not a link
        "/var/lib/mysql/mysql.sock",      // Red Hat, CentOS, AlmaLinux, cPanel
        "/tmp/mysql.sock",                // builds from source, macOS
    ]

    /// One place to try, with why it is tried.
    public struct Candidate: Equatable, Sendable {
        public var endpoint: DatabaseEndpoint
        public var reason: String

        public init(_ endpoint: DatabaseEndpoint, _ reason: String) {
            self.endpoint = endpoint
            self.reason = reason
        }
    }

    /// The places to try, in order. `socketExists` answers from the site's file system: true or
    /// false when it could tell, nil when it could not look (a chroot, no permission).
    ///
    /// A TCP address and a socket DB_HOST names are taken as written. For bare 'localhost' the
    /// usual sockets come first (those seen to exist, then those it could not look for), then
    /// 127.0.0.1:3306, the same server over TCP when it listens there.
    public static func candidates(for endpoint: DatabaseEndpoint, socketExists: (String) -> Bool?) -> [Candidate] {
        switch endpoint {
        case .tcp:
            return [Candidate(endpoint, "DB_HOST")]
        case .socket(let path?):
            return [Candidate(.socket(path: path), "DB_HOST")]
        case .socket(nil):
            let looked = commonSockets.map { ($0, socketExists($0)) }
            let seen = looked.filter { $0.1 == true }.map { Candidate(.socket(path: $0.0), "DB_HOST 'localhost' means the default socket; \($0.0) exists on the server") }
            let unknown = looked.filter { $0.1 == nil }.map { Candidate(.socket(path: $0.0), "DB_HOST 'localhost' means the default socket; \($0.0) is a usual place for it") }
            let tcp = Candidate(.tcp(host: "127.0.0.1", port: DatabaseEndpoint.defaultPort),
                                "no usual socket answered, so the same server over TCP on the default port")
            return seen + unknown + [tcp]
        }
    }
}
