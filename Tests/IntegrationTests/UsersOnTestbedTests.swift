import Foundation
import Testing
import WPRescueDatabase
import WPRescueKit
import WPRescueTestSupport

extension TestbedSuites {
/// `users list` and `users reset-password` on the real test bed (WordPress 6.1, phpass hashes):
/// the new password logs in through wp-login.php, the old one does not, and undo swaps them back.
@Suite
struct UsersOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    let adminPassword: String

    init() throws {
        bed = try TestbedRun()
        adminPassword = try bed.secret("WP_ADMIN_PASSWORD_FILE")
    }

    var admin: String { testbed["WP_ADMIN_USER"] }

    func database() throws -> WordPressDatabase { try testbed.siteDatabase(state: state) }

    func logsIn(_ password: String) throws -> Bool {
        let browser = Browser()
        let page = try browser.logIn(admin, password, at: testbed.nginxURL)
        return browser.loggedIn && page.status == 302
    }

    /// A user's rows as hex, for byte-for-byte comparisons.
    func rows(of id: String) throws -> [[String?]] {
        let database = try database()
        let users = try database.query("SELECT HEX(user_pass), HEX(user_activation_key) FROM wp_users WHERE ID = \(id)").rows
        let meta = try database.query("SELECT umeta_id, meta_key, HEX(meta_value) FROM wp_usermeta WHERE user_id = \(id) ORDER BY umeta_id").rows
        return users + meta
    }

    @Test(arguments: SiteBackend.allCases)
    func `the new password logs in and the old does not; undo restores the old hash and sessions exactly`(backend: SiteBackend) throws {
        let site = backend.siteArguments(testbed)
        #expect(try logsIn(adminPassword), "the test bed's own password works to begin with (and makes a session)")
        let database = try database()
        let id = try #require(try database.query("SELECT ID FROM wp_users WHERE user_login = 'admin'").value("ID", row: 0))
        // A hostile session value: quotes, a backslash, NUL, a four-byte character: every byte must come back exactly.
        _ = try database.query("UPDATE wp_usermeta SET meta_value = CONCAT(meta_value, X'27225C00F09F988B0A') WHERE user_id = \(id) AND meta_key = 'session_tokens'")
        let before = try rows(of: id)
        #expect(before.contains { $0.contains("session_tokens") })

        let newPassword = "Tr0ub4dor & 'quotes' \\ ünïcode"
        let reset = try cli.run(site + ["users", "reset-password", admin], input: newPassword + "\n")
        #expect(reset.succeeded, "\(reset.standardError)")
        #expect(!(reset.standardOutput + reset.standardError).contains(newPassword))
        #expect(!everythingUnder(state).contains("Tr0ub4dor"), "the plaintext is nowhere in the journal")
        let hash = try #require(try database.query("SELECT user_pass FROM wp_users WHERE ID = \(id)").value("user_pass", row: 0))
        #expect(hash.hasPrefix("$P$B") && hash.count == 34)
        #expect(try database.query("SELECT COUNT(*) AS n FROM wp_usermeta WHERE user_id = \(id) AND meta_key = 'session_tokens'").value("n", row: 0) == "0",
                "every session ended")

        #expect(try logsIn(newPassword))
        #expect(try !logsIn(adminPassword))

        let undo = try cli.run(site + ["undo"])
        #expect(undo.succeeded, "\(undo.standardError)")
        // Logging in with the new password made a session after the reset; undo puts back the rows as they were.
        _ = try database.query("DELETE FROM wp_usermeta WHERE user_id = \(id) AND meta_key = 'session_tokens' AND HEX(meta_value) NOT LIKE '%27225C00F09F988B0A'")
        #expect(try rows(of: id) == before, "the old hash, activation key and session rows, byte for byte")
        #expect(try logsIn(adminPassword))
        #expect(try !logsIn(newPassword))
    }

    @Test func `--generate prints a password once and it works; users list names roles, JSON too`() throws {
        let site = SiteBackend.sftp.siteArguments(testbed)
        let reset = try cli.run(site + ["--format", "json", "users", "reset-password", admin, "--generate"])
        #expect(reset.succeeded, "\(reset.standardError)")
        let json = try bed.json(reset)
        let password = try #require(json["password"] as? String)
        #expect(password.count == 24)
        #expect(json["format"] as? String == "phpass")
        #expect(try logsIn(password))
        #expect(!everythingUnder(state).contains(password))

        let list = try cli.run(site + ["--format", "json", "users", "list"])
        let users = try #require(try bed.json(list)["users"] as? [[String: Any]])
        #expect(users.first?["login"] as? String == admin)
        #expect(users.first?["roles"] as? [String] == ["administrator"])
        #expect(users.first?["email"] as? String == "admin@example.test")
        let text = try cli.run(site + ["users", "list"])
        #expect(text.standardOutput.contains("administrator"))
    }

    @Test func `a hostile login is printed inert, and a password never comes from argv`() throws {
        defer { try? testbed.reset() }
        _ = try database().query("INSERT INTO wp_users (user_login, user_pass, user_nicename, user_email, user_registered, display_name) VALUES (X'6576696C1B5D353B3B78', '', 'evil', 'e@example.test', NOW(), 'e')")
        let text = try cli.run(SiteBackend.local.siteArguments(testbed) + ["users", "list"])
        #expect(text.succeeded)
        #expect(!text.standardOutput.contains("\u{1B}"))
        #expect(text.standardOutput.contains("evil^[]5;;x"))

        let noInput = try cli.run(SiteBackend.local.siteArguments(testbed) + ["users", "reset-password", admin])
        #expect(noInput.status == 1 && noInput.standardError.contains("No password given"))
        let extra = try cli.run(SiteBackend.local.siteArguments(testbed) + ["users", "reset-password", admin, "hunter2"])
        #expect(extra.status == 64, "a password on the command line is refused")
        #expect(try logsIn(adminPassword))
    }
}
}
