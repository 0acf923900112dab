import Testing
@testable import WPRescueKit

struct RemoteDatabaseRouteTests {
    @Test func `a TCP address or a named socket is taken as written`() {
        let tcp = RemoteDatabaseRoute.candidates(for: .tcp(host: "db.internal", port: 3307)) { _ in true }
        #expect(tcp.map(\.endpoint) == [.tcp(host: "db.internal", port: 3307)])
        let socket = RemoteDatabaseRoute.candidates(for: .socket(path: "/home/me/mysql.sock")) { _ in false }
        #expect(socket.map(\.endpoint) == [.socket(path: "/home/me/mysql.sock")])
    }

    @Test func `bare localhost tries sockets seen on the server first, then unknown ones, then TCP`() {
        let answers: [String: Bool?] = ["/run/mysqld/mysqld.sock": false, "/var/run/mysqld/mysqld.sock": nil,
                                        "/var/lib/mysql/mysql.sock": true, "/tmp/mysql.sock": false]
        let candidates = RemoteDatabaseRoute.candidates(for: .socket(path: nil)) { answers[$0] ?? nil }
        #expect(candidates.map(\.endpoint) == [
            .socket(path: "/var/lib/mysql/mysql.sock"), .socket(path: "/var/run/mysqld/mysqld.sock"),
            .tcp(host: "127.0.0.1", port: 3306),
        ])
        #expect(candidates[0].reason.contains("exists on the server"))
    }

    @Test func `with no socket anywhere only TCP is left`() {
        let candidates = RemoteDatabaseRoute.candidates(for: .socket(path: nil)) { _ in false }
        #expect(candidates.map(\.endpoint) == [.tcp(host: "127.0.0.1", port: 3306)])
    }
}
