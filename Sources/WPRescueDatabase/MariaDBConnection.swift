import CMariaDB
import Foundation
import WPRescueKit

/// libmariadb's library-wide setup, done once, before the first handle (mysql_init would do it
/// implicitly, but not thread-safely).
private let libraryReady: Bool = wprescue_mysql_library_init() == 0

/// One connection: owns a `MYSQL*`, closed in deinit. Not shared between threads.
public final class MariaDBConnection: WordPressDatabase {
    private let handle: UnsafeMutablePointer<MYSQL>
    public let endpoint: DatabaseEndpoint
    public let via: String?
    private let context: DatabaseError.Context
    private let password: DatabasePassword
    /// The tunnel under the connection, kept open as long as the connection is.
    private let tunnel: DatabaseRoute?

    /// Connects to `endpoint` (default: where DB_HOST points) as WordPress would, from this
    /// machine or, given a `route`, from the site's server through its SSH tunnel. Every wait is
    /// bounded: the connection and the server's greeting by `timeoutSeconds`, each read or write
    /// afterwards by `queryTimeoutSeconds` (default: the same), since CHECK TABLE on a large
    /// table legitimately takes longer than a healthy server takes to answer. Throws `DatabaseError`.
    public init(credentials: DatabaseCredentials, endpoint: DatabaseEndpoint? = nil, route: DatabaseRoute? = nil,
                timeoutSeconds: Int, queryTimeoutSeconds: Int? = nil, tlsCertificateAuthority: String? = nil) throws {
        let endpoint = route?.endpoint ?? endpoint ?? credentials.host.endpoint
        self.endpoint = endpoint
        via = route?.server
        tunnel = route
        context = DatabaseError.Context(user: credentials.user, database: credentials.name, endpoint: endpoint,
                                        timeoutSeconds: timeoutSeconds, via: route?.server)
        password = credentials.password
        guard libraryReady, let handle = mysql_init(nil) else {
            throw DatabaseError(code: 2008, serverMessage: "libmariadb could not be initialised (out of memory?)",
                                context: context, password: password)
        }
        self.handle = handle
        // libmariadb bounds the greeting by the connect timeout, so an address that accepts TCP but
        // never speaks MySQL fails within `timeoutSeconds` even when queries may take longer.
        let querySeconds = UInt32(clamping: max(1, queryTimeoutSeconds ?? timeoutSeconds))
        try setOption(MYSQL_OPT_CONNECT_TIMEOUT, UInt32(clamping: max(1, timeoutSeconds)))
        try setOption(MYSQL_OPT_READ_TIMEOUT, querySeconds)
        try setOption(MYSQL_OPT_WRITE_TIMEOUT, querySeconds)
        // A server may ask the client for a local file (LOAD DATA LOCAL); never allow it.
        try setOption(MYSQL_OPT_LOCAL_INFILE, 0)
        // Nor an authentication method that sends the password in clear (mysql_clear_password, dialog).
        try setOption(MARIADB_OPT_RESTRICTED_AUTH, Self.allowedAuthentication)
        if route == nil, Self.leavesThisMachine(endpoint) {
            // The password crosses a network: only over TLS, to a server whose certificate is trusted.
            try setOption(MYSQL_OPT_SSL_ENFORCE, true)
            try setOption(MYSQL_OPT_SSL_VERIFY_SERVER_CERT, true)
            if let tlsCertificateAuthority { try setOption(MYSQL_OPT_SSL_CA, tlsCertificateAuthority) }
        }

        let connected: UnsafeMutablePointer<MYSQL>?
        switch route.map({ DatabaseEndpoint.socket(path: $0.localSocketPath) }) ?? endpoint {
        case .socket(let path):
            connected = mysql_real_connect(handle, "localhost", credentials.user, credentials.password.value, credentials.name,
                                           0, path, 0)
        case .tcp(let host, let port):
            // Without this, a host named "localhost" (say, a forwarded port) would silently use the socket.
            try setOption(MYSQL_OPT_PROTOCOL, UInt32(MYSQL_PROTOCOL_TCP.rawValue))
            connected = mysql_real_connect(handle, host, credentials.user, credentials.password.value, credentials.name,
                                           UInt32(clamping: port), nil, 0)
        }
        guard connected != nil else { throw lastError() }
        // WordPress sets DB_CHARSET the same way after connecting and carries on if the server refuses it.
        if let charset = credentials.charset, !charset.isEmpty { _ = mysql_set_character_set(handle, charset) }
    }

    deinit { mysql_close(handle) }

    public var serverVersion: String { String(cString: mysql_get_server_info(handle)) }

    public func query(_ sql: String) throws -> QueryResult {
        let length = UInt(sql.utf8.count)
        guard mysql_real_query(handle, sql, length) == 0 else { throw lastError() }
        guard let stored = mysql_store_result(handle) else {
            if mysql_field_count(handle) == 0 { return QueryResult(columns: [], rows: []) }
            throw lastError()
        }
        return MariaDBResult(stored).read()
    }

    private func setOption(_ option: mysql_option, _ value: UInt32) throws {
        let status = withUnsafePointer(to: value) { mysql_options(handle, option, $0) }
        guard status == 0 else { throw lastError() }
    }

    /// The `my_bool` options.
    private func setOption(_ option: mysql_option, _ value: Bool) throws {
        let flag: CChar = value ? 1 : 0
        let status = withUnsafePointer(to: flag) { mysql_options(handle, option, $0) }
        guard status == 0 else { throw lastError() }
    }

    private func setOption(_ option: mysql_option, _ value: String) throws {
        guard mysql_options(handle, option, value) == 0 else { throw lastError() }
    }

    static let allowedAuthentication = "mysql_native_password,caching_sha2_password,sha256_password,client_ed25519"

    /// A TCP endpoint that is not this machine (a Unix socket and the loopback network never leave it).
    static func leavesThisMachine(_ endpoint: DatabaseEndpoint) -> Bool {
        guard case .tcp(let host, _) = endpoint else { return false }
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return false }
        var address = in_addr()
        if inet_pton(AF_INET, lowered, &address) == 1 { return (UInt32(bigEndian: address.s_addr) >> 24) != 127 }
        return true
    }

    /// The one place library and server errors are read; `DatabaseError` gives them meaning.
    private func lastError() -> DatabaseError {
        DatabaseError(code: Int(mysql_errno(handle)), serverMessage: String(cString: mysql_error(handle)),
                      context: context, password: password)
    }
}

/// One result set: owns a `MYSQL_RES*`, freed in deinit.
final class MariaDBResult {
    private let handle: UnsafeMutablePointer<MYSQL_RES>

    init(_ handle: UnsafeMutablePointer<MYSQL_RES>) { self.handle = handle }

    deinit { mysql_free_result(handle) }

    /// Every row, every value as text (lengths from the library, so embedded NULs survive).
    func read() -> QueryResult {
        let count = Int(mysql_num_fields(handle))
        var columns: [String] = []
        if let fields = mysql_fetch_fields(handle) {
            columns = (0..<count).map { String(cString: fields[$0].name) }
        }
        var rows: [[String?]] = []
        while let row = mysql_fetch_row(handle) {
            guard let lengths = mysql_fetch_lengths(handle) else { break }
            rows.append((0..<count).map { column in
                guard let value = row[column] else { return nil }
                return String(decoding: UnsafeRawBufferPointer(start: value, count: Int(lengths[column])), as: UTF8.self)
            })
        }
        return QueryResult(columns: columns, rows: rows)
    }
}

/// Opens `MariaDBConnection`s: to where DB_HOST points, to `endpoint` instead, or through
/// `tunnels` from the site's own server.
public struct MariaDBConnector: WordPressDatabaseConnector {
    public var endpoint: DatabaseEndpoint?
    /// Seconds each query may take once connected; nil: the connection timeout.
    public var queryTimeoutSeconds: Int?
    public var tunnels: DatabaseTunnels?
    /// The CA file that vouches for a remote server's TLS certificate (`--db-ssl-ca`); nil: the system's.
    public var tlsCertificateAuthority: String?

    public init(endpoint: DatabaseEndpoint? = nil, queryTimeoutSeconds: Int? = nil, tunnels: DatabaseTunnels? = nil,
                tlsCertificateAuthority: String? = nil) {
        self.endpoint = endpoint
        self.queryTimeoutSeconds = queryTimeoutSeconds
        self.tunnels = tunnels
        self.tlsCertificateAuthority = tlsCertificateAuthority
    }

    public func connect(_ credentials: DatabaseCredentials, timeoutSeconds: Int) throws -> WordPressDatabase {
        guard let tunnels else {
            return try MariaDBConnection(credentials: credentials, endpoint: endpoint, timeoutSeconds: timeoutSeconds,
                                         queryTimeoutSeconds: queryTimeoutSeconds, tlsCertificateAuthority: tlsCertificateAuthority)
        }
        let route = try tunnels.route(to: endpoint ?? credentials.host.endpoint, credentials: credentials, timeoutSeconds: timeoutSeconds)
        return try MariaDBConnection(credentials: credentials, route: route, timeoutSeconds: timeoutSeconds,
                                     queryTimeoutSeconds: queryTimeoutSeconds)
    }
}
