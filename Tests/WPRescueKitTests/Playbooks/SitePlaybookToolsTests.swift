import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Answers HTTP requests from a rule over the URL (and whatever the test looks at on disk).
struct RuleFetcher: PageFetcher {
    let rule: (String) -> PageResponse

    func fetch(_ request: PageRequest) -> PageResponse { rule(request.url) }

    static func page(_ status: Int, _ body: String, url: String) -> PageResponse {
        PageResponse(status: status, body: Data(body.utf8), effectiveURL: url)
    }

    static let healthyBody = "<html><body>" + String(repeating: "A normal WordPress page. ", count: 10) + "</body></html>"
}

final class InMemoryDebugMemory: DebugSnapshotMemory {
    var stored: DebugSettings?
    func load() throws -> DebugSettings? { stored }
    func save(_ settings: DebugSettings) throws { stored = settings }
    func clear() throws { stored = nil }
}

/// The built-in checks and actions against a real file tree: what they report, that every
/// change goes through the journal and comes back with undo, and that nothing leaves the site.
struct SitePlaybookToolsTests {
    let fixture: FixtureSite
    let site: Site
    var sleeps: [TimeInterval] = []

    init() throws {
        fixture = try FixtureSite()
        site = try Site.open(path: fixture.root, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                             environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
    }

    func tools(fetch: @escaping (String) -> PageResponse = { RuleFetcher.page(200, RuleFetcher.healthyBody, url: $0) },
               dryRun: Bool = false, memory: DebugSnapshotMemory = InMemoryDebugMemory(),
               now: Date = Date()) -> SitePlaybookTools {
        var options = SitePlaybookTools.Options()
        options.dryRun = dryRun
        options.settle = 0
        options.confirmDelays = [1, 3]
        let tools = SitePlaybookTools(site: site, prober: Prober(fetcher: RuleFetcher(rule: fetch)), pages: ["https://example.org/"],
                                      home: "https://example.org", debugMemory: memory, options: options)
        tools.sleep = { _ in }
        tools.now = { now }
        return tools
    }

    func check(_ check: PlaybookCheck, _ parameters: [String: PlaybookParameters.Value] = [:], on tools: SitePlaybookTools? = nil) throws -> PlaybookStepResult {
        try (tools ?? self.tools()).runCheck(check, with: PlaybookParameters(parameters))
    }

    func perform(_ action: PlaybookAction, _ parameters: [String: PlaybookParameters.Value] = [:], on tools: SitePlaybookTools? = nil) throws -> PlaybookStepResult {
        try (tools ?? self.tools()).perform(action, with: PlaybookParameters(parameters))
    }

    // MARK: maintenance

    @Test func `removes a stuck .maintenance through the journal, and undo brings it back byte for byte`() throws {
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>", mode: 0o640)
        let before = try TreeSnapshot(of: fixture.root)
        let found = try check(.maintenanceFile)
        #expect(found.outcome == "present")
        #expect(found.evidence.contains { $0.contains("never expires") })

        let removed = try perform(.removeMaintenance)
        #expect(removed.outcome == "done")
        #expect(!fixture.exists(".maintenance"))
        #expect(try check(.maintenanceFile).outcome == "absent")
        #expect(try perform(.removeMaintenance).outcome == "unchanged")
        #expect(try site.journal.history().map(\.summary) == ["Remove .maintenance"])

        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `an old .maintenance is reported as one WordPress already ignores`() {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(SitePlaybookTools.maintenanceExpiry("<?php $upgrading = 1999990000; ?>", now: now).first?.contains("ignores it") == true)
        #expect(SitePlaybookTools.maintenanceExpiry("<?php $upgrading = 1999999800; ?>", now: now).first?.contains("until 10 minutes") == true)
    }

    @Test func `a dry run only describes the change and ends skipped`() throws {
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>")
        let result = try perform(.removeMaintenance, on: tools(dryRun: true))
        #expect(result.outcome == "skipped")
        #expect(result.evidence.first == "would remove .maintenance (a copy is kept in the journal)")
        #expect(fixture.exists(".maintenance"))
        #expect(try site.journal.history().isEmpty)
    }

    // MARK: .htaccess

    @Test func `finds the line Apache refuses and writes a clean file that undo takes back`() throws {
        #expect(try check(.htaccess).outcome == "missing")
        let corrupt = "RewriteEngien On\n# BEGIN WordPress\n# END WordPress\n"
        try fixture.write(".htaccess", corrupt)
        let found = try check(.htaccess)
        #expect(found.outcome == "invalid")
        #expect(found.values["first-problem"]?.hasPrefix("line 1: `RewriteEngien`") == true)

        let kept = try perform(.htaccessRegenerate)
        #expect(kept.outcome == "done", "the empty block gets WordPress's rules")
        #expect(try check(.htaccess).outcome == "invalid", "the broken line outside the block stays without clean")
        let cleaned = try perform(.htaccessRegenerate, ["clean": .flag(true)])
        #expect(cleaned.outcome == "done")
        #expect(try check(.htaccess).outcome == "ok")
        #expect(try fixture.read(".htaccess").contains("RewriteBase /\n"))
        #expect(try perform(.htaccessRegenerate, ["clean": .flag(true)]).outcome == "unchanged")

        try site.journal.undo()
        try site.journal.undo()
        #expect(try fixture.read(".htaccess") == corrupt)
    }

    @Test func `a path parameter that leaves the site is refused at run time too`() throws {
        #expect(throws: PlaybookRunError.self) { try check(.htaccess, ["file": .text("../outside.txt")]) }
        #expect(throws: PlaybookRunError.self) { try check(.debugLog, ["file": .text("/etc/hostname")]) }
    }

    @Test func `the guard refuses any planned change outside the site's folders`() throws {
        let layout = site.layout
        let outside = ChangePlan(command: "t", summary: "t", changes: [.write(path: "/etc/cron.d/evil", contents: Data())])
        #expect(throws: PlaybookRunError.outsideSite(path: "/etc/cron.d/evil", root: layout.root)) {
            try PlaybookSiteGuard.check(outside, layout: layout)
        }
        let climbing = ChangePlan(command: "t", summary: "t", changes: [.removeFile(path: layout.root + "/../secret")])
        #expect(throws: PlaybookRunError.self) { try PlaybookSiteGuard.check(climbing, layout: layout) }
        let moveRoot = ChangePlan(command: "t", summary: "t", changes: [.move(from: layout.root, to: layout.root + "-old")])
        #expect(throws: PlaybookRunError.self) { try PlaybookSiteGuard.check(moveRoot, layout: layout) }
        let quarantine = Quarantine(layout: layout).folder(for: .plugin)
        let disable = ChangePlan(command: "t", summary: "t", changes: [
            .move(from: layout.pluginDirectory + "/akismet", to: quarantine + "/akismet"),
            .write(path: layout.configFile, contents: Data()),
        ])
        try PlaybookSiteGuard.check(disable, layout: layout)
    }

    // MARK: debug log

    func enableLogging() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_DEBUG_LOG', true );")
            .replacingOccurrences(of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', true );"))
    }

    func logLine(_ date: Date, _ text: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss"
        return "[\(formatter.string(from: date)) UTC] \(text)"
    }

    @Test func `tells logging switched off from logging on with nothing written`() throws {
        #expect(try check(.debugLog).outcome == "logging-off")
        try enableLogging()
        let result = try check(.debugLog)
        #expect(result.outcome == "no-log")
        #expect(result.values["logging"] == "on")
    }

    @Test func `names the plugin of the latest recent fatal error and ignores old ones`() throws {
        try enableLogging()
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let plugins = fixture.path("wp-content/plugins")
        try fixture.write("wp-content/debug.log", [
            logLine(now.addingTimeInterval(-3 * 86400), "PHP Fatal error:  Uncaught Error: old in \(plugins)/akismet/akismet.php:3"),
            logLine(now.addingTimeInterval(-600), "PHP Notice:  Undefined index: x in \(plugins)/akismet/akismet.php on line 9"),
            logLine(now.addingTimeInterval(-300), "PHP Fatal error:  Uncaught Error: Call to undefined function f() in \(plugins)/hello.php:12"),
            "Stack trace:", "#0 {main}", "",
        ].joined(separator: "\n"))
        let result = try check(.debugLog, on: tools(now: now))
        #expect(result.outcome == "fatal-in-plugin")
        #expect(result.values["plugin"] == "hello")
        #expect(result.evidence.contains { $0.hasPrefix("1 PHP fatal error") }, "the three-day-old one is outside the window")
        #expect(result.values["last-fatal"]?.contains("wp-content/plugins/hello.php:12") == true, "paths shown relative to the site")
        #expect(try check(.debugLog, ["within-minutes": .text("2")], on: tools(now: now)).outcome == "no-fatal-errors")
    }

    @Test(arguments: [
        ("Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in PLUGINS/memory-hog/hog.php on line 9", "memory-exhausted"),
        ("Uncaught Error: nope in THEMES/broken-child/functions.php:4", "fatal-in-theme"),
        ("Uncaught Error: Failed opening required 'x' in CONTENT/object-cache.php:2", "fatal-in-dropin"),
        ("Uncaught Error: core in ROOT/wp-includes/functions.php:2", "fatal-elsewhere"),
    ])
    func `classifies where the latest fatal error happened`(message: String, outcome: String) throws {
        try enableLogging()
        let layout = site.layout
        let line = message.replacingOccurrences(of: "PLUGINS", with: layout.pluginDirectory)
            .replacingOccurrences(of: "THEMES", with: layout.themeDirectory)
            .replacingOccurrences(of: "CONTENT", with: layout.contentDirectory)
            .replacingOccurrences(of: "ROOT", with: layout.root)
        let now = Date()
        try fixture.write("wp-content/debug.log", logLine(now.addingTimeInterval(-10), "PHP Fatal error:  " + line) + "\n")
        #expect(try check(.debugLog, on: tools(now: now)).outcome == outcome)
    }

    @Test func `a fatal error raised in core is put on the plugin in its stack trace`() throws {
        try enableLogging()
        let now = Date()
        let root = site.layout.root
        try fixture.write("wp-content/debug.log", [
            logLine(now.addingTimeInterval(-20), "PHP Fatal error:  Uncaught TypeError: array_merge(): Argument #2 must be of type array, null given in \(root)/wp-includes/class-wp-hook.php:308"),
            "Stack trace:",
            "#0 \(root)/wp-includes/class-wp-hook.php(308): array_merge(Array, NULL)",
            "#1 \(site.layout.pluginDirectory)/shop/includes/cart.php(41): WP_Hook->apply_filters(Array, Array)",
            "#2 \(root)/wp-settings.php(632): shop_boot()",
            "#3 {main}",
            "  thrown in \(root)/wp-includes/class-wp-hook.php on line 308", "",
        ].joined(separator: "\n"))
        let result = try check(.debugLog, on: tools(now: now))
        #expect(result.outcome == "fatal-in-plugin", "\(result.evidence)")
        #expect(result.values["plugin"] == "shop")
        #expect(result.values["last-fatal"]?.contains("wp-includes/class-wp-hook.php:308") == true, "\(result.values)")
        #expect(result.values["last-fatal"]?.contains(root) == false, "paths shown relative to the site")
    }

    @Test func `a plugin that is in the quarantine is not named as an enabled one`() throws {
        try enableLogging()
        let now = Date()
        let quarantined = SitePath.join(site.layout.contentDirectory, "wprescue-quarantine/plugins/shop/shop.php")
        try fixture.write("wp-content/debug.log", logLine(now.addingTimeInterval(-5), "PHP Fatal error:  Uncaught Error: x in \(quarantined):1") + "\n")
        let result = try check(.debugLog, on: tools(now: now))
        #expect(result.values["plugin"] == "", "\(result.values)")
    }

    @Test func `never shows the database password from a log line`() throws {
        try enableLogging()
        let now = Date()
        try fixture.write("wp-content/debug.log", logLine(now, "PHP Fatal error:  Uncaught mysqli_sql_exception in "
            + "\(site.layout.pluginDirectory)/akismet/db.php:3 #0 mysqli_real_connect('127.0.0.1', 'wordpress', 'fixture-secret-Zq8')") + "\n")
        let result = try check(.debugLog, on: tools(now: now))
        #expect(result.outcome == "fatal-in-plugin")
        #expect(!result.evidence.joined().contains("fixture-secret-Zq8"))
        #expect(result.evidence.joined().contains("********"))
    }

    @Test func `debug-on and debug-off put wp-config.php back byte for byte, and off alone changes nothing`() throws {
        let original = try fixture.read("wp-config.php")
        let memory = InMemoryDebugMemory()
        #expect(try perform(.debugOff, on: tools(memory: memory)).outcome == "unchanged")
        let on = try perform(.debugOn, on: tools(memory: memory))
        #expect(on.outcome == "done")
        #expect(on.evidence.contains("WP_DEBUG: false → true"))
        #expect(on.values["file"] == "wp-content/debug.log")
        #expect(try check(.debugLog).values["logging"] == "on")
        #expect(try perform(.debugOff, on: tools(memory: memory)).outcome == "done")
        #expect(try fixture.read("wp-config.php") == original)
        #expect(memory.stored == nil)
    }

    @Test func `debug-on takes a log path inside the site`() throws {
        let result = try perform(.debugOn, ["log-path": .text("wp-content/private/php.log")])
        #expect(result.values["file"] == "wp-content/private/php.log")
        #expect(try fixture.read("wp-config.php").contains("define( 'WP_DEBUG_LOG', '\(fixture.root)/wp-content/private/php.log' );"))
    }

    // MARK: wp-config.php

    @Test func `compares the memory limit and raises it through the journal`() throws {
        #expect(try check(.memoryLimit).outcome == "not-set")
        let raised = try perform(.memory, ["limit": .text("128M")])
        #expect(raised.outcome == "done")
        #expect(raised.evidence.contains("WP_MEMORY_LIMIT: (not defined) → '128M'"))
        #expect(try check(.memoryLimit).outcome == "below")
        #expect(try check(.memoryLimit, ["at-least": .text("128M")]).outcome == "enough")
        #expect(try perform(.memory, ["limit": .text("128M")]).outcome == "unchanged")
        try site.journal.undo()
        #expect(try check(.memoryLimit).outcome == "not-set")
    }

    @Test func `reads a constant and masks a secret`() throws {
        let host = try check(.constant, ["name": .text("DB_HOST")])
        #expect(host.outcome == "defined")
        #expect(host.values["value"] == "'127.0.0.1'")
        let password = try check(.constant, ["name": .text("DB_PASSWORD")])
        #expect(password.values["value"] == "********")
        #expect(!password.evidence.joined().contains("fixture-secret"))
        #expect(try check(.constant, ["name": .text("WP_HOME")]).outcome == "not-defined")
    }

    @Test func `says whether wp-config.php parses`() throws {
        #expect(try check(.configValid).outcome == "valid")
        try fixture.write("wp-config.php", "<?php\ndefine( 'DB_NAME', 'wordpress' \n$table_prefix = 'wp_';\n")
        let broken = try check(.configValid)
        #expect(broken.outcome == "invalid")
        #expect(broken.values["problem"]?.isEmpty == false)
    }

    // MARK: plugins, drop-ins, themes

    @Test func `disables every plugin and puts exactly those back`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        #expect(try check(.pluginsCount).values["enabled"] == "2")
        let disabled = try perform(.disablePlugins, ["plugins": .text("all")])
        #expect(disabled.outcome == "done")
        #expect(disabled.values["changed"] == "akismet, hello")
        #expect(try check(.pluginsCount).outcome == "none")
        let enabled = try perform(.enablePlugins, ["plugins": .list(["akismet", "hello"])])
        #expect(enabled.values["changed"] == "akismet, hello")
        #expect(throws: SwitchError.self) { try perform(.disablePlugins, ["plugins": .text("no-such-plugin")]) }
        try site.journal.undo()
        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `finds drop-ins and moves them aside`() throws {
        #expect(try check(.dropins).outcome == "none")
        #expect(try perform(.disableDropin, ["name": .text("all")]).outcome == "unchanged")
        try fixture.write("wp-content/object-cache.php", "<?php\n/* Plugin Name: Fixture Cache */\n")
        let found = try check(.dropins)
        #expect(found.outcome == "present")
        #expect(found.values["names"] == "object-cache.php")
        #expect(try perform(.disableDropin, ["name": .text("object-cache.php")]).outcome == "done")
        #expect(!fixture.exists("wp-content/object-cache.php"))
        #expect(try check(.dropins).outcome == "none")
    }

    @Test func `disables a theme by its slug`() throws {
        try fixture.addTheme("broken-child", name: "Broken Child", version: "1", parent: "twentytwentythree")
        let result = try perform(.disableTheme, ["theme": .text("broken-child")])
        #expect(result.outcome == "done")
        #expect(!fixture.exists("wp-content/themes/broken-child"))
    }

    // MARK: probing

    @Test func `a 502 is looked at again before it is believed, and a page is fetched on the home address`() throws {
        var requests: [String] = []
        var answers = [502, 200]
        let tools = tools(fetch: { url in
            requests.append(url)
            let status = answers.count > 1 ? answers.removeFirst() : answers[0]
            return RuleFetcher.page(status, status == 200 ? RuleFetcher.healthyBody : "Bad Gateway", url: url)
        })
        var slept: [TimeInterval] = []
        tools.sleep = { slept.append($0) }
        let result = try check(.probe, ["page": .text("/wp-login.php")], on: tools)
        #expect(result.outcome == "healthy")
        #expect(slept == [1])
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.hasPrefix("https://example.org/wp-login.php?wprescue-probe=") })
    }

    @Test func `no address to probe is one clear failure`() throws {
        let tools = SitePlaybookTools(site: site, prober: Prober(fetcher: RuleFetcher { RuleFetcher.page(200, "", url: $0) }),
                                      pages: [], home: nil, debugMemory: InMemoryDebugMemory())
        #expect(throws: PlaybookSiteError.noURL) { try tools.runCheck(.probe, with: PlaybookParameters()) }
        #expect(throws: PlaybookSiteError.noURL) { try tools.perform(.bisectPlugins, with: PlaybookParameters()) }
    }

    @Test func `bisects to the plugin that breaks the site, leaves it disabled, and undo restores all`() throws {
        try fixture.addPlugin("bad-plugin", name: "Bad", version: "1")
        try fixture.addPlugin("fine-plugin", name: "Fine", version: "1")
        let before = try TreeSnapshot(of: fixture.root)
        let badPath = fixture.path("wp-content/plugins/bad-plugin")
        let tools = tools(fetch: { url in
            FileManager.default.fileExists(atPath: badPath)
                ? RuleFetcher.page(500, "There has been a critical error on this website.", url: url)
                : RuleFetcher.page(200, RuleFetcher.healthyBody, url: url)
        })
        var progress: [String] = []
        tools.progress = { progress.append($0) }
        let result = try tools.perform(.bisectPlugins, with: PlaybookParameters(["suspects": .list(["fine-plugin"])]))
        #expect(result.outcome == "culprits-found")
        #expect(result.values["culprits"] == "bad-plugin")
        #expect(result.values["disabled"] == "bad-plugin")
        #expect(result.values["verdict"] == "healthy")
        #expect(progress.first?.contains("trying first: fine-plugin") == true)
        #expect(!fixture.exists("wp-content/plugins/bad-plugin"))
        #expect(fixture.exists("wp-content/plugins/fine-plugin"))
        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `a dry-run bisection moves nothing`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        let result = try perform(.bisectPlugins, on: tools(dryRun: true))
        #expect(result.outcome == "skipped")
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }
}
