import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Every branch of a rescue, in order, against a fixture site whose pages a fake fetcher
/// derives from what is on its disk: the fix is really applied and journaled, and the probe
/// after it sees the result.
struct RescuerTests {
    let fixture: FixtureSite
    let site: Site
    let now = Date()

    init() throws {
        (fixture, site) = try openFixtureSite()
    }

    struct Run {
        var report: RescueReport
        var delegate: RecordingRescueDelegate
        var sleeps: [TimeInterval]
    }

    func rescue(serverLogs: [String] = [], databaseCheck: (() -> [Finding])? = nil, answer: @escaping (String) -> Bool = { _ in true },
                page: @escaping () -> PageResponse) throws -> Run {
        try rescue(serverLogs: serverLogs, databaseCheck: databaseCheck, answer: answer) { _ in page() }
    }

    /// The same, for a site whose answer depends on the request (the companion's signed ones).
    func rescue(serverLogs: [String] = [], databaseCheck: (() -> [Finding])? = nil, answer: @escaping (String) -> Bool = { _ in true },
                request: @escaping (PageRequest) -> PageResponse) throws -> Run {
        var options = Rescuer.Options()
        options.urls = ["https://example.org/"]
        options.serverLogs = serverLogs
        options.settle = 0
        options.databaseCheck = databaseCheck
        let delegate = RecordingRescueDelegate(answer: answer)
        var sleeps: [TimeInterval] = []
        let fetcher = RequestFetcher(rule: request)
        let rescuer = Rescuer(site: site, prober: Prober(fetcher: fetcher), options: options, delegate: delegate,
                              clock: { [now] in now }, sleep: { sleeps.append($0) })
        let report = try rescuer.run()
        return Run(report: report, delegate: delegate, sleeps: sleeps)
    }

    var pluginDisabled: (String) -> Bool {
        { [fixture] slug in !fixture.exists("wp-content/plugins/\(slug)") }
    }

    func debugLogPath() throws -> String {
        SiteLogs.debugLogPath(of: site, config: try SiteConfig.read(site))
    }

    func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    // MARK: 0. nothing to do

    @Test func `a healthy site is left alone`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        let run = try rescue { FixturePages.ok }
        #expect(run.report.before == .healthy && run.report.after == .healthy)
        #expect(run.report.actions.isEmpty)
        #expect(run.delegate.asked.isEmpty)
        #expect(run.report.nextSteps.first?.contains("cache or CDN") == true)
        #expect(try TreeSnapshot(of: fixture.root) == before)
        #expect(try site.journal.history().isEmpty)
    }

    // MARK: 1. a stuck .maintenance

    @Test func `removes a stuck .maintenance first, and stops when the site is back`() throws {
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>")
        let run = try rescue { fixture.exists(".maintenance") ? FixturePages.maintenance : FixturePages.ok }
        #expect(run.report.before == .serviceUnavailable)
        #expect(run.report.after == .healthy)
        #expect(run.report.cause == .maintenanceStuck)
        #expect(run.report.actions.map(\.kept) == [true])
        #expect(run.report.actions.first?.description == EndMaintenance.description)
        #expect(run.report.nextSteps == [EndMaintenance.nextStep])
        #expect(!fixture.exists(".maintenance"))
        #expect(try site.journal.history().map(\.summary) == ["Remove .maintenance"])
    }

    @Test func `a 503 is looked at again with the injected sleep before it is believed`() throws {
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>")
        let run = try rescue { fixture.exists(".maintenance") ? FixturePages.maintenance : FixturePages.ok }
        #expect(run.sleeps == [1], "the default policy looks again after 1 s, and a second 503 is believed")
    }

    @Test func `the timeline is stamped by the injected clock, with typed kinds`() throws {
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>")
        let run = try rescue { fixture.exists(".maintenance") ? FixturePages.maintenance : FixturePages.ok }
        #expect(run.report.timeline.allSatisfy { $0.time == now })
        #expect(run.report.timeline.map(\.kind) == [.probe, .action, .probe])
        let json = String(decoding: try JSONEncoder().encode(run.report), as: UTF8.self)
        #expect(json.contains(#""kind":"action""#) && json.contains(#""kind":"probe""#))
    }

    // MARK: 2. a broken .htaccess

    /// Apache's answer: a 500 while any line still starts with the typo.
    static func apacheRefuses(_ htaccess: String) -> Bool {
        htaccess.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("RewriteEngien") }
    }

    static let turnedOff = "# wprescue turned this line off (Apache refuses it): RewriteEngien On"

    @Test func `turns off the line Apache refuses and writes WordPress's block, keeping the rest`() throws {
        try fixture.write(".htaccess", "Options -Indexes\nRewriteEngien On\n")
        let run = try rescue { Self.apacheRefuses((try? fixture.read(".htaccess")) ?? "") ? FixturePages.apacheError : FixturePages.ok }
        #expect(run.report.before == .serverError)
        #expect(run.report.after == .healthy)
        #expect(run.report.cause == .htaccessInvalid)
        #expect(run.report.nextSteps == [RegenerateHtaccess.nextStep])
        let written = try fixture.read(".htaccess")
        #expect(written.hasPrefix("Options -Indexes\n" + Self.turnedOff + "\n") && written.contains("# BEGIN WordPress"), "\(written)")
        #expect(try site.journal.history().map(\.summary) == ["Regenerate .htaccess"])
    }

    @Test func `on a multisite, rescue writes the multisite rules wp-config.php asks for (it wrote single-site rules)`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: """
            define( 'MULTISITE', true );
            define( 'SUBDOMAIN_INSTALL', false );
            """))
        try fixture.write(".htaccess", "RewriteEngien On\n")
        let run = try rescue { Self.apacheRefuses((try? fixture.read(".htaccess")) ?? "") ? FixturePages.apacheError : FixturePages.ok }
        #expect(run.report.after == .healthy)
        let written = try fixture.read(".htaccess")
        let multisite = HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: .subdirectory), into: Self.turnedOff + "\n", clean: false)
        #expect(written == multisite, "the rules the playbook and `htaccess regenerate` write for this site")
        #expect(written.contains("wp-(content|admin|includes)"))
    }

    // MARK: 3. the database

    @Test func `explains a database error with the database check and changes nothing`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        let run = try rescue(databaseCheck: {
            [Finding(id: .databaseConnection, severity: .critical, summary: "WordPress cannot connect to its database: access denied",
                     evidence: ["error 1045: Access denied"])]
        }) { FixturePages.databaseError }
        #expect(run.report.after == .databaseError)
        #expect(run.report.cause == .databaseConnection)
        #expect(run.report.causeSummary == "WordPress cannot connect to its database: access denied")
        #expect(run.report.actions.isEmpty && run.delegate.asked.isEmpty)
        #expect(run.report.nextSteps.first?.contains("changes nothing in the database") == true)
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `an unreachable server is said to be the server, not WordPress`() throws {
        let run = try rescue { FixturePages.refused }
        #expect(run.report.cause == .siteUnreachable)
        #expect(run.report.actions.isEmpty && run.delegate.asked.isEmpty)
        #expect(run.report.nextSteps.first?.contains("not WordPress") == true)
    }

    // MARK: 4. what the logs already say

    @Test func `raises WP_MEMORY_LIMIT when the log says memory ran out`() throws {
        try fixture.write("wp-content/debug.log", FixtureLogLines.memoryExhausted(now.addingTimeInterval(-60), root: fixture.root))
        let run = try rescue { ((try? fixture.read("wp-config.php")) ?? "").contains("WP_MEMORY_LIMIT") ? FixturePages.ok : FixturePages.criticalError }
        #expect(run.report.after == .healthy)
        #expect(run.report.cause == .memoryExhausted)
        #expect(run.report.nextSteps == [RaiseMemory.nextStep])
        #expect(try fixture.read("wp-config.php").contains("define( 'WP_MEMORY_LIMIT', '256M' );"))
        // This fetcher knows no companion: the capture tried first was rolled back.
        #expect(try site.journal.history().map(\.summary) == [ErrorCapture.summary, "Memory limit 256M"])
    }

    @Test func `disables the plugin a recent fatal error names`() throws {
        try fixture.write("wp-content/debug.log", FixtureLogLines.pluginFatal(now.addingTimeInterval(-60), root: fixture.root, plugin: "akismet"))
        let run = try rescue { pluginDisabled("akismet") ? FixturePages.ok : FixturePages.criticalError }
        #expect(run.report.after == .healthy)
        #expect(run.report.cause == .pluginFatal)
        #expect(run.report.actions.first?.description.hasPrefix("Disable plugin akismet") == true)
        #expect(run.report.nextSteps.contains(SwitchExtensions.activeListNote))
        #expect(fixture.exists("wp-content/wprescue-quarantine/plugins/akismet/akismet.php"))
    }

    @Test func `ignores fatal errors older than the recent window`() throws {
        let old = now.addingTimeInterval(-RecentWindow.fatalErrors - 3600)
        try fixture.write("wp-content/debug.log", FixtureLogLines.pluginFatal(old, root: fixture.root, plugin: "akismet"))
        let run = try rescue(answer: { !$0.hasPrefix("Bisect") }) { FixturePages.criticalError }
        #expect(!run.delegate.asked.contains { $0.hasPrefix("Disable plugin akismet") })
    }

    @Test func `stops at PHP-FPM being down: no change to WordPress helps`() throws {
        let log = fixture.scratch + "/nginx-error.log"
        try Data(FixtureLogLines.nginx(now.addingTimeInterval(-60),
                                       "connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 198.51.100.7, server: example.org, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"example.org\"").utf8)
            .write(to: URL(fileURLWithPath: log))
        let run = try rescue(serverLogs: [log], answer: { !$0.hasPrefix("Bisect") && !$0.hasPrefix("Turn on") }) { FixturePages.badGateway }
        #expect(run.report.cause == .phpFPMDown)
        #expect(run.delegate.lines.contains { $0.contains("cannot reach PHP-FPM") })
        #expect(!run.delegate.asked.contains(ErrorCapture.description), "no companion for a PHP that does not run")
        #expect(try site.journal.history().isEmpty)
    }

    // MARK: a change that did not help

    @Test func `a change that did not help is reverted at once, and the rescue goes on`() throws {
        // The log blames akismet, but hello is what breaks the site.
        try fixture.write("wp-content/debug.log", FixtureLogLines.pluginFatal(now.addingTimeInterval(-60), root: fixture.root, plugin: "akismet"))
        let run = try rescue { pluginDisabled("hello.php") ? FixturePages.ok : FixturePages.criticalError }
        let first = try #require(run.report.actions.first)
        #expect(first.description.hasPrefix("Disable plugin akismet"))
        #expect(first.kept == false)
        #expect(first.verdictAfter == .criticalError)
        #expect(fixture.exists("wp-content/plugins/akismet/akismet.php"), "put back")
        #expect(run.delegate.lines.contains("That did not help (still critical-error); put it back."))
        #expect(run.report.timeline.contains { $0.kind == .action && $0.text.hasPrefix("reverted (critical-error as before)") })
        let history = try site.journal.history().filter { $0.summary != ErrorCapture.summary }
        #expect(history.first?.summary == "Disable 1 plugin: akismet")
        #expect(history.first?.status == .undone)
        // It went on to bisect, which found hello.
        #expect(run.report.after == .healthy)
        #expect(run.report.causeSummary == "hello breaks the site")
        #expect(pluginDisabled("hello.php"))
    }

    // MARK: 4. the error captured by the companion

    /// Answers signed requests as the companion would while its file is on the fixture's disk:
    /// the info request with PHP's settings, a page request with `page` and `captured` after it.
    func companion(_ request: PageRequest, captured: CapturedError?, page: PageResponse) -> PageResponse {
        guard let signed = request.headers[CompanionPlugin.headerName],
              (try? FileManager.default.contentsOfDirectory(atPath: fixture.path("wp-content/mu-plugins")))?
                .contains(where: { $0.hasPrefix(CompanionPlugin.filePrefix) }) == true else { return page }
        let parts = signed.split(separator: ".")
        var response = page
        response.headers["x-wprescue-bisect-seen"] = String(parts[1])
        if parts[2] == "info" {
            response.body = Data(#"{"enabled":false,"validateTimestamps":true,"revalidateFrequency":0,"php":{"version":"8.2.36","errorLog":"/var/log/php/site.log","logErrors":"1","displayErrors":"0","memoryLimit":"128M","errorLogLocked":true}}"#.utf8)
        } else if let captured, let json = try? JSONEncoder().encode(captured) {
            response.body += Data("<!--wprescue-capture:\(json.base64EncodedString())-->".utf8)
        }
        return response
    }

    /// akismet running out of PHP's 128M, as the companion hands it back.
    var akismetOutOfMemory: CapturedError {
        CapturedError(type: 1, message: "Allowed memory size of 134217728 bytes exhausted (tried to allocate 167776256 bytes)",
                      file: fixture.root + "/wp-content/plugins/akismet/akismet.php", line: 20, php: nil)
    }

    var memoryRaised: Bool { (try? fixture.read("wp-config.php"))?.contains("WP_MEMORY_LIMIT") == true }

    @Test func `a plugin that only needs memory gets memory from the captured error, without the debug log`() throws {
        let memory = akismetOutOfMemory
        let run = try rescue { request in
            memoryRaised ? companion(request, captured: nil, page: FixturePages.ok)
                : companion(request, captured: memory, page: FixturePages.criticalError)
        }
        let (report, delegate) = (run.report, run.delegate)
        #expect(report.after == .healthy)
        #expect(report.cause == .memoryExhausted)
        #expect(report.phpError?.hasPrefix("Allowed memory size of 134217728 bytes exhausted") == true)
        #expect(!delegate.asked.contains(TurnOnDebugLog.description))
        #expect(!pluginDisabled("akismet"), "the plugin that needs memory stays")
        #expect(!fixture.exists("wp-content/mu-plugins"))
        let history = try site.journal.history().map(\.summary)
        #expect(history == [ErrorCapture.summary, "Memory limit 256M"], "\(history)")
    }

    @Test func `memory raised for one plugin is kept when PHP then fails on another plugin, which alone is disabled`() throws {
        let memory = akismetOutOfMemory
        let fatal = CapturedError(type: 1, message: "Uncaught Error: Call to undefined function hello_missing()",
                                  file: fixture.root + "/wp-content/plugins/hello.php", line: 3, php: nil)
        // Two faults: akismet needs memory, and behind it hello is fatal whatever the memory.
        let report = try rescue { request in
            if !memoryRaised { return companion(request, captured: memory, page: FixturePages.criticalError) }
            if !pluginDisabled("hello.php") { return companion(request, captured: fatal, page: FixturePages.criticalError) }
            return FixturePages.ok
        }.report
        #expect(report.after == .healthy)
        #expect(try fixture.read("wp-config.php").contains("WP_MEMORY_LIMIT"), "the memory raise is kept")
        #expect(!pluginDisabled("akismet"), "the plugin that only needed memory stays")
        #expect(pluginDisabled("hello.php"))
        #expect(report.actions.filter(\.kept).count == 2, "\(report.actions)")
        #expect(!fixture.exists("wp-content/mu-plugins"))
    }

    // MARK: 5. the debug log, turned on to reproduce

    @Test func `turns the debug log on, reproduces, acts on the new entry, and puts the settings back`() throws {
        let configBefore = try fixture.read("wp-config.php")
        let run = try rescue {
            guard !pluginDisabled("akismet") else { return FixturePages.ok }
            // WordPress with logging on writes the fatal error where WP_DEBUG_LOG says.
            if let config = try? SiteConfig.read(site), config.value(of: "WP_DEBUG")?.boolValue == true {
                let path = SiteLogs.debugLogPath(of: site, config: config)
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                try? append(FixtureLogLines.pluginFatal(Date(), root: fixture.root, plugin: "akismet"), to: path)
            }
            return FixturePages.criticalError
        }
        // The capture came first; this fetcher knows no companion, so it fell back to the debug log.
        #expect(run.delegate.asked.prefix(2) == [ErrorCapture.description, TurnOnDebugLog.description])
        #expect(run.delegate.lines.contains { $0.hasPrefix("Could not capture the error: The temporary must-use plugin did not answer") })
        #expect(!fixture.exists("wp-content/mu-plugins"), "the companion and its folder are gone")
        #expect(run.report.after == .healthy)
        #expect(run.report.cause == .pluginFatal)
        #expect(pluginDisabled("akismet"))
        #expect(try fixture.read("wp-config.php") == configBefore, "the debug settings are back as they were")
        #expect(!fixture.exists("wp-content/debug.log"), "the log the rescue created left the web root")
        #expect(try site.journal.history().map(\.summary).filter { $0 != ErrorCapture.summary } == ["Debug log on (for the rescue)", "Disable 1 plugin: akismet",
                                                              "Debug log back as before the rescue",
                                                              "Move the debug log written during the rescue out of the site"])
    }

    @Test func `a debug log too big to back up whole still leaves the site with its debug settings back`() throws {
        let configBefore = try fixture.read("wp-config.php")
        let padding = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let run = try rescue {
            guard !pluginDisabled("akismet") else { return FixturePages.ok }
            if let config = try? SiteConfig.read(site), config.value(of: "WP_DEBUG")?.boolValue == true {
                let path = SiteLogs.debugLogPath(of: site, config: config)
                if !FileManager.default.fileExists(atPath: path), let handle = FileHandle(forWritingAtPath: path) ?? {
                    FileManager.default.createFile(atPath: path, contents: nil)
                    return FileHandle(forWritingAtPath: path)
                }() {
                    // A busy site: 70 MiB of notices before the fatal error.
                    for _ in 0..<70 { handle.write(padding) }
                    handle.write(Data("\n".utf8))
                    try? handle.close()
                }
                try? append(FixtureLogLines.pluginFatal(Date(), root: fixture.root, plugin: "akismet"), to: path)
            }
            return FixturePages.criticalError
        }
        #expect(run.report.after == .healthy)
        #expect(try fixture.read("wp-config.php") == configBefore, "the debug settings are back as they were")
        #expect(!fixture.exists("wp-content/debug.log"), "the log the rescue created left the web root")
        let operation = try #require(try site.journal.history().last?.id)
        let kept = try Data(contentsOf: URL(fileURLWithPath: site.journal.backupPath(operation: operation, step: 0)))
        #expect(kept.count == Journal.backupLimit, "the end of the log is kept")
        #expect(String(decoding: kept.suffix(4096), as: UTF8.self).contains("akismet"))
    }

    @Test func `does not turn the debug log on when it already logs and shows visitors nothing`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: """
            define( 'WP_DEBUG_LOG', true );
            define( 'WP_DEBUG_DISPLAY', false );
            """).replacingOccurrences(of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', true );"))
        let run = try rescue(answer: { !$0.hasPrefix("Bisect") }) { FixturePages.criticalError }
        #expect(!run.delegate.asked.contains(TurnOnDebugLog.description))
    }

    // MARK: 6. bisect

    @Test func `bisects plugins when nothing else explains it, and leaves the culprit disabled`() throws {
        let run = try rescue(answer: { $0 != TurnOnDebugLog.description }) { pluginDisabled("akismet") ? FixturePages.ok : FixturePages.criticalError }
        #expect(run.delegate.asked.contains { $0.hasPrefix("Bisect 2 plugins") })
        #expect(run.report.after == .healthy)
        #expect(run.report.causeSummary == "akismet breaks the site")
        #expect(run.report.actions.last?.description.hasPrefix("Bisect found akismet") == true)
        #expect(pluginDisabled("akismet") && !pluginDisabled("hello.php"))
        #expect(run.delegate.looks > 0)
    }

    @Test func `every step declined leaves the site untouched and says it could not bring it back`() throws {
        try fixture.write("wp-content/debug.log", FixtureLogLines.pluginFatal(now.addingTimeInterval(-60), root: fixture.root, plugin: "akismet"))
        let before = try TreeSnapshot(of: fixture.root)
        let run = try rescue(answer: { _ in false }) { FixturePages.criticalError }
        #expect(run.report.actions.isEmpty)
        #expect(run.report.after == .criticalError)
        #expect(run.report.nextSteps.first?.contains("could not bring the site back") == true)
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `a front end that works with a login page that does not ends pointing to wprescue login, not the host`() throws {
        var options = Rescuer.Options()
        options.urls = ["https://example.org/", "https://example.org/wp-login.php"]
        options.settle = 0
        let fetcher = RuleFetcher { url in
            url.contains("wp-login.php") ? FixturePages.page(403, "<h1>Too many failed login attempts.</h1>" + String(repeating: " ", count: 80))
                                         : FixturePages.ok
        }
        let rescuer = Rescuer(site: site, prober: Prober(fetcher: fetcher), options: options, delegate: RecordingRescueDelegate(answer: { _ in false }),
                              clock: { [now] in now }, sleep: { _ in })
        let report = try rescuer.run()
        #expect(report.after == .clientError)
        #expect(report.nextSteps.contains { $0.contains("The front end works but /wp-login.php answers client-error") && $0.contains("`wprescue login`") },
                "\(report.nextSteps)")
        #expect(!report.nextSteps.contains { $0.contains("restart PHP-FPM") })
    }
}

/// A fake fetcher that sees the whole request (headers included).
struct RequestFetcher: PageFetcher {
    let rule: (PageRequest) -> PageResponse
    func fetch(_ request: PageRequest) -> PageResponse { rule(request) }
}
