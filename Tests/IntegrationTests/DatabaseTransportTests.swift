import Testing
@testable import WPRescueDatabase

/// Which database connections must be encrypted: any that crosses a network.
struct DatabaseTransportTests {
    @Test(arguments: ["localhost", "127.0.0.1", "127.0.0.53", "::1", "LOCALHOST"])
    func `a connection that stays on this machine needs no TLS`(host: String) {
        #expect(!MariaDBConnection.leavesThisMachine(.tcp(host: host, port: 3306)))
    }

    @Test(arguments: ["db.example.com", "10.0.0.5", "192.0.2.10", "2001:db8::1", "128.0.0.1"])
    func `a connection to another machine must use TLS`(host: String) {
        #expect(MariaDBConnection.leavesThisMachine(.tcp(host: host, port: 3306)))
    }

    @Test func `a Unix socket never leaves this machine`() {
        #expect(!MariaDBConnection.leavesThisMachine(.socket(path: "/run/mysqld/mysqld.sock")))
    }

    @Test func `no authentication method that sends the password in clear is allowed`() {
        let allowed = MariaDBConnection.allowedAuthentication.split(separator: ",")
        #expect(!allowed.contains("mysql_clear_password") && !allowed.contains("dialog") && !allowed.contains("mysql_old_password"))
        #expect(allowed.contains("mysql_native_password"))
    }
}
