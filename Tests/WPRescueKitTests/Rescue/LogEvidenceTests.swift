import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Log entries, read and attributed for real from a fixture site's debug.log, turned into findings.
struct LogEvidenceTests {
    let fixture: FixtureSite
    let site: Site
    let now = Date()

    init() throws {
        (fixture, site) = try openFixtureSite()
    }

    func findings(_ lines: [String]) throws -> [Finding] {
        try fixture.write("wp-content/debug.log", lines.joined())
        let entries = SiteLogs.recentProblems(in: [fixture.path("wp-content/debug.log")], site: site,
                                              since: RecentWindow.fatalErrorsSince(now))
        return LogEvidence.findings(from: entries)
    }

    func fatal(in relative: String, ago seconds: TimeInterval = 60) -> String {
        FixtureLogLines.php(now.addingTimeInterval(-seconds),
                            "PHP Fatal error:  Uncaught Error: Call to undefined function nope() in \(fixture.root)/\(relative):7")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var id: FindingID
        var subject: String?
        var fix: String?
        var testDescription: String { "\(file) → \(id.rawValue)" }
    }

    static let cases = [
        Case(file: "wp-content/plugins/akismet/akismet.php", id: .pluginFatal, subject: "akismet", fix: "wprescue plugins disable akismet"),
        Case(file: "wp-content/plugins/hello.php", id: .pluginFatal, subject: "hello", fix: "wprescue plugins disable hello"),
        Case(file: "wp-content/mu-plugins/cache-helper.php", id: .mustUsePluginFatal, subject: "cache-helper",
             fix: "wprescue plugins disable --mu cache-helper"),
        Case(file: "wp-content/themes/twentytwentythree/functions.php", id: .themeFatal, subject: "twentytwentythree",
             fix: "wprescue themes disable twentytwentythree"),
        Case(file: "wp-content/object-cache.php", id: .dropinFatal, subject: "object-cache.php",
             fix: "wprescue plugins disable --dropins object-cache.php"),
        Case(file: "wp-config.php", id: .configFatal, subject: nil, fix: "wprescue config list"),
        Case(file: "wp-includes/functions.php", id: .coreFatal, subject: nil, fix: "wprescue bisect"),
    ]

    @Test(arguments: cases)
    func `a fatal error is blamed on the extension, core or config its file belongs to`(_ example: Case) throws {
        try fixture.write("wp-content/mu-plugins/cache-helper.php", "<?php\n")
        try fixture.write("wp-content/object-cache.php", "<?php\n")
        let found = try findings([fatal(in: example.file)])
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.id == example.id)
        #expect(finding.severity == .critical)
        #expect(finding.subject == example.subject)
        #expect(finding.fix == example.fix)
        #expect(finding.evidence.first?.contains("Call to undefined function nope()") == true)
    }

    @Test func `memory exhaustion is its own finding, with the fix that raises the limit`() throws {
        let found = try findings([FixtureLogLines.memoryExhausted(now.addingTimeInterval(-30), root: fixture.root)])
        #expect(found.map(\.id) == [.memoryExhausted])
        #expect(found.first?.fix == "wprescue memory 256M")
    }

    @Test func `warnings and notices are no finding`() throws {
        let found = try findings([FixtureLogLines.php(now.addingTimeInterval(-30),
                                                      "PHP Warning:  Undefined variable $x in \(fixture.root)/wp-content/plugins/akismet/akismet.php on line 3")])
        #expect(found.isEmpty)
    }

    @Test func `repeated errors are one finding with at most three lines of evidence`() throws {
        let found = try findings((1...5).map { fatal(in: "wp-content/plugins/akismet/akismet.php", ago: TimeInterval(100 - $0)) })
        #expect(found.count == 1)
        #expect(found.first?.evidence.count == 3)
    }

    @Test func `the most recent cause comes first`() throws {
        let found = try findings([fatal(in: "wp-content/plugins/akismet/akismet.php", ago: 300),
                                  fatal(in: "wp-content/themes/twentytwentythree/functions.php", ago: 10)])
        #expect(found.map(\.id) == [.themeFatal, .pluginFatal])
    }

    @Test func `errors older than the window do not count`() throws {
        let found = try findings([fatal(in: "wp-content/plugins/akismet/akismet.php", ago: RecentWindow.fatalErrors + 600)])
        #expect(found.isEmpty)
    }
}
