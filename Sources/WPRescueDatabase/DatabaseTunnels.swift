import Foundation
import WPRescueKit
import WPRescueSFTP

/// A way to the database from the site's own server: an SSH tunnel, and where it leads as
/// that server sees it.
public final class DatabaseRoute {
    /// Where the tunnel leads on the server (for DB_HOST 'localhost', the socket that answered).
    public let endpoint: DatabaseEndpoint
    /// `user@host:port` of the SSH server.
    public let server: String
    /// How the endpoint was chosen, and what was tried before it.
    public let notes: [String]
    private let tunnel: SSHTunnel

    init(endpoint: DatabaseEndpoint, tunnel: SSHTunnel, notes: [String]) {
        self.endpoint = endpoint
        self.tunnel = tunnel
        server = tunnel.server
        self.notes = notes
    }

    /// The local end libmariadb connects to.
    var localSocketPath: String { tunnel.localSocketPath }
    /// Set when the SSH connection under the tunnel was lost.
    public var failure: String? { tunnel.failure }
}

/// Reaches a site's database the way the site does: from its own server, through SSH, to the
/// place DB_HOST names as that server resolves it. Each route is opened on first use, on an SSH
/// session of its own, and kept until this object goes away.
///
/// Refusals come in two kinds. The server not reaching the database (nothing listens there) is
/// the database's problem and becomes the `DatabaseError` a direct connection would give (2002 for
/// a socket, 2003 for TCP). The SSH server refusing to forward, or the connection failing, is
/// wprescue's problem: `prepare` throws it as it is (`SSHTunnelError`, `FileAccessError`,
/// `SSHConnectionError`), so commands can say so instead of blaming the database.
public final class DatabaseTunnels {
    public let server: String
    private let openSession: () throws -> SSHSession
    private let socketExists: (String) -> Bool?
    private var routes: [DatabaseEndpoint: Result<DatabaseRoute, any Error>] = [:]
    /// A logged-in session no tunnel took (every candidate was unreachable), kept for the next route.
    private var spare: SSHSession?

    /// `openSession` logs in again (`SSHSession.openSibling`); `socketExists` looks on the site's
    /// file system (true or false, or nil when it cannot tell).
    public init(server: String, openSession: @escaping () throws -> SSHSession, socketExists: @escaping (String) -> Bool?) {
        self.server = server
        self.openSession = openSession
        self.socketExists = socketExists
    }

    /// The route to `endpoint`, opening it the first time. Throws `Unreachable` when the server
    /// could reach none of the places DB_HOST may mean, else what the SSH side threw.
    public func prepare(_ endpoint: DatabaseEndpoint) throws -> DatabaseRoute {
        if let known = routes[endpoint] { return try known.get() }
        let result = Result { try open(endpoint) }
        routes[endpoint] = result
        return try result.get()
    }

    /// As `prepare`, with an unreachable database turned into the `DatabaseError` it is.
    func route(to endpoint: DatabaseEndpoint, credentials: DatabaseCredentials, timeoutSeconds: Int) throws -> DatabaseRoute {
        do {
            return try prepare(endpoint)
        } catch let unreachable as Unreachable {
            let code = if case .socket = endpoint { 2002 } else { 2003 }
            throw DatabaseError(code: code, serverMessage: unreachable.detail,
                                context: .init(user: credentials.user, database: credentials.name, endpoint: endpoint,
                                               timeoutSeconds: timeoutSeconds, via: server),
                                password: credentials.password)
        }
    }

    /// The server could not connect to any place `endpoint` may mean.
    public struct Unreachable: Error, LocalizedError {
        public let server: String
        public let tried: [String]
        public var detail: String { "from \(server): " + tried.joined(separator: "; ") }
        public var errorDescription: String? { "The SSH server \(server) could not reach the database (\(tried.joined(separator: "; ")))." }
    }

    private func open(_ endpoint: DatabaseEndpoint) throws -> DatabaseRoute {
        let session = try spare ?? openSession()
        spare = nil
        var tried: [String] = []
        for candidate in RemoteDatabaseRoute.candidates(for: endpoint, socketExists: socketExists) {
            let target: SSHForwardTarget = switch candidate.endpoint {
            case .tcp(let host, let port): .tcp(host: host, port: port)
            case .socket(let path): .unixSocket(path: path ?? "")
            }
            do {
                let tunnel = try SSHTunnel(session: session, target: target)
                let notes = tried.map { "not reachable: \($0)" } + (candidate.reason == "DB_HOST" ? [] : [candidate.reason])
                return DatabaseRoute(endpoint: candidate.endpoint, tunnel: tunnel, notes: notes)
            } catch SSHTunnelError.targetUnreachable(_, _, let detail) {
                tried.append("\(candidate.endpoint) (\(detail))")
            }
        }
        spare = session
        throw Unreachable(server: server, tried: tried)
    }
}
