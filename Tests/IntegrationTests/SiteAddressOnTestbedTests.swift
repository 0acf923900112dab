import Foundation
import Testing
import WPRescueDatabase
import WPRescueKit
import WPRescueTestSupport

extension TestbedSuites {
/// `url show` / `url set`, `recovery-link`, and what diagnose and the locked-out playbook make of
/// them, on the real test bed with a browser's cookie jar.
@Suite
struct SiteAddressOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    let adminPassword: String

    init() throws {
        bed = try TestbedRun()
        adminPassword = try bed.secret("WP_ADMIN_PASSWORD_FILE")
    }

    var admin: String { testbed["WP_ADMIN_USER"] }

    func database() throws -> WordPressDatabase { try testbed.siteDatabase(state: state) }

    /// The named options' rows, every column as hex, for byte-for-byte comparisons.
    func optionRows(_ names: [String]) throws -> [[String?]] {
        let list = names.map { "'\($0)'" }.joined(separator: ", ")
        return try database().query("SELECT option_id, option_name, HEX(option_value), autoload FROM wp_options WHERE option_name IN (\(list)) ORDER BY option_name").rows
    }

    /// Logs in through the login form as a browser would; the title of the page it ends on.
    func logInTitle() throws -> (title: String, loggedIn: Bool) {
        let browser = Browser()
        let page = try browser.logInThroughForm(admin, adminPassword, at: testbed.nginxURL)
        return (Browser.title(of: page), browser.loggedIn)
    }

    @Test(arguments: SiteBackend.allCases)
    func `an address mismatch loops the login; url show explains it, url set fixes it, undo restores the options exactly`(backend: SiteBackend) throws {
        try testbed.inject("address-mismatch")
        let site = backend.siteArguments(testbed)
        let before = try optionRows(["home", "siteurl"])
        let loop = try logInTitle()
        #expect(loop.title.contains("Log In") && !loop.loggedIn, "before: the right password brings the login form back (\(loop.title))")

        let show = try cli.run(site + ["url", "show"])
        #expect(show.status == 2, "\(show.standardOutput) \(show.standardError)")
        #expect(show.standardOutput.contains("the login is lost on the way and the form comes back"), "\(show.standardOutput)")
        #expect(show.standardOutput.contains("wprescue url set \(testbed.nginxURL) --only siteurl"), "\(show.standardOutput)")
        let json = try cli.run(site + ["--format", "json", "url", "show"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(document["problem"] as? String == "login-post-redirected")
        #expect((document["fix"] as? String)?.contains("url set \(testbed.nginxURL) --only siteurl") == true)

        let set = try cli.run(site + ["url", "set", testbed.nginxURL, "--only", "siteurl"])
        #expect(set.succeeded, "\(set.standardError)")
        #expect(set.standardOutput.contains("the siteurl option: http://localhost:"), "by default the option, where WordPress reads it: \(set.standardOutput)")
        let fixed = try logInTitle()
        #expect(fixed.title.contains("Dashboard") && fixed.loggedIn, "after: the Dashboard (\(fixed.title))")
        #expect(try cli.run(site + ["url", "show"]).status == 0)

        let undo = try cli.run(site + ["undo"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(try optionRows(["home", "siteurl"]) == before, "the options as they were, byte for byte")
        #expect(try !logInTitle().loggedIn, "and the loop is back")
    }

    @Test func `--in config writes WP_SITEURL over the option; undo gives wp-config.php back byte for byte`() throws {
        try testbed.inject("address-mismatch")
        let config = testbed.sitePath + "/wp-config.php"
        let original = try Data(contentsOf: URL(fileURLWithPath: config))
        let options = try optionRows(["home", "siteurl"])
        let set = try cli.run(SiteBackend.sftp.siteArguments(testbed) + ["url", "set", testbed.nginxURL, "--in", "config"])
        #expect(set.succeeded, "\(set.standardError)")
        let edited = try String(contentsOfFile: config, encoding: .utf8)
        #expect(edited.contains("define( 'WP_SITEURL', '\(testbed.nginxURL)' );") || edited.contains("define('WP_SITEURL', '\(testbed.nginxURL)');"), "\(edited.suffix(600))")
        #expect(edited.contains("WP_HOME"))
        #expect(try optionRows(["home", "siteurl"]) == options, "the database is not touched")
        #expect(try logInTitle().loggedIn, "the constant wins over the option")
        #expect(try cli.run(SiteBackend.sftp.siteArguments(testbed) + ["undo"]).succeeded)
        #expect(try Data(contentsOf: URL(fileURLWithPath: config)) == original)
    }

    @Test func `with SFTP alone and no way to the database, url show reads the pages and url set writes the constant`() throws {
        try testbed.inject("address-mismatch")
        let (sftpOnly, site, sshPassword) = try sftpOnlyAccount(bed)
        let config = testbed.sitePath + "/wp-config.php"
        let original = try Data(contentsOf: URL(fileURLWithPath: config))
        let show = try sftpOnly.run(site + ["url", "show", "--url", testbed.nginxURL])
        #expect(show.status == 2, "\(show.standardOutput) \(show.standardError)")
        #expect(show.standardOutput.contains("(database not reachable)"))
        #expect(show.standardOutput.contains("wprescue url set \(testbed.nginxURL) --only siteurl"), "\(show.standardOutput)")

        let set = try sftpOnly.run(site + ["url", "set", testbed.nginxURL, "--only", "siteurl"])
        #expect(set.succeeded, "\(set.standardError)")
        #expect(set.standardOutput.contains("WP_SITEURL in wp-config.php: (not set) → \(testbed.nginxURL)"), "\(set.standardOutput)")
        #expect(try logInTitle().loggedIn, "the constant overrides the option WordPress cannot be told about from here")
        #expect(!(show.standardOutput + show.standardError + set.standardOutput + set.standardError).contains(sshPassword))
        #expect(try sftpOnly.run(site + ["undo"]).succeeded)
        #expect(try Data(contentsOf: URL(fileURLWithPath: config)) == original)
    }

    @Test(arguments: SiteBackend.allCases)
    func `rescue ends a redirect loop between www and bare by setting the address the server insists on; undo restores it`(backend: SiteBackend) throws {
        try testbed.inject("address-loop")
        let site = backend.siteArguments(testbed)
        let before = try optionRows(["home", "siteurl"])
        let show = try cli.run(site + ["url", "show"])
        #expect(show.status == 2 && show.standardOutput.contains("wprescue url set http://localhost:"), "\(show.standardOutput)")
        let rescue = try cli.run(site + ["--format", "json", "rescue", "--yes"])
        #expect(rescue.succeeded, "\(rescue.standardOutput) \(rescue.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(rescue.standardOutput.utf8)) as? [String: Any])
        #expect(report["before"] as? String == "redirect-loop")
        #expect(report["after"] as? String == "healthy")
        #expect(report["cause"] as? String == "redirect-loop")
        let actions = report["actions"] as? [[String: Any]] ?? []
        #expect(actions.count == 1 && (actions.first?["description"] as? String)?.contains("the home option: http://www.localhost") == true, "\(actions)")
        let home = try database().query("SELECT option_value FROM wp_options WHERE option_name = 'home'").value("option_value", row: 0)
        #expect(home == "http://localhost:\(URLComponents(string: testbed.nginxURL)?.port ?? 0)")
        #expect(try cli.run(site + ["undo", "--all"]).succeeded)
        #expect(try optionRows(["home", "siteurl"]) == before)
    }

    @Test func `url set refuses an address that is not one, and --dry-run changes nothing`() throws {
        let site = SiteBackend.local.siteArguments(testbed)
        for bad in ["ftp://example.com", "example.com", "http://example.com/?x=1", "http://exa mple.com"] {
            let result = try cli.run(site + ["url", "set", bad])
            #expect(result.status == 64, "\(bad): \(result.standardError)")
        }
        let before = try optionRows(["home", "siteurl"])
        let dry = try cli.run(site + ["--dry-run", "url", "set", "https://example.com"])
        #expect(dry.succeeded && dry.standardOutput.contains("would change the home option"), "\(dry.standardOutput) \(dry.standardError)")
        #expect(try optionRows(["home", "siteurl"]) == before)
    }

    @Test(arguments: SiteBackend.allCases)
    func `the recovery link opens wp-admin in recovery mode with the fatal plugin paused, once`(backend: SiteBackend) throws {
        try testbed.inject("plugin-fatal")
        let site = backend.siteArguments(testbed)
        let made = try cli.run(site + ["recovery-link"])
        #expect(made.succeeded, "\(made.standardError)")
        let link = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(link.hasPrefix(testbed.nginxURL + "/wp-login.php?action=enter_recovery_mode&rm_token="), "\(link)")
        let key = try #require(link.components(separatedBy: "rm_key=").last)
        #expect(key.count == 22)
        #expect(!made.standardError.contains(key), "the link is printed once, on standard output")
        #expect(!everythingUnder(state).contains(key), "the key is in no journal or backup")
        let stored = try #require(try database().query("SELECT option_value FROM wp_options WHERE option_name = 'recovery_keys'").value("option_value", row: 0))
        #expect(!stored.contains(key) && stored.contains("$P$B"), "only the key's phpass hash is stored")

        let browser = Browser()
        let entered = try browser.follow(link)
        #expect(Browser.title(of: entered).contains("Recovery Mode"), "\(Browser.title(of: entered))")
        #expect(entered.body.contains("Recovery Mode Initialized"))
        let dashboard = try browser.logInThroughForm(admin, adminPassword, at: testbed.nginxURL)
        let title = Browser.title(of: dashboard)
        #expect(title.contains("Recovery Mode") && title.contains("Dashboard"), "\(title)")
        let paused = try database().query("SELECT option_value FROM wp_options WHERE option_name LIKE '%\\_paused\\_extensions'")
        #expect(paused.rows.contains { ($0.first ?? nil)?.contains("plugin-fatal") == true }, "core paused the failing plugin: \(paused.rows)")
        let plugins = try browser.follow(testbed.nginxURL + "/wp-admin/plugins.php?plugin_status=paused")
        #expect(plugins.body.contains("plugin-fatal"), "wp-admin lists it as paused")
        #expect(try Browser().follow(testbed.nginxURL + "/").status == 500, "visitors still get the error: the pause is the owner's only")

        let again = try Browser().follow(link)
        #expect(again.body.contains("Recovery Mode not initialized"), "the link works once: \(Browser.title(of: again))")
        #expect(try cli.run(site + ["undo"]).succeeded, "a key core consumed is left as core left it")
    }

    @Test func `with SFTP alone and no way to the database, the recovery link has core make its own link, once`() throws {
        try testbed.inject("plugin-fatal")
        let (sftpOnly, site, sshPassword) = try sftpOnlyAccount(bed)
        let made = try sftpOnly.run(site + ["recovery-link", "--url", testbed.nginxURL])
        #expect(made.succeeded, "\(made.standardError)")
        #expect(made.standardError.contains("The database cannot be read from here"))
        #expect(!(made.standardOutput + made.standardError).contains(sshPassword))
        let link = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let secret = try #require(link.components(separatedBy: "=").last)
        #expect(!everythingUnder(state).contains(secret), "the helper's secret is in no journal or backup")

        let browser = Browser()
        let entered = try browser.follow(link)
        #expect(entered.location.contains("/wp-login.php?action=entered_recovery_mode"), "core's own link was followed: \(entered.location)")
        #expect(entered.body.contains("Recovery Mode Initialized"))
        let dashboard = Browser.title(of: try browser.logInThroughForm(admin, adminPassword, at: testbed.nginxURL))
        #expect(dashboard.contains("Recovery Mode") && dashboard.contains("Dashboard"), "\(dashboard)")
        let helpers = (try? FileManager.default.contentsOfDirectory(atPath: testbed.sitePath + "/wp-content/mu-plugins")) ?? []
        #expect(helpers.isEmpty, "the helper is gone: \(helpers)")
        #expect(try Browser().follow(link).status == 500, "the link works once: the site's own error again")
    }

    @Test func `undo takes an unused recovery key back, the option removed when it did not exist`() throws {
        let site = SiteBackend.local.siteArguments(testbed)
        _ = try database().query("DELETE FROM wp_options WHERE option_name = 'recovery_keys'")
        let made = try cli.run(site + ["recovery-link", "--expires", "2m"])
        #expect(made.succeeded, "\(made.standardError)")
        #expect(try optionRows(["recovery_keys"]).count == 1)
        #expect(try cli.run(site + ["undo"]).succeeded)
        #expect(try optionRows(["recovery_keys"]).isEmpty)
        let link = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try Browser().follow(link).body.contains("Recovery Mode not initialized"), "the link was taken back")

        // An option that exists keeps its other records byte for byte.
        _ = try database().query("INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('recovery_keys', 'a:1:{s:3:\"abc\";a:2:{s:10:\"hashed_key\";s:3:\"x\\'y\";s:10:\"created_at\";i:1;}}', 'yes')")
        let before = try optionRows(["recovery_keys"])
        #expect(try cli.run(site + ["recovery-link"]).succeeded)
        let during = try #require(try database().query("SELECT option_value FROM wp_options WHERE option_name = 'recovery_keys'").value("option_value", row: 0))
        #expect(during.hasPrefix("a:2:{s:3:\"abc\";a:2:{s:10:\"hashed_key\";s:3:\"x'y\";"), "\(during)")
        #expect(try cli.run(site + ["undo"]).succeeded)
        #expect(try optionRows(["recovery_keys"]) == before)
    }

    @Test func `diagnose names wprescue login when only wp-login.php is broken, and url show for an address mismatch`() throws {
        try testbed.inject("login-lockout")
        let site = SiteBackend.local.siteArguments(testbed)
        let locked = try cli.run(site + ["--format", "json", "diagnose", "--no-database"])
        let findings = try #require((try JSONSerialization.jsonObject(with: Data(locked.standardOutput.utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
        let login = try #require(findings.first { $0["id"] as? String == "login-broken" }, "\(findings.map { $0["id"] ?? "" })")
        #expect(login["fix"] as? String == "wprescue login")
        #expect((login["summary"] as? String)?.contains("The front end works but /wp-login.php answers client-error") == true)

        try testbed.reset()
        try testbed.inject("address-mismatch")
        let mismatch = try cli.run(site + ["--format", "json", "diagnose"])
        let found = try #require((try JSONSerialization.jsonObject(with: Data(mismatch.standardOutput.utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
        #expect(found.contains { $0["fix"] as? String == "wprescue url show" }, "\(found.map { "\($0["id"] ?? ""): \($0["summary"] ?? "")" })")
    }

    @Test func `the locked-out playbook finds the address mismatch and sets it; the login reaches the Dashboard`() throws {
        try testbed.inject("address-mismatch")
        let answers = state + "-answers.yml"
        try Data("what-happens: 2\naddress-fix: yes\n".utf8).write(to: URL(fileURLWithPath: answers))
        let run = try cli.run(SiteBackend.sftp.siteArguments(testbed) + ["--format", "json", "playbook", "run", "locked-out-of-wp-admin",
                                                                          "--url", testbed.nginxURL, "--answers", answers])
        #expect(run.status == 0, "\(run.standardOutput) \(run.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let steps = json["steps"] as? [[String: Any]] ?? []
        #expect(steps.contains { $0["id"] as? String == "address" && $0["outcome"] as? String == "mismatch" })
        #expect(steps.contains { $0["id"] as? String == "address-fix" && $0["outcome"] as? String == "done" })
        #expect(try logInTitle().loggedIn)
    }

    @Test func `the locked-out playbook offers the recovery link when wp-login.php fails, and shows it once`() throws {
        try testbed.inject("plugin-fatal")
        let answers = state + "-answers.yml"
        try Data("recovery: yes\n".utf8).write(to: URL(fileURLWithPath: answers))
        let run = try cli.run(SiteBackend.local.siteArguments(testbed) + ["playbook", "run", "locked-out-of-wp-admin",
                                                                           "--url", testbed.nginxURL, "--answers", answers])
        #expect(run.status == 0, "\(run.standardOutput) \(run.standardError)")
        let link = try linkShownOnce(in: run.standardOutput + run.standardError, matching: #"http://\S+rm_key=[A-Za-z0-9]{22}"#)
        let browser = Browser()
        _ = try browser.follow(link)
        #expect(Browser.title(of: try browser.logInThroughForm(admin, adminPassword, at: testbed.nginxURL)).contains("Dashboard"))
    }
}
}
