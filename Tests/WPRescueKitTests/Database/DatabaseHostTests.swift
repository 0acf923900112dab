import Testing
@testable import WPRescueKit

struct DatabaseHostTests {
    struct Form: CustomTestStringConvertible, Sendable {
        var written: String
        var endpoint: DatabaseEndpoint
        var host: String
        var port: Int?
        var socket: String?
        var isIPv6 = false
        var testDescription: String { "'\(written)'" }
    }

    /// Every form WordPress accepts, with what wpdb::parse_db_host makes of it (checked against
    /// WordPress 6.1's code run by PHP 8.2) and where mysqli, and so libmariadb, then connects.
    static let forms: [Form] = [
        Form(written: "localhost", endpoint: .socket(path: nil), host: "localhost"),
        Form(written: "", endpoint: .socket(path: nil), host: ""),
        Form(written: "127.0.0.1", endpoint: .tcp(host: "127.0.0.1", port: 3306), host: "127.0.0.1"),
        Form(written: "db.example.com", endpoint: .tcp(host: "db.example.com", port: 3306), host: "db.example.com"),
        Form(written: "127.0.0.1:3307", endpoint: .tcp(host: "127.0.0.1", port: 3307), host: "127.0.0.1", port: 3307),
        Form(written: "localhost:/var/run/mysqld/mysqld.sock", endpoint: .socket(path: "/var/run/mysqld/mysqld.sock"),
             host: "localhost", socket: "/var/run/mysqld/mysqld.sock"),
        Form(written: ":/tmp/mysql.sock", endpoint: .socket(path: "/tmp/mysql.sock"), host: "", socket: "/tmp/mysql.sock"),
        Form(written: "localhost:3307:/tmp/x.sock", endpoint: .socket(path: "/tmp/x.sock"), host: "localhost", port: 3307,
             socket: "/tmp/x.sock"),
        Form(written: "[::1]:3307", endpoint: .tcp(host: "::1", port: 3307), host: "::1", port: 3307, isIPv6: true),
        Form(written: "::1", endpoint: .tcp(host: "::1", port: 3306), host: "::1", isIPv6: true),
        Form(written: "[2001:db8::1]", endpoint: .tcp(host: "2001:db8::1", port: 3306), host: "2001:db8::1", isIPv6: true),
        // Without brackets the port cannot be told apart from the address, so it is part of it.
        Form(written: "2001:db8::1:3306", endpoint: .tcp(host: "2001:db8::1:3306", port: 3306), host: "2001:db8::1:3306",
             isIPv6: true),
        // parse_db_host drops what its patterns do not cover.
        Form(written: "db.example.com:abc", endpoint: .tcp(host: "db.example.com", port: 3306), host: "db.example.com"),
        Form(written: "127.0.0.1:0", endpoint: .tcp(host: "127.0.0.1", port: 3306), host: "127.0.0.1"),
        Form(written: "fe80::1%eth0", endpoint: .tcp(host: "fe80::1", port: 3306), host: "fe80::1", isIPv6: true),
    ]

    @Test(arguments: forms)
    func `reads DB_HOST the way WordPress does`(form: Form) {
        let parsed = DatabaseHost(parsing: form.written)
        #expect(parsed.endpoint == form.endpoint)
        #expect(parsed.host == form.host)
        #expect(parsed.port == form.port)
        #expect(parsed.socket == form.socket)
        #expect(parsed.isIPv6 == form.isIPv6)
        #expect(parsed.persistent == false)
        #expect(parsed.wordPressProblem == nil)
    }

    @Test func `a p: prefix is read as meant but flagged, since WordPress reads p:localhost as a server named p`() throws {
        let parsed = DatabaseHost(parsing: "p:localhost")
        #expect(parsed.persistent)
        #expect(parsed.endpoint == .socket(path: nil))
        let problem = try #require(parsed.wordPressProblem)
        #expect(problem.contains("server named 'p'"))
        #expect(problem.contains("remove 'p:'"))
    }

    @Test func `a p: prefix before host and port is flagged as unparseable by WordPress`() throws {
        let parsed = DatabaseHost(parsing: "p:127.0.0.1:3307")
        #expect(parsed.endpoint == .tcp(host: "127.0.0.1", port: 3307))
        #expect(try #require(parsed.wordPressProblem).contains("nothing it can parse"))
    }

    @Test func `a port with localhost is reported as ignored`() throws {
        let parsed = DatabaseHost(parsing: "localhost:3307")
        #expect(parsed.endpoint == .socket(path: nil))
        #expect(parsed.wordPressProblem == nil)
        let note = try #require(parsed.notes.first)
        #expect(note.contains("127.0.0.1:3307"))
    }

    @Test func `a socket with a TCP host is reported as ignored`() {
        let parsed = DatabaseHost(parsing: "127.0.0.1:/tmp/x.sock")
        #expect(parsed.endpoint == .tcp(host: "127.0.0.1", port: 3306))
        #expect(parsed.notes.contains { $0.contains("/tmp/x.sock") && $0.contains("ignored") })
    }

    @Test func `a port beyond 65535 is a problem`() throws {
        let parsed = DatabaseHost(parsing: "127.0.0.1:70000")
        #expect(try #require(parsed.wordPressProblem).contains("70000"))
    }

    @Test func `endpoints describe themselves with brackets around IPv6`() {
        #expect(DatabaseEndpoint.tcp(host: "::1", port: 3307).description == "[::1]:3307")
        #expect(DatabaseEndpoint.tcp(host: "db", port: 3306).description == "db:3306")
        #expect(DatabaseEndpoint.socket(path: "/s.sock").description == "Unix socket /s.sock")
    }
}
