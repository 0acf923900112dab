import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// A server made of fixed answers: URL (without query) → status, Location, body, Set-Cookie.
private struct ScriptedServer: PageFetcher {
    struct Answer {
        var status: Int
        var location: String? = nil
        var body: String = ""
        var cookies: [String] = []
    }

    var answers: [String: Answer]

    func fetch(_ request: PageRequest) -> PageResponse {
        let key = request.url.components(separatedBy: "?").first ?? request.url
        guard let answer = answers[key] else { return PageResponse(status: nil, effectiveURL: request.url, failure: .connectionRefused) }
        var headers: [String: String] = [:]
        if let location = answer.location { headers["location"] = location }
        if !answer.cookies.isEmpty { headers["set-cookie"] = answer.cookies.joined(separator: "\n") }
        return PageResponse(status: answer.status, headers: headers, body: Data(answer.body.utf8), effectiveURL: request.url)
    }
}

private func loginForm(action: String) -> String {
    "<html><form name=\"loginform\" id=\"loginform\" action=\"\(action)\" method=\"post\"></form></html>"
}

struct SiteAddressTests {
    let home = "http://example.test"

    fileprivate func judge(_ settings: SiteAddressSettings, _ answers: [String: ScriptedServer.Answer], visitor: String? = nil) -> SiteAddressCheck.Verdict {
        let observed = SiteAddressObservation.observe(visitorURL: visitor ?? home, fetcher: ScriptedServer(answers: answers))
        return SiteAddressCheck.judge(settings, observed: observed)
    }

    @Test func `a login form posted to a host the server redirects away is named, with the url set that fixes it`() {
        let verdict = judge(SiteAddressSettings(homeOption: home, siteURLOption: "http://www.example.test"), [
            "http://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://www.example.test/wp-login.php"),
                                                      cookies: ["wordpress_test_cookie=WP%20Cookie%20check; path=/"]),
            "http://www.example.test/wp-login.php": .init(status: 301, location: "http://example.test/wp-login.php"),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://www.example.test/wp-login.php?reauth=1"),
        ])
        #expect(verdict.problem == .loginPostRedirected)
        #expect(verdict.explanation.contains("which the server redirects to http://example.test"))
        #expect(verdict.fixArguments == ["url", "set", "http://example.test", "--only", "siteurl"])
    }

    @Test func `a server that moves the home page to https names the https address`() {
        let verdict = judge(SiteAddressSettings(homeOption: home, siteURLOption: home), [
            "http://example.test/": .init(status: 301, location: "https://example.test/"),
            "https://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 301, location: "https://example.test/wp-login.php"),
            "https://example.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://example.test/wp-login.php")),
            "http://example.test/wp-admin/": .init(status: 301, location: "https://example.test/wp-admin/"),
            "https://example.test/wp-admin/": .init(status: 302, location: "https://example.test/wp-login.php"),
        ])
        #expect(verdict.problem == .serverMovesHome)
        #expect(verdict.fixArguments == ["url", "set", "https://example.test"])
    }

    @Test func `wp-login.php redirecting in a circle is a loop, siteurl fixed to where the server answers`() {
        let verdict = judge(SiteAddressSettings(siteURLConstant: "https://example.test", homeOption: home), [
            "http://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 302, location: "https://example.test/wp-login.php"),
            "https://example.test/wp-login.php": .init(status: 301, location: "http://example.test/wp-login.php"),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://example.test/wp-login.php"),
        ])
        #expect(verdict.problem == .loginLoop)
        #expect(verdict.explanation.contains("redirects in a loop"))
        #expect(verdict.fixArguments == ["url", "set", "http://example.test", "--only", "siteurl"])
    }

    @Test func `a home page going round between WordPress's host and the server's is fixed to the server's`() {
        let verdict = judge(SiteAddressSettings(homeOption: "http://www.example.test", siteURLOption: "http://www.example.test"), [
            "http://www.example.test/": .init(status: 301, location: "http://example.test/"),
            "http://example.test/": .init(status: 301, location: "http://www.example.test/"),
            "http://www.example.test/wp-login.php": .init(status: 301, location: "http://example.test/wp-login.php"),
            "http://example.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://www.example.test/wp-login.php")),
            "http://www.example.test/wp-admin/": .init(status: 301, location: "http://example.test/wp-admin/"),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://www.example.test/wp-login.php"),
        ], visitor: "http://www.example.test")
        #expect(verdict.problem == .homeLoop)
        #expect(verdict.fixArguments == ["url", "set", "http://example.test"])
    }

    @Test func `a loop that stays on one host is a plugin's, not the address: no url set is offered`() {
        let verdict = judge(SiteAddressSettings(homeOption: home, siteURLOption: home), [
            "http://example.test/": .init(status: 302, location: "http://example.test/welcome/"),
            "http://example.test/welcome/": .init(status: 302, location: "http://example.test/"),
            "http://example.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://example.test/wp-login.php")),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://example.test/wp-login.php"),
        ])
        #expect(verdict.fixURL == nil, "\(verdict.explanation)")
    }

    @Test func `home and siteurl on different hosts is named even when both answer`() {
        let verdict = judge(SiteAddressSettings(homeOption: home, siteURLOption: "http://other.test"), [
            "http://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 200, body: "no form here"),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://other.test/wp-login.php"),
            "http://other.test/wp-login.php": .init(status: 200),
        ])
        #expect(verdict.problem == .homeAndSiteURLDiffer)
    }

    @Test func `a cookie domain that is not the host is named with the config delete that fixes it`() {
        let verdict = judge(SiteAddressSettings(homeOption: home, siteURLOption: home), [
            "http://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://example.test/wp-login.php"),
                                                      cookies: ["a=b; path=/", "wordpress_test_cookie=x; path=/; domain=.elsewhere.test"]),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://example.test/wp-login.php"),
        ])
        #expect(verdict.problem == .cookieDomain)
        #expect(verdict.explanation.contains("wprescue config delete COOKIE_DOMAIN"))
    }

    @Test func `agreeing addresses, WordPress in its own folder, and a constant hiding the option are no problem`() {
        let verdict = judge(SiteAddressSettings(homeConstant: home, siteURLConstant: home + "/wp", homeOption: "http://old.test", siteURLOption: home + "/wp"), [
            "http://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 301, location: "http://example.test/wp/wp-login.php"),
            "http://example.test/wp/wp-login.php": .init(status: 200, body: loginForm(action: "http://example.test/wp/wp-login.php"),
                                                         cookies: ["wordpress_test_cookie=x; path=/; domain=example.test"]),
            "http://example.test/wp-admin/": .init(status: 301, location: "http://example.test/wp/wp-admin/"),
            "http://example.test/wp/wp-admin/": .init(status: 302, location: "http://example.test/wp/wp-login.php"),
        ])
        #expect(verdict.problem == nil, "\(verdict.explanation)")
        #expect(verdict.notes == ["WP_HOME in wp-config.php (http://example.test) overrides the home option (http://old.test)."])
    }

    @Test func `without the database, siteurl is read from where the login form posts`() {
        let verdict = judge(SiteAddressSettings(optionsRead: false), [
            "http://example.test/": .init(status: 200),
            "http://example.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://www.example.test/wp-login.php")),
            "http://www.example.test/wp-login.php": .init(status: 301, location: "http://example.test/wp-login.php"),
            "http://example.test/wp-admin/": .init(status: 302, location: "http://www.example.test/wp-login.php?reauth=1"),
        ])
        #expect(verdict.problem == .loginPostRedirected)
        #expect(verdict.fixArguments == ["url", "set", "http://example.test", "--only", "siteurl"])
        #expect(verdict.notes.contains { $0.contains("siteurl is taken from where the login form posts") })
    }

    @Test func `an address that does not answer is said, with no fix to guess`() {
        let verdict = judge(SiteAddressSettings(homeOption: home, siteURLOption: home), [:])
        #expect(verdict.problem == .unreachable)
        #expect(verdict.fixURL == nil)
    }

    @Test(arguments: [("https://example.com/", "https://example.com"), ("http://example.com:8080/blog", "http://example.com:8080/blog")])
    func `addresses are stored the way WordPress stores them`(given: String, stored: String) throws {
        #expect(try SetSiteAddress.normalized(given) == stored)
    }

    @Test(arguments: ["example.com", "ftp://example.com", "https://example.com/?p=1", "https://example.com/#x", "https://ex'ample.com", "https://"])
    func `what is not a site address is refused`(given: String) {
        #expect(throws: SetSiteAddress.Failure.invalidURL(given)) { try SetSiteAddress.normalized(given) }
    }
}

/// SetSiteAddress and RecoveryLink on a fixture site, and the journal's row steps they rely on.
struct SiteAddressRemedyTests {
    let fixture: FixtureSite
    let site: Site

    init() throws {
        (fixture, site) = try openFixtureSite()
    }

    @Test func `by default each address changes where WordPress reads it; the constants without a database`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_HOME', 'http://old.test' );"))
        let remedy = SetSiteAddress(site: site, tablePrefix: "wp_")
        let settings = SiteAddressSettings(homeConstant: "http://old.test", homeOption: "http://old.test", siteURLOption: "http://old.test")
        let plan = try remedy.plan(command: "test", url: "https://new.test/", place: nil, settings: settings)
        #expect(plan.facts.changed.map(\.place) == [.config, .database], "home is WP_HOME's, siteurl the option's")
        #expect(plan.facts.url == "https://new.test")
        #expect(plan.changes.changes.contains { if case .write = $0 { return true }; return false })
        #expect(plan.changes.changes.contains { change in
            if case .databaseRows(let rows) = change { return rows.match == ["option_name": "siteurl"] && rows.set == ["option_value": "https://new.test"] }
            return false
        })

        var unreachable = settings
        unreachable.optionsRead = false
        unreachable.homeOption = nil
        unreachable.siteURLOption = nil
        let offline = try remedy.plan(command: "test", url: "https://new.test", place: nil, settings: unreachable)
        #expect(offline.facts.changed.map(\.place) == [.config, .config])
        #expect(throws: SetSiteAddress.Failure.databaseNeeded(.home)) {
            try remedy.plan(command: "test", url: "https://new.test", place: .database, settings: unreachable)
        }
        let database = try remedy.plan(command: "test", url: "https://new.test", fields: [.home], place: .database, settings: settings)
        #expect(database.notes.contains { $0.contains("WP_HOME in wp-config.php (http://old.test) still overrides the home option") })
    }

    @Test func `a computed WP_HOME is replaced in wp-config.php, not hidden behind an option, and read from the pages`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_HOME', 'https://' . $_SERVER['HTTP_HOST'] );"))
        var settings = try SiteAddressSettings.read(site: site, database: nil, tablePrefix: "wp_")
        #expect(settings.computedConstants == ["WP_HOME"])
        settings.optionsRead = true
        settings.homeOption = "http://old.test"
        settings.siteURLOption = "http://old.test"
        #expect(settings.home == nil, "the option does not count: the constant wins")
        let plan = try SetSiteAddress(site: site, tablePrefix: "wp_").plan(command: "test", url: "https://new.test", place: nil, settings: settings)
        #expect(plan.facts.changed.map(\.place) == [.config, .database])
        #expect(plan.facts.changed.first?.before == "(computed)")

        let verdict = SiteAddressCheck.judge(settings, observed: SiteAddressObservation.observe(visitorURL: "http://old.test", fetcher: ScriptedServer(answers: [
            "http://old.test/": .init(status: 200),
            "http://old.test/wp-login.php": .init(status: 200, body: loginForm(action: "http://old.test/wp-login.php")),
            "http://old.test/wp-admin/": .init(status: 302, location: "http://old.test/wp-login.php"),
        ])))
        #expect(verdict.problem == nil, "\(verdict.explanation)")
        #expect(verdict.notes.contains { $0.contains("WP_HOME is computed in wp-config.php") })
    }

    @Test func `the constants are written through the journal and undone byte for byte`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        let plan = try SetSiteAddress(site: site, tablePrefix: "wp_")
            .plan(command: "test", url: "https://new.test", place: .config, settings: SiteAddressSettings(optionsRead: false))
        _ = try site.journal.apply(plan.changes)
        let config = try fixture.read("wp-config.php")
        #expect(config.contains("'WP_HOME', 'https://new.test'") && config.contains("'WP_SITEURL', 'https://new.test'"))
        let again = try SetSiteAddress(site: site, tablePrefix: "wp_")
            .plan(command: "test", url: "https://new.test", place: .config,
                  settings: SiteAddressSettings(homeConstant: "https://new.test", siteURLConstant: "https://new.test", optionsRead: false))
        #expect(again.isEmpty && again.notes.first?.contains("already") == true)
        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `a network's address is refused in one sentence`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'MULTISITE', true );"))
        #expect(throws: SetSiteAddress.Failure.network) {
            try SetSiteAddress(site: site, tablePrefix: "wp_").plan(command: "test", url: "https://new.test", place: nil, settings: SiteAddressSettings())
        }
        #expect(throws: RecoveryLink.Failure.network) {
            try RecoveryLink(site: site, tablePrefix: "wp_").plan(command: "test", siteURL: "https://new.test", stored: nil, wordpressVersion: "6.1")
        }
    }

    @Test func `the recovery key is core's format: a phpass hash of a 22-character key, dated to expire with the link`() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let plan = try RecoveryLink(site: site, tablePrefix: "wp_")
            .plan(command: "test", siteURL: "https://example.test/", stored: nil, wordpressVersion: "6.1.1", lifetime: 600, now: now)
        let url = try #require(URLComponents(string: plan.facts.url))
        #expect(url.path == "/wp-login.php")
        let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["action"] == "enter_recovery_mode")
        let token = try #require(query["rm_token"]), key = try #require(query["rm_key"])
        #expect(token.count == 22 && key.count == 22 && token != key)
        #expect((token + key).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(plan.facts.expires == now.addingTimeInterval(600))

        guard case .databaseRows(let rows) = try #require(plan.changes.changes.first) else { Issue.record("not a row change"); return }
        #expect(rows.insertsWhenMissing && rows.yieldsToLaterChanges)
        let stored = try #require(rows.set?["option_value"])
        #expect(!stored.contains(key))
        let value = try PHPUnserializer.unserialize(stored)
        let record = try #require(value.arrayEntries?.first)
        #expect(record.key == .string(token))
        let fields = Dictionary(uniqueKeysWithValues: (record.value.arrayEntries ?? []).map { ("\($0.key)", $0.value) })
        let hash = try #require(fields["hashed_key"]?.stringValue)
        #expect(hash.hasPrefix("$P$B") && PortableHash.crypt(key, setting: hash) == hash, "core's wp_check_password accepts the key")
        #expect(fields["created_at"] == .int(1_800_000_600 - 86_400), "core's day-long window ends when the link expires")
    }

    @Test func `from WordPress 6.8 the key is stored as wp_fast_hash writes it`() throws {
        let plan = try RecoveryLink(site: site, tablePrefix: "wp_").plan(command: "test", siteURL: "https://x.test", stored: nil, wordpressVersion: "6.8.2")
        let key = try #require(plan.facts.url.components(separatedBy: "rm_key=").last)
        guard case .databaseRows(let rows) = try #require(plan.changes.changes.first) else { Issue.record("not a row change"); return }
        #expect(rows.set?["option_value"]?.contains("s:49:\"\(PasswordHash.fastHash(key))\"") == true)
    }

    @Test func `other recovery keys stay byte for byte; a damaged option is replaced`() {
        let entry = RecoveryLink.entry(token: "t", hashedKey: "h", createdAt: 5)
        let existing = "a:1:{s:3:\"abc\";a:2:{s:10:\"hashed_key\";s:3:\"x'y\";s:10:\"created_at\";i:1;}}"
        #expect(RecoveryLink.adding(entry, to: existing) == "a:2:{s:3:\"abc\";a:2:{s:10:\"hashed_key\";s:3:\"x'y\";s:10:\"created_at\";i:1;}" + entry + "}")
        #expect(RecoveryLink.adding(entry, to: "a:0:{}") == "a:1:{\(entry)}")
        #expect(RecoveryLink.adding(entry, to: "garbage") == "a:1:{\(entry)}")
        #expect(RecoveryLink.adding(entry, to: nil) == "a:1:{\(entry)}")
        #expect((try? PHPUnserializer.unserialize(RecoveryLink.adding(entry, to: existing)))?.arrayEntries?.count == 2)
    }

    @Test func `recovery mode needs WordPress 5.2 and the fatal error handler`() throws {
        #expect(throws: RecoveryLink.Failure.tooOld("5.1.6")) {
            try RecoveryLink(site: site, tablePrefix: "wp_").plan(command: "test", siteURL: "https://x.test", stored: nil, wordpressVersion: "5.1.6")
        }
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_DISABLE_FATAL_ERROR_HANDLER', true );"))
        #expect(throws: RecoveryLink.Failure.handlerDisabled) {
            try RecoveryLink(site: site, tablePrefix: "wp_").plan(command: "test", siteURL: "https://x.test", stored: nil, wordpressVersion: "6.1")
        }
    }

    @Test func `row steps journaled before these options existed still decode`() throws {
        let old = #"{"table":"wp_users","match":{"ID":"1"},"set":{"user_pass":"x"},"label":"the password of 'admin'"}"#
        let rows = try JSONDecoder().decode(DatabaseRowChange.self, from: Data(old.utf8))
        #expect(!rows.insertsWhenMissing && !rows.yieldsToLaterChanges && rows.set == ["user_pass": "x"])
        let roundTrip = try JSONDecoder().decode(DatabaseRowChange.self, from: JSONEncoder().encode(
            DatabaseRowChange(table: "t", match: [:], set: nil, label: "l", insertsWhenMissing: true, yieldsToLaterChanges: true)))
        #expect(roundTrip.insertsWhenMissing && roundTrip.yieldsToLaterChanges)
    }
}

/// Diagnose and rescue point a locked-out owner to the way in when only the login is broken.
struct LoginFindingTests {
    func page(_ url: String, _ verdict: ProbeVerdict) -> Prober.PageResult {
        Prober.PageResult(url: url, verdict: verdict, status: verdict == .healthy ? 200 : 500, evidence: "", timings: PageTimings(),
                          bytes: 0, effectiveURL: url, redirects: 0)
    }

    @Test(arguments: [(ProbeVerdict.clientError, "wprescue login"), (.criticalError, "wprescue login"), (.redirectLoop, "wprescue url show")])
    func `a healthy front end with a broken login page points to the way in`(verdict: ProbeVerdict, fix: String) throws {
        let report = Prober.Report(verdict: verdict, pages: [page("https://x.test/", .healthy), page("https://x.test/wp-login.php", verdict)])
        let finding = try #require(Diagnostician.loginFinding(for: report))
        #expect(finding.id == .loginBroken && finding.fix == fix)
        #expect(finding.summary.contains("`wprescue login`"))
        #expect(verdict != .criticalError || finding.summary.contains("`wprescue recovery-link`"))
    }

    @Test func `a broken front end, or a healthy login page, is not a login problem`() {
        #expect(Diagnostician.loginFinding(for: Prober.Report(verdict: .criticalError, pages: [
            page("https://x.test/", .criticalError), page("https://x.test/wp-login.php", .criticalError)])) == nil)
        #expect(Diagnostician.loginFinding(for: Prober.Report(verdict: .healthy, pages: [
            page("https://x.test/", .healthy), page("https://x.test/wp-login.php", .healthy)])) == nil)
        #expect(Diagnostician.loginFinding(for: Prober.Report(verdict: .clientError, pages: [page("https://x.test/wp-login.php", .clientError)])) == nil)
    }
}
