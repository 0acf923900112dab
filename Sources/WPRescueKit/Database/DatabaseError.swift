import Foundation

/// A failure reported by the database server or the client library, with its meaning for a
/// WordPress site. Built in one place (`init(code:serverMessage:context:)`) from the error number
/// and text that `mysql_errno`/`mysql_error` return.
public struct DatabaseError: Error, Equatable, Sendable, LocalizedError {
    /// What the error means, independent of the exact number.
    public enum Kind: String, Equatable, Sendable, Codable {
        case accessDenied = "access-denied"
        case unknownDatabase = "unknown-database"
        case databaseAccessDenied = "database-access-denied"
        case serverUnreachable = "server-unreachable"
        case unknownHost = "unknown-host"
        case connectionLost = "connection-lost"
        case tooManyConnections = "too-many-connections"
        case tooManyUserConnections = "too-many-user-connections"
        case tableCrashed = "table-crashed"
        case missingTable = "missing-table"
        /// TLS was required (a server off this machine, reached directly) and could not be had.
        case insecureTransport = "insecure-transport"
        /// The server asked for an authentication method that would send the password in clear.
        case unsafeAuthentication = "unsafe-authentication"
        case other
    }

    /// Who was connecting to what, for the explanation.
    public struct Context: Equatable, Sendable {
        public var user: String
        public var database: String
        public var endpoint: DatabaseEndpoint
        public var timeoutSeconds: Int
        /// The SSH server the endpoint was reached from, when not from this machine.
        public var via: String?

        public init(user: String, database: String, endpoint: DatabaseEndpoint, timeoutSeconds: Int, via: String? = nil) {
            self.user = user
            self.database = database
            self.endpoint = endpoint
            self.timeoutSeconds = timeoutSeconds
            self.via = via
        }

        /// The endpoint, and where it was seen from when that is not here.
        public var place: String { DatabaseEndpoint.describe(endpoint, via: via) }
    }

    public let code: Int
    public let kind: Kind
    /// The library's or server's own text, with the password scrubbed out.
    public let serverMessage: String
    /// One sentence: what happened, where, and what to do.
    public let meaning: String

    public init(code: Int, serverMessage: String, context: Context, password: DatabasePassword) {
        let message = password.scrub(serverMessage)
        let kind = Self.kind(code: code)
        self.code = code
        self.kind = kind
        self.serverMessage = message
        meaning = password.scrub(Self.explain(kind, code: code, message: message, context: context))
    }

    /// The one table from error numbers to meanings. libmariadb reports a refused TCP port
    /// as 2002 like a missing socket, so both count as an unreachable server.
    static func kind(code: Int) -> Kind {
        switch code {
        case 1045: return .accessDenied
        case 1049: return .unknownDatabase
        case 1044: return .databaseAccessDenied
        case 2002, 2003: return .serverUnreachable
        case 2005: return .unknownHost
        case 2006, 2013: return .connectionLost
        case 1040: return .tooManyConnections
        case 1203: return .tooManyUserConnections
        case 126, 127, 134, 144, 145, 1194, 1195: return .tableCrashed
        case 1146: return .missingTable
        case 2026: return .insecureTransport
        case 2059, 5010: return .unsafeAuthentication
        default: return .other
        }
    }

    private static func explain(_ kind: Kind, code: Int, message: String, context: Context) -> String {
        let server = context.place
        switch kind {
        case .accessDenied:
            // The server names the account as user@client-host: grants are per client host.
            let account = message.range(of: "'[^']*'@'[^']*'", options: .regularExpression).map { String(message[$0]) }
                ?? "'\(context.user)'"
            return "The server at \(server) refused \(account) (error 1045: wrong password, or no such user for this client host): check DB_USER and DB_PASSWORD in wp-config.php against the hosting panel."
        case .unknownDatabase:
            return "The server at \(server) has no database named '\(context.database)' (error 1049): check DB_NAME in wp-config.php, or restore the database from a backup."
        case .databaseAccessDenied:
            return "User '\(context.user)' cannot use database '\(context.database)' on \(server) (error 1044: it does not exist, or the user has no rights on it): check DB_NAME in wp-config.php, or grant the user access."
        case .serverUnreachable:
            return "Nothing answers at \(server) (error \(code)): the database server is down or DB_HOST points at the wrong host, port or socket; start MariaDB/MySQL or fix DB_HOST."
        case .unknownHost:
            return "The database host in \(server) does not resolve (error 2005): fix DB_HOST in wp-config.php."
        case .connectionLost:
            return "The server at \(server) did not answer within \(context.timeoutSeconds) s or dropped the connection (error \(code)): it may be overloaded or hung, or the address is not a database server; check its load and error log, or raise --db-timeout."
        case .tooManyConnections:
            return "The server at \(server) has no free connections (error 1040: max_connections reached): visitors get 'Error establishing a database connection' until connections free up; look for slow queries or raise max_connections."
        case .tooManyUserConnections:
            return "User '\(context.user)' has used up its own connection limit on \(server) (error 1203: max_user_connections): find what holds the connections, or ask the host to raise the limit."
        case .tableCrashed:
            return "A table on \(server) is damaged (error \(code): \(message)): run `wprescue db check --repair`."
        case .missingTable:
            return "A table is missing on \(server) (error 1146: \(message)): restore it from a backup."
        case .insecureTransport:
            return "wprescue sends the database password to a server off this machine only over TLS, and \(server) did not give a TLS connection with a trusted certificate (error \(code): \(message)): reach it through SSH (the default for an sftp:// site), or pass the server's CA with --db-ssl-ca."
        case .unsafeAuthentication:
            return "The server at \(server) asked for an authentication method that would send the password in clear or is not allowed (error \(code): \(message)); wprescue only answers mysql_native_password, caching_sha2_password, sha256_password and ed25519."
        case .other:
            return "The database server at \(server) reported error \(code): \(message)."
        }
    }

    public var errorDescription: String? { meaning }
}
