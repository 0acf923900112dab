import Foundation
import Testing
@testable import WPRescueKit

struct DatabaseCheckupTests {
    static let password = DatabasePassword("s3cret-Pa55")

    static func credentials(host: String = "127.0.0.1", prefix: String = "wp_") -> DatabaseCredentials {
        DatabaseCredentials(name: "wordpress", user: "wordpress", password: password, host: DatabaseHost(parsing: host),
                            charset: "utf8mb4", tablePrefix: prefix)
    }

    static func run(_ database: FakeWordPressDatabase, credentials: DatabaseCredentials = credentials(),
                    options: DatabaseCheckup.Options = DatabaseCheckup.Options(installedThemes: ["twentytwentythree"])) -> DatabaseReport {
        DatabaseCheckup(credentials: credentials, options: options).run(using: FakeConnector(database: database)).report
    }

    static func status(_ report: DatabaseReport, _ id: DatabaseCheck.Identifier) -> DatabaseCheck.Status? {
        report.check(id)?.status
    }

    @Test func `a healthy database passes every check and is only read`() {
        let database = FakeWordPressDatabase()
        let report = Self.run(database)
        #expect(report.connected)
        #expect(report.error == nil)
        #expect(report.checks.map(\.id) == DatabaseCheck.Identifier.allCases.filter { ![.options, .network, .networkSites].contains($0) },
                "a single site has no network checks")
        for check in report.checks { #expect(check.status == .ok, "\(check.id): \(check.summary)") }
        #expect(report.tables.count == 12)
        #expect(database.statements.allSatisfy { $0.hasPrefix("SELECT") || $0.hasPrefix("SHOW") || $0.hasPrefix("CHECK TABLE") },
                "\(database.statements)")
        #expect(database.statements.filter { $0.hasPrefix("CHECK TABLE") }.count == 12)
    }

    @Test func `a refused login ends the checkup with the error and its meaning`() throws {
        let failure = DatabaseError(code: 1045, serverMessage: "Access denied for user 'wordpress'@'127.0.0.1' (using password: YES)",
                                    context: FakeWordPressDatabase.context, password: Self.password)
        let report = DatabaseCheckup(credentials: Self.credentials()).run(using: FakeConnector(failure: failure)).report
        #expect(!report.connected)
        let error = try #require(report.error)
        #expect(error.code == 1045)
        #expect(error.kind == .accessDenied)
        #expect(error.meaning.contains("'wordpress'@'127.0.0.1'"))
        #expect(report.checks.map(\.id) == [.settings, .connection])
        #expect(report.check(.connection)?.status == .problem)
        #expect(report.isProblem)
    }

    @Test func `the password never survives into the report, even when the server echoes it`() throws {
        let secret = Self.password.value
        let database = FakeWordPressDatabase()
        database.options["home"] = ("https://example.com/\(secret)", "yes")
        database.failures["CHECK TABLE `wp_links`"] = FakeWordPressDatabase.error(1064, "near '\(secret)' at line 1")
        let report = Self.run(database)
        let json = try String(decoding: JSONEncoder().encode(report), as: UTF8.self)
        #expect(!json.contains(secret))
        #expect(json.contains("(hidden)"))

        let failure = DatabaseError(code: 1044, serverMessage: "Access denied for user 'wordpress'@'%' to database '\(secret)'",
                                    context: DatabaseError.Context(user: "wordpress", database: secret, endpoint: .socket(path: nil),
                                                                   timeoutSeconds: 5),
                                    password: Self.password)
        let refused = DatabaseCheckup(credentials: Self.credentials()).run(using: FakeConnector(failure: failure)).report
        let refusedJSON = try String(decoding: JSONEncoder().encode(refused), as: UTF8.self)
        #expect(!refusedJSON.contains(secret))
        #expect(!failure.meaning.contains(secret) && !failure.serverMessage.contains(secret))
    }

    @Test func `missing core tables are named and not checked`() throws {
        let database = FakeWordPressDatabase()
        database.tables["wp_postmeta"] = nil
        database.tables["wp_termmeta"] = nil
        let report = Self.run(database)
        let tables = try #require(report.check(.tables))
        #expect(tables.status == .problem)
        #expect(tables.summary.contains("wp_postmeta, wp_termmeta"))
        #expect(!database.statements.contains("CHECK TABLE `wp_postmeta`"))
        #expect(report.tables.count == 10)
    }

    @Test func `no tables for the prefix points at another prefix that has them`() throws {
        let database = FakeWordPressDatabase(prefix: "wp2_")
        let report = Self.run(database)
        let tables = try #require(report.check(.tables))
        #expect(tables.status == .problem)
        #expect(tables.summary.contains("'wp2_'"))
        #expect(tables.summary.contains("$table_prefix"))
        #expect(report.check(.tableHealth) == nil)
        #expect(report.check(.activePlugins) == nil)
    }

    @Test func `an empty database says so`() throws {
        let database = FakeWordPressDatabase()
        database.tables = [:]
        let tables = try #require(Self.run(database).check(.tables))
        #expect(tables.summary.contains("is empty"))
    }

    static let crashedRows = [
        ("warning", "Table is marked as crashed"),
        ("error", "Can't read indexpage from filepos: 1024"),
        ("Error", "Index for table './wordpress/wp_options.MYI' is corrupt; try to repair it"),
        ("error", "Corrupt"),
    ]

    @Test func `a crashed MyISAM table is read from every row of CHECK TABLE and offered for repair`() throws {
        let database = FakeWordPressDatabase()
        database.tables["wp_options"] = "MyISAM"
        database.checkRows["wp_options"] = Self.crashedRows
        database.failures["SELECT option_name, option_value"] = FakeWordPressDatabase.error(
            145, "Table './wordpress/wp_options' is marked as crashed and should be repaired")
        let report = Self.run(database)
        let health = try #require(report.check(.tableHealth))
        #expect(health.status == .problem)
        #expect(health.summary.contains("--repair"))
        let evidence = try #require(health.evidence.first)
        #expect(evidence.contains("wp_options (MyISAM): Corrupt"))
        #expect(evidence.contains("Index for table"))
        #expect(report.check(.options)?.status == .problem)
        #expect(report.check(.options)?.summary.contains("error 145") == true)

        let repairable = DatabaseRepair.repairable(in: report)
        #expect(repairable.map(\.table) == ["wp_options"])
        #expect(!database.statements.contains { $0.hasPrefix("REPAIR") }, "nothing is repaired unless asked")
        let outcomes = DatabaseRepair.repair(repairable, on: database)
        #expect(outcomes.map(\.repaired) == [true])
        #expect(outcomes.first?.verdict == "OK")
        #expect(database.statements.suffix(2) == ["REPAIR TABLE `wp_options`", "CHECK TABLE `wp_options`"])
    }

    @Test func `a repair that does not take is reported as not repaired`() {
        let database = FakeWordPressDatabase()
        database.tables["wp_options"] = "MyISAM"
        database.checkRows["wp_options"] = Self.crashedRows
        database.repairFails = true
        let report = Self.run(database)
        let outcomes = DatabaseRepair.repair(DatabaseRepair.repairable(in: report), on: database)
        #expect(outcomes.map(\.repaired) == [false])
        #expect(outcomes.first?.after.verdict == "Corrupt")
    }

    @Test func `a table the server cannot open is repairable when MyISAM says it should be repaired`() {
        let health = TableHealth(table: "wp_posts", engine: nil, messages: [
            .init(type: "Error", text: "Table './wordpress/wp_posts' is marked as crashed and should be repaired"),
            .init(type: "status", text: "Operation failed"),
        ])
        #expect(!health.isHealthy)
        #expect(health.isRepairable)
        #expect(health.verdict == "Operation failed")
    }

    @Test func `a damaged InnoDB table is not repaired but explained`() throws {
        let database = FakeWordPressDatabase()
        database.checkRows["wp_posts"] = [("Warning", "InnoDB: The B-tree of index PRIMARY is corrupted."), ("error", "Corrupt")]
        let report = Self.run(database)
        let health = try #require(report.check(.tableHealth))
        #expect(health.status == .problem)
        #expect(health.summary.contains("innodb_force_recovery = 1"))
        #expect(!health.summary.contains("--repair"))
        #expect(DatabaseRepair.repairable(in: report).isEmpty)
        #expect(DatabaseRepair.notRepairable(in: report).map(\.table) == ["wp_posts"])
    }

    @Test func `the last status row is the verdict, earlier rows are evidence`() throws {
        let database = FakeWordPressDatabase()
        database.tables["wp_users"] = "MyISAM"
        database.checkRows["wp_users"] = [("warning", "1 client is using or hasn't closed the table properly"), ("status", "OK")]
        let report = Self.run(database)
        let health = try #require(report.check(.tableHealth))
        #expect(health.status == .warning)
        #expect(health.evidence == ["wp_users (MyISAM): OK — 1 client is using or hasn't closed the table properly"])
        #expect(DatabaseRepair.repairable(in: report).isEmpty)
    }

    @Test func `a CHECK TABLE that fails outright counts against the table`() throws {
        let database = FakeWordPressDatabase()
        database.failures["CHECK TABLE `wp_comments`"] = FakeWordPressDatabase.error(2013, "Lost connection to server during query")
        let report = Self.run(database)
        let health = try #require(report.tables.first { $0.table == "wp_comments" })
        #expect(!health.isHealthy)
        #expect(report.check(.tableHealth)?.status == .problem)
    }

    @Test(arguments: [
        ("a:2:{i:0;s:19:\"akismet/akismet.php\";i:1;s:9:\"hel", "cut off"),
        ("a:1:{i:0;s:25:\"akismet/akismet.php\";}", "declared as 25 bytes"),
        ("akismet/akismet.php", "not serialized"),
        ("s:5:\"hello\";", "holds a string, not an array"),
        ("", "empty"),
    ])
    func `a damaged active_plugins is a problem that says what is wrong`(stored: String, detail: String) throws {
        let database = FakeWordPressDatabase()
        database.options["active_plugins"] = (stored, "yes")
        let check = try #require(Self.run(database).check(.activePlugins))
        #expect(check.status == .problem)
        #expect(check.summary.contains(detail), "\(check.summary)")
        #expect(check.summary.contains("no plugins"))
    }

    @Test func `active_plugins lists the plugin files`() throws {
        let check = try #require(Self.run(FakeWordPressDatabase()).check(.activePlugins))
        #expect(check.summary.contains("2 active plugins"))
        #expect(check.evidence == ["2 active: akismet/akismet.php, hello.php"])
    }

    @Test func `entries that are not plugin files are a warning`() throws {
        let database = FakeWordPressDatabase()
        database.options["active_plugins"] = ("a:2:{i:0;s:9:\"hello.php\";i:1;i:7;}", "yes")
        let check = try #require(Self.run(database).check(.activePlugins))
        #expect(check.status == .warning)
        #expect(check.summary.contains("<an integer>"))
    }

    @Test func `siteurl and home are compared with the address the site should have`() throws {
        let elsewhere = DatabaseCheckup.Options(expectedURL: "https://shop.example.net/")
        let moved = try #require(Self.run(FakeWordPressDatabase(), options: elsewhere).check(.siteAddress))
        #expect(moved.status == .problem)
        #expect(moved.summary.contains("https://shop.example.net/"))

        let plainHTTP = DatabaseCheckup.Options(expectedURL: "http://example.com")
        #expect(Self.status(Self.run(FakeWordPressDatabase(), options: plainHTTP), .siteAddress) == .warning)

        let same = DatabaseCheckup.Options(expectedURL: "https://EXAMPLE.com:443/some/page")
        #expect(Self.status(Self.run(FakeWordPressDatabase(), options: same), .siteAddress) == .ok)
    }

    @Test func `WordPress in a subfolder is not a mismatch for siteurl`() {
        let database = FakeWordPressDatabase()
        database.options["siteurl"] = ("https://example.com/wp", "yes")
        let options = DatabaseCheckup.Options(expectedURL: "https://example.com/")
        #expect(Self.status(Self.run(database, options: options), .siteAddress) == .ok)
    }

    @Test func `WP_HOME in wp-config.php overrides the stored home`() throws {
        let database = FakeWordPressDatabase()
        database.options["home"] = ("https://old.example.org", "yes")
        let options = DatabaseCheckup.Options(expectedURL: "https://example.com", configuredHome: "https://example.com")
        let check = try #require(Self.run(database, options: options).check(.siteAddress))
        #expect(check.status == .ok)
        #expect(check.evidence.contains { $0.contains("WP_HOME") })
    }

    @Test func `a missing or unusable site address is a problem`() {
        let database = FakeWordPressDatabase()
        database.options["home"] = nil
        database.options["siteurl"] = ("example.com", "yes")
        let check = Self.run(database).check(.siteAddress)
        #expect(check?.status == .problem)
        #expect(check?.summary.contains("home option is missing") == true)
        #expect(check?.summary.contains("not an http(s) address") == true)
    }

    @Test func `a theme missing from disk or from the options is a problem`() throws {
        let database = FakeWordPressDatabase()
        database.options["stylesheet"] = ("child-theme", "yes")
        let missing = try #require(Self.run(database).check(.theme))
        #expect(missing.status == .problem)
        #expect(missing.summary.contains("'child-theme' is not in the themes folder"))

        database.options["template"] = ("", "yes")
        let empty = try #require(Self.run(database, options: DatabaseCheckup.Options()).check(.theme))
        #expect(empty.status == .problem)
        #expect(empty.summary.contains("template option is empty"))
    }

    @Test func `a child theme is named with its parent`() throws {
        let database = FakeWordPressDatabase()
        database.options["stylesheet"] = ("child", "yes")
        let check = try #require(Self.run(database, options: DatabaseCheckup.Options(installedThemes: ["child", "twentytwentythree"])).check(.theme))
        #expect(check.status == .ok)
        #expect(check.summary.contains("'child' (child of 'twentytwentythree')"))
    }

    @Test func `autoloaded options over Site Health's limit are a warning naming the largest`() throws {
        let database = FakeWordPressDatabase()
        database.options["huge_cache"] = (String(repeating: "y", count: 900_000), "auto-on")
        database.options["old_style"] = (String(repeating: "z", count: 1000), "yes")
        let check = try #require(Self.run(database).check(.autoload))
        #expect(check.status == .warning)
        #expect(check.evidence.contains("huge_cache: 900000 bytes"))
        #expect(!check.evidence.contains { $0.hasPrefix("big_cache") }, "autoload 'no' is not counted")
    }

    @Test func `autoload counts every value WordPress 6.6 autoloads`() throws {
        let database = FakeWordPressDatabase()
        database.options = ["a": ("1", "yes"), "b": ("22", "on"), "c": ("333", "auto-on"), "d": ("4444", "auto"),
                            "e": ("55555", "off"), "f": ("666666", "auto-off"), "g": ("7", "no")]
        let check = try #require(Self.run(database).check(.autoload))
        #expect(check.evidence.first == "4 autoloaded options, 10 bytes")
    }

    @Test func `a full connection table is a problem, a past peak a warning`() {
        let full = FakeWordPressDatabase()
        full.status["Threads_connected"] = "151"
        full.status["Max_used_connections"] = "152"
        #expect(Self.status(Self.run(full), .connections) == .problem)

        let peaked = FakeWordPressDatabase()
        peaked.status["Max_used_connections"] = "152"
        #expect(Self.status(Self.run(peaked), .connections) == .warning)

        let busy = FakeWordPressDatabase()
        busy.status["Threads_connected"] = "130"
        #expect(Self.status(Self.run(busy), .connections) == .warning)
    }

    @Test func `a server that just started is a warning`() throws {
        let database = FakeWordPressDatabase()
        database.status["Uptime"] = "42"
        let check = try #require(Self.run(database).check(.server))
        #expect(check.status == .warning)
        #expect(check.summary.contains("42 s"))
    }

    @Test func `a server that will not show its status is a warning, not the end`() {
        let database = FakeWordPressDatabase()
        database.failures["SHOW GLOBAL STATUS"] = FakeWordPressDatabase.error(1227, "Access denied; you need the PROCESS privilege")
        let report = Self.run(database)
        #expect(report.check(.server)?.status == .warning)
        #expect(report.check(.tableHealth)?.status == .ok)
    }

    @Test func `settings flag a p: prefix and an unusable table prefix`() {
        let report = Self.run(FakeWordPressDatabase(), credentials: Self.credentials(host: "p:localhost"))
        #expect(report.check(.settings)?.status == .problem)
        #expect(report.check(.settings)?.summary.contains("'p'") == true)

        var credentials = Self.credentials()
        credentials.tablePrefix = "wp-"
        let invalid = DatabaseCheckup(credentials: credentials).settingsCheck()
        #expect(invalid.status == .problem)
        #expect(invalid.summary.contains("letters, digits and underscores"))
    }

    @Test func `settings warn when the table prefix had to be assumed`() throws {
        let credentials = try DatabaseCredentials(
            constants: ["DB_NAME": "w", "DB_USER": "u", "DB_PASSWORD": "p", "DB_HOST": "localhost"], tablePrefix: nil, configFile: "/x/wp-config.php")
        #expect(credentials.tablePrefix == "wp_")
        let check = DatabaseCheckup(credentials: credentials).settingsCheck()
        #expect(check.status == .warning)
    }
}
