import Foundation
import Testing
import WPRescueDatabase
import WPRescueKit
import WPRescueTestSupport

/// A browser for the test bed: curl with a cookie jar. The URL goes to curl on standard input
/// (`-K -`), so a login link never appears in any process's argv.
struct Browser {
    let jar: String

    init() {
        jar = NSTemporaryDirectory() + "wprescue-jar-\(UUID().uuidString)"
    }

    struct Page {
        var status: Int
        var location: String
        var body: String
    }

    func get(_ url: String) throws -> Page { try fetch(["url = \(Self.quoted(url))"]) }

    /// Logs in through wp-login.php's form, as a person would; the password goes on curl's standard input.
    func logIn(_ login: String, _ password: String, at site: String) throws -> Page {
        try fetch(["url = \(Self.quoted(site + "/wp-login.php"))", "data-urlencode = \(Self.quoted("log=" + login))",
                   "data-urlencode = \(Self.quoted("pwd=" + password))", "data = \"wp-submit=Log+In\""])
    }

    /// Logs in as a browser does: opens wp-login.php, posts the form to its own action (wherever
    /// siteurl puts it) and follows every redirect (a 301/302 turns the POST into a GET, as in
    /// browsers). `location` of the page returned is the address it ended on.
    func logInThroughForm(_ login: String, _ password: String, at site: String) throws -> Page {
        let form = try get(site + "/wp-login.php")
        guard let start = form.body.range(of: "id=\"loginform\""),
              let action = form.body[start.upperBound...].range(of: "action=\"") else { return form }
        let target = String(form.body[action.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&#038;", with: "&")
        return try fetch(["url = \(Self.quoted(target))", "data-urlencode = \(Self.quoted("log=" + login))",
                          "data-urlencode = \(Self.quoted("pwd=" + password))", "data = \"wp-submit=Log+In&testcookie=1\"", "location"],
                         writeOut: "%{http_code} %{url_effective}")
    }

    /// A page fetched following redirects; `location` is the address it ended on.
    func follow(_ url: String) throws -> Page {
        try fetch(["url = \(Self.quoted(url))", "location"], writeOut: "%{http_code} %{url_effective}")
    }

    /// The page's `<title>`, unescaped enough to read ("Dashboard ‹ site — WordPress").
    static func title(of page: Page) -> String {
        guard let start = page.body.range(of: "<title>"), let end = page.body[start.upperBound...].range(of: "</title>") else { return "" }
        return String(page.body[start.upperBound..<end.lowerBound])
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func fetch(_ configuration: [String], writeOut: String = "%{http_code} %{redirect_url}") throws -> Page {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        let marker = "\n--wprescue-status--"
        process.arguments = ["-s", "-K", "-", "-b", jar, "-c", jar, "-w", marker + writeOut]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((configuration.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let parts = text.components(separatedBy: marker)
        let tail = (parts.last ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        return Page(status: Int(tail.first ?? "") ?? 0, location: tail.count > 1 ? tail[1] : "", body: parts.dropLast().joined(separator: marker))
    }

    /// Whether the jar holds WordPress's logged-in cookie.
    var loggedIn: Bool {
        ((try? String(contentsOfFile: jar, encoding: .utf8)) ?? "").contains("wordpress_logged_in_")
    }
}

extension Testbed {
    /// The live site's database, reached with wp-config.php's credentials, for arranging and comparing rows.
    func siteDatabase(state: String) throws -> WordPressDatabase {
        let site = try Site.open(path: sitePath, fileSystem: LocalFileSystem(), identityPrefix: "local:", environment: ["WPRESCUE_STATE_DIR": state])
        return try MariaDBConnector().connect(try DatabaseCredentials.read(from: site).credentials, timeoutSeconds: 5)
    }
}

/// The test bed's SFTP-only account (password login, no port or socket forwarding, so no way to
/// the database): a runner with its password in the environment, the site options that reach it,
/// and the password, to check it is printed nowhere.
func sftpOnlyAccount(_ bed: TestbedRun) throws -> (cli: CommandRunner, site: [String], password: String) {
    let testbed = bed.testbed
    let password = try bed.secret("SSH_PASSWORD_FILE")
    return (CommandRunner(stateDirectory: bed.state, extraEnvironment: ["WPRESCUE_SSH_PASSWORD": password]),
            ["--site", "sftp://\(testbed["SSH_PASSWORD_USER"])@\(testbed["SSH_HOST"]):\(testbed["SSH_PORT"])\(testbed.sitePath)",
             "--known-hosts", testbed["SSH_KNOWN_HOSTS"]],
            password)
}

/// The link a command printed, checked to appear exactly once in `output`.
func linkShownOnce(in output: String, matching pattern: String) throws -> String {
    let link = String(try #require(output.firstMatch(of: try Regex(pattern))).output[0].substring ?? "")
    #expect(output.components(separatedBy: link).count == 2, "the link is shown once")
    return link
}

/// Every file under `folder`, as text, for looking for secrets that must not be there.
func everythingUnder(_ folder: String) -> String {
    let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
    return files.compactMap { try? String(contentsOfFile: folder + "/" + $0, encoding: .isoLatin1) }.joined(separator: "\n")
}

extension TestbedSuites {
/// `wprescue login` on the real test bed: the link logs a browser in to wp-admin once and never again.
@Suite
struct LoginOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    init() throws { bed = try TestbedRun() }

    var muPlugins: String { testbed.sitePath + "/wp-content/mu-plugins" }

    func helpers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: muPlugins)) ?? []).filter { $0.hasPrefix("wprescue-login-") }
    }

    /// The test bed's database, for arranging users.
    func database() throws -> WordPressDatabase { try testbed.siteDatabase(state: state) }

    @Test(arguments: SiteBackend.allCases)
    func `the link lands in wp-admin's Dashboard once, then the helper is gone and the link is dead`(backend: SiteBackend) throws {
        let site = backend.siteArguments(testbed)
        let made = try cli.run(site + ["--format", "json", "login"])
        #expect(made.succeeded, "\(made.standardError)")
        let json = try bed.json(made)
        let url = try #require(json["url"] as? String)
        #expect(json["user"] as? String == testbed["WP_ADMIN_USER"], "the only administrator, found through the database")
        #expect((json["expires"] as? String).flatMap(ISO8601DateFormatter().date(from:)).map { $0 > Date() } == true)
        #expect(url.hasPrefix(testbed.nginxURL + "/?wprescue-login="))
        let token = try #require(url.components(separatedBy: "=").last)
        #expect(token.count >= 22)
        #expect(helpers().count == 1)

        // The secret is in the one intended print and nowhere else: not on stderr, not on the site, not in the journal.
        #expect(made.standardOutput.components(separatedBy: token).count == 2)
        #expect(!made.standardError.contains(token))
        #expect(!everythingUnder(muPlugins).contains(token))
        #expect(!everythingUnder(state).contains(token))
        #expect(everythingUnder(state).contains(Digest.hex(Digest.sha256(Array(token.utf8)))), "the journal's copy holds the hash only")

        let browser = Browser()
        let landing = try browser.get(url)
        #expect(landing.status == 302, "\(landing.body.prefix(300))")
        #expect(landing.location == testbed.nginxURL + "/wp-admin/")
        #expect(browser.loggedIn)
        let dashboard = try browser.get(testbed.nginxURL + "/wp-admin/")
        #expect(dashboard.status == 200)
        #expect(dashboard.body.contains("<title>Dashboard"))
        #expect(dashboard.body.contains("id=\"wpadminbar\""))
        #expect(helpers().isEmpty, "the helper deleted itself")

        let stranger = Browser()
        let again = try stranger.get(url)
        #expect(!stranger.loggedIn, "a second use logs nobody in")
        #expect(again.status == 200)
        let admin = try stranger.get(testbed.nginxURL + "/wp-admin/")
        #expect(admin.status == 302 && admin.location.contains("wp-login.php"))

        // Undo after use finds the helper gone and leaves it so.
        #expect(try cli.run(site + ["undo"]).succeeded)
        #expect(helpers().isEmpty)
    }

    @Test func `a locked wp-login.php does not stop the link, and undo takes an unused link back`() throws {
        try testbed.inject("login-lockout")
        defer { try? testbed.reset() }
        let site = SiteBackend.local.siteArguments(testbed)
        let made = try cli.run(site + ["login", "--user", testbed["WP_ADMIN_USER"], "--expires", "5m"])
        #expect(made.succeeded, "\(made.standardError)")
        let url = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix(testbed.nginxURL + "/?wprescue-login="), "standard output is the link alone")
        #expect(made.standardError.contains("'\(testbed["WP_ADMIN_USER"])'"))

        let undo = try cli.run(site + ["undo"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(helpers().isEmpty)
        let browser = Browser()
        _ = try browser.get(url)
        #expect(!browser.loggedIn, "a link taken back logs nobody in")

        let again = try cli.run(site + ["login"])
        let browser2 = Browser()
        _ = try browser2.get(again.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(browser2.loggedIn, "past the 403 the lockout plugin puts on wp-login.php")
    }

    @Test func `with several administrators and no terminal, login refuses in one sentence; --user picks one`() throws {
        defer { try? testbed.reset() }
        let database = try database()
        _ = try database.query("INSERT INTO wp_users (user_login, user_pass, user_nicename, user_email, user_registered, display_name) VALUES ('second', '', 'second', 'second@example.test', NOW(), 'Second')")
        let id = try #require(try database.query("SELECT ID FROM wp_users WHERE user_login = 'second'").value("ID", row: 0))
        _ = try database.query("INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (\(id), 'wp_capabilities', 'a:1:{s:13:\"administrator\";b:1;}')")

        let site = SiteBackend.sftp.siteArguments(testbed)
        let refused = try cli.run(site + ["login"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("2 administrators") && refused.standardError.contains("--user"), "\(refused.standardError)")
        #expect(refused.standardError.split(separator: "\n").count == 1)
        #expect(helpers().isEmpty)

        let unknown = try cli.run(site + ["login", "--user", "nobody"])
        #expect(unknown.status == 1 && unknown.standardError.contains("no user 'nobody'"))

        let chosen = try cli.run(site + ["login", "--user", "second"])
        #expect(chosen.succeeded, "\(chosen.standardError)")
        let browser = Browser()
        _ = try browser.get(chosen.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(browser.loggedIn)
        let profile = try browser.get(testbed.nginxURL + "/wp-admin/profile.php")
        #expect(profile.body.contains("second@example.test"), "logged in as the user named")
    }

    @Test func `an expired helper deletes itself on the next request, and the next command removes one left behind`() throws {
        defer { try? testbed.reset() }
        let site = try Site.open(path: testbed.sitePath, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                                 environment: ["WPRESCUE_STATE_DIR": state])
        let expired = try LoginLink(site: site).plan(command: "test", home: testbed.nginxURL, account: .soleAdministrator,
                                                     lifetime: 60, now: Date().addingTimeInterval(-3600))
        try site.journal.apply(expired.changes)
        #expect(helpers().count == 1)
        let browser = Browser()
        let page = try browser.get(expired.facts.url)
        #expect(page.status == 410 && page.body.contains("expired"))
        #expect(!browser.loggedIn)
        #expect(helpers().isEmpty, "found expired, it removed itself")

        // One PHP could not remove (or nobody requested): the next command on the site does.
        try site.journal.apply(try LoginLink(site: site).plan(command: "test", home: testbed.nginxURL, account: .soleAdministrator,
                                                              lifetime: 60, now: Date().addingTimeInterval(-3600)).changes)
        #expect(helpers().count == 1)
        let list = try cli.run(SiteBackend.sftp.siteArguments(testbed) + ["plugins", "list"])
        #expect(list.succeeded, "\(list.standardError)")
        #expect(helpers().isEmpty)
        let history = try cli.run(SiteBackend.sftp.siteArguments(testbed) + ["history"])
        #expect(history.standardOutput.contains("Remove an expired one-time login helper"))
    }

    @Test func `the locked-out playbook offers the link for a forgotten password, and shows it once`() throws {
        let answers = state + "-answers.yml"
        try Data("what-happens: 1\npassword: yes\n".utf8).write(to: URL(fileURLWithPath: answers))
        let run = try cli.run(SiteBackend.sftp.siteArguments(testbed) + ["playbook", "run", "locked-out-of-wp-admin",
                                                                          "--url", testbed.nginxURL, "--answers", answers])
        #expect(run.status == 0, "\(run.standardOutput) \(run.standardError)")
        let url = try linkShownOnce(in: run.standardOutput + run.standardError, matching: #"http://\S+\?wprescue-login=[A-Za-z0-9_-]+"#)
        let browser = Browser()
        _ = try browser.get(url)
        #expect(browser.loggedIn)
        #expect(helpers().isEmpty)
    }

    @Test func `with SFTP alone and no way to the database, the helper picks the only administrator when the link is used`() throws {
        let (sftpOnly, site, sshPassword) = try sftpOnlyAccount(bed)
        let made = try sftpOnly.run(site + ["--format", "json", "login", "--url", testbed.nginxURL])
        #expect(made.succeeded, "\(made.standardError)")
        #expect(made.standardError.contains("database cannot be read from here"), "\(made.standardError)")
        let json = try bed.json(made)
        #expect(json["user"] is NSNull)
        let url = try #require(json["url"] as? String)
        #expect(!(made.standardOutput + made.standardError).contains(sshPassword))
        let browser = Browser()
        _ = try browser.get(url)
        #expect(browser.loggedIn)
        let profile = try browser.get(testbed.nginxURL + "/wp-admin/profile.php")
        #expect(profile.body.contains("admin@example.test"))
        #expect(helpers().isEmpty)
    }
}
}
