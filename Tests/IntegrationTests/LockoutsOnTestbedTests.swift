import Foundation
import Testing
import WPRescueDatabase
import WPRescueKit
import WPRescueTestSupport

extension TestbedSuites {
/// `users unlock` on the test bed's database, with the lockout records of four plugins written
/// the way those plugins write them (their own table layouts, from their schema code).
@Suite
struct LockoutsOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    init() throws { bed = try TestbedRun() }

    func database() throws -> WordPressDatabase { try testbed.siteDatabase(state: state) }

    static let tables = ["wp_itsec_lockouts", "wp_aiowps_login_lockdown", "wp_wfblocks7"]

    func lockOut(_ database: WordPressDatabase) throws {
        for table in Self.tables { _ = try database.query("DROP TABLE IF EXISTS \(table)") }
        _ = try database.query("""
            CREATE TABLE wp_itsec_lockouts (lockout_id bigint(20) UNSIGNED NOT NULL AUTO_INCREMENT, lockout_type varchar(20) NOT NULL,
              lockout_start datetime NOT NULL, lockout_start_gmt datetime NOT NULL, lockout_expire datetime NOT NULL, lockout_expire_gmt datetime NOT NULL,
              lockout_host varchar(40), lockout_user bigint(20) UNSIGNED, lockout_username varchar(60), lockout_active int(1) NOT NULL DEFAULT 1,
              PRIMARY KEY (lockout_id))
            """)
        _ = try database.query("""
            INSERT INTO wp_itsec_lockouts (lockout_type, lockout_start, lockout_start_gmt, lockout_expire, lockout_expire_gmt, lockout_host, lockout_user, lockout_username, lockout_active) VALUES
            ('brute_force', NOW(), UTC_TIMESTAMP(), NOW() + INTERVAL 1 HOUR, UTC_TIMESTAMP() + INTERVAL 1 HOUR, NULL, 1, 'admin', 1),
            ('brute_force', NOW(), UTC_TIMESTAMP(), NOW() + INTERVAL 1 HOUR, UTC_TIMESTAMP() + INTERVAL 1 HOUR, NULL, 7, 'bob', 1),
            ('brute_force', NOW(), UTC_TIMESTAMP(), NOW() + INTERVAL 1 HOUR, UTC_TIMESTAMP() + INTERVAL 1 HOUR, '203.0.113.7', NULL, NULL, 1)
            """)
        _ = try database.query("""
            CREATE TABLE wp_aiowps_login_lockdown (id bigint(20) NOT NULL AUTO_INCREMENT, user_id bigint(20) NOT NULL, user_login varchar(150) NOT NULL,
              lockdown_date datetime NOT NULL DEFAULT '1000-10-10 10:00:00', release_date datetime NOT NULL DEFAULT '1000-10-10 10:00:00',
              failed_login_ip varchar(100) NOT NULL, lock_reason varchar(128) NOT NULL DEFAULT '', unlock_key varchar(128) NOT NULL DEFAULT '', PRIMARY KEY (id))
            """)
        _ = try database.query("INSERT INTO wp_aiowps_login_lockdown (user_id, user_login, lockdown_date, release_date, failed_login_ip) VALUES (1, 'admin', UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 HOUR, '203.0.113.7')")
        _ = try database.query("""
            CREATE TABLE wp_wfblocks7 (id bigint(20) unsigned NOT NULL AUTO_INCREMENT, type int(10) unsigned NOT NULL DEFAULT 0, IP binary(16) NOT NULL DEFAULT '',
              blockedTime bigint(20) NOT NULL, reason varchar(255) NOT NULL, lastAttempt int(10) unsigned DEFAULT 0, blockedHits int(10) unsigned DEFAULT 0,
              expiration bigint(20) unsigned NOT NULL DEFAULT 0, parameters text, PRIMARY KEY (id))
            """)
        _ = try database.query("""
            INSERT INTO wp_wfblocks7 (type, IP, blockedTime, reason, expiration) VALUES
            (7, INET6_ATON('::ffff:203.0.113.7'), UNIX_TIMESTAMP(), 'Used an invalid username', UNIX_TIMESTAMP() + 3600),
            (1, INET6_ATON('::ffff:198.51.100.9'), UNIX_TIMESTAMP(), 'Manual block by administrator', 0)
            """)
        _ = try database.query("""
            INSERT INTO wp_options (option_name, option_value, autoload) VALUES
            ('limit_login_lockouts', 'a:1:{s:11:"203.0.113.7";i:\(Int(Date().timeIntervalSince1970) + 1200);}', 'no'),
            ('limit_login_retries', 'a:1:{s:11:"203.0.113.7";i:4;}', 'no')
            """)
    }

    /// Everything the lockouts live in, as hex, for byte-for-byte comparison.
    func snapshot(_ database: WordPressDatabase) throws -> [String] {
        var rows: [String] = []
        for table in Self.tables {
            let extra = table == "wp_wfblocks7" ? ", HEX(IP)" : ""
            rows += try database.query("SELECT *\(extra) FROM \(table) ORDER BY 1").rows.map { "\(table) \($0)" }
        }
        return rows + (try database.query("SELECT option_name, HEX(option_value), autoload FROM wp_options WHERE option_name LIKE 'limit_login_%' ORDER BY option_name").rows.map { "\($0)" })
    }

    @Test func `unlock clears the owner's lockouts of four plugins, keeps others' and manual blocks, and undo puts every row back`() throws {
        let database = try database()
        defer { for table in Self.tables { _ = try? database.query("DROP TABLE IF EXISTS \(table)") }; try? testbed.reset() }
        try lockOut(database)
        let before = try snapshot(database)

        let site = SiteBackend.sftp.siteArguments(testbed)
        let unlock = try cli.run(site + ["--format", "json", "users", "unlock", "admin"])
        #expect(unlock.succeeded, "\(unlock.standardError)")
        let json = try bed.json(unlock)
        let plugins = (json["lockouts"] as? [[String: Any]] ?? []).compactMap { $0["plugin"] as? String }
        #expect(plugins.sorted() == ["All In One WP Security", "Limit Login Attempts", "Limit Login Attempts", "Solid Security", "Solid Security", "Wordfence"])

        #expect(try database.query("SELECT COUNT(*) AS n FROM wp_options WHERE option_name LIKE 'limit_login_%'").value("n", row: 0) == "0")
        let solid = try database.query("SELECT lockout_username, lockout_host, lockout_active FROM wp_itsec_lockouts ORDER BY lockout_id").rows
        #expect(solid == [["admin", nil, "0"], ["bob", nil, "1"], [nil, "203.0.113.7", "0"]], "bob's own lockout stays")
        #expect(try database.query("SELECT COUNT(*) AS n FROM wp_aiowps_login_lockdown").value("n", row: 0) == "0")
        #expect(try database.query("SELECT type FROM wp_wfblocks7").rows == [["1"]], "a manual block is not a lockout")

        let undo = try cli.run(site + ["undo"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(try snapshot(database) == before)

        let again = try cli.run(SiteBackend.local.siteArguments(testbed) + ["users", "unlock"])
        #expect(again.succeeded, "\(again.standardError)")
        #expect(try database.query("SELECT lockout_active FROM wp_itsec_lockouts WHERE lockout_username = 'bob'").value("lockout_active", row: 0) == "0",
                "without a login every lockout goes")
    }

    @Test func `nothing locked: unlock says so and records nothing`() throws {
        let result = try cli.run(SiteBackend.local.siteArguments(testbed) + ["users", "unlock"])
        #expect(result.succeeded, "\(result.standardError)")
        #expect(result.standardOutput.contains("No lockout"))
        #expect(try cli.run(SiteBackend.local.siteArguments(testbed) + ["history"]).standardOutput.contains("No changes recorded"))
    }
}
}
