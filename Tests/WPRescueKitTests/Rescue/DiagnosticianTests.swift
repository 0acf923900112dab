import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// What diagnose finds on a fixture site, probed through a fake fetcher; it changes nothing.
struct DiagnosticianTests {
    let fixture: FixtureSite
    let site: Site
    let now = Date()

    init() throws {
        (fixture, site) = try openFixtureSite()
    }

    func diagnose(now: Date? = nil, databaseCheck: (() -> [Finding])? = nil,
                  page: @escaping () -> PageResponse = { FixturePages.ok }) throws -> Diagnostician.Diagnosis {
        var options = Diagnostician.Options()
        options.urls = ["https://example.org/"]
        options.searchServerLogs = false
        options.now = now ?? self.now
        options.since = RecentWindow.fatalErrorsSince(options.now)
        let before = try TreeSnapshot(of: fixture.root)
        let diagnosis = Diagnostician(site: site, prober: Prober(fetcher: RuleFetcher { _ in page() }), options: options,
                                      databaseCheck: databaseCheck).diagnose()
        #expect(try TreeSnapshot(of: fixture.root) == before, "diagnose changes nothing")
        return diagnosis
    }

    func finding(_ id: FindingID, in diagnosis: Diagnostician.Diagnosis) -> Finding? {
        diagnosis.findings.first { $0.id == id }
    }

    @Test func `a healthy fixture site: the verdict, the log being off, no .htaccess, recent changes`() throws {
        let diagnosis = try diagnose()
        #expect(diagnosis.verdict == .healthy)
        #expect(finding(.siteHealthy, in: diagnosis)?.severity == .info)
        #expect(finding(.debugLogOff, in: diagnosis)?.fix == "wprescue debug on")
        #expect(finding(.htaccessMissing, in: diagnosis)?.fix == "wprescue htaccess regenerate")
        let recent = try #require(finding(.recentlyChanged, in: diagnosis))
        #expect(recent.summary.hasSuffix("changed in the last 48 hours"))
        #expect(diagnosis.findings.allSatisfy { $0.severity != .critical })
    }

    @Test func `recent changes are measured against the injected time`() throws {
        let diagnosis = try diagnose(now: now.addingTimeInterval(RecentWindow.changes + 3600))
        #expect(finding(.recentlyChanged, in: diagnosis) == nil)
    }

    @Test func `a .maintenance with a 503 is critical; without one it is a warning`() throws {
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>")
        let stuck = try #require(finding(.maintenanceStuck, in: try diagnose(page: { FixturePages.maintenance })))
        #expect(stuck.severity == .critical)
        #expect(stuck.fix == "wprescue maintenance off")
        #expect(stuck.evidence.first?.hasPrefix(EndMaintenance.path(in: site.layout)) == true)
        #expect(finding(.maintenanceStuck, in: try diagnose())?.severity == .warning)
    }

    @Test func `a .htaccess Apache refuses is critical when the site answers 500`() throws {
        try fixture.write(".htaccess", "RewriteEngien On\n")
        let diagnosis = try diagnose(page: { FixturePages.apacheError })
        #expect(diagnosis.findings.first?.id == .serverError, "critical findings first, the verdict first among them")
        let htaccess = try #require(finding(.htaccessInvalid, in: diagnosis))
        #expect(htaccess.severity == .critical)
        #expect(htaccess.evidence.first?.hasPrefix("line 1: `RewriteEngien` is not a directive Apache knows") == true)
        #expect(htaccess.fix == "wprescue htaccess regenerate --turn-off-refused")
    }

    @Test func `errors shown to visitors and a wp-config.php PHP cannot read`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: "")
            .replacingOccurrences(of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', true );"))
        #expect(finding(.debugDisplayOn, in: try diagnose())?.severity == .warning)
        try fixture.write("wp-config.php", "<?php\ndefine( 'DB_NAME', 'x' \n")
        #expect(finding(.configInvalid, in: try diagnose())?.severity == .critical)
    }

    @Test func `recent fatal errors in the debug log become findings naming the plugin`() throws {
        try fixture.write("wp-content/debug.log", FixtureLogLines.pluginFatal(now.addingTimeInterval(-60), root: fixture.root, plugin: "akismet"))
        let diagnosis = try diagnose(page: { FixturePages.criticalError })
        #expect(diagnosis.logsRead == [fixture.path("wp-content/debug.log")])
        #expect(finding(.pluginFatal, in: diagnosis)?.subject == "akismet")
    }

    @Test func `drop-ins and what wprescue disabled are pointed out`() throws {
        try fixture.write("wp-content/object-cache.php", "<?php\n")
        try FileManager.default.createDirectory(atPath: fixture.path("wp-content/wprescue-quarantine/plugins"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: fixture.path("wp-content/plugins/akismet"),
                                         toPath: fixture.path("wp-content/wprescue-quarantine/plugins/akismet"))
        let diagnosis = try diagnose()
        #expect(finding(.dropinSuspect, in: diagnosis)?.subject == "object-cache.php")
        #expect(finding(.disabledByWPRescue, in: diagnosis)?.summary == "Disabled by wprescue: akismet")
    }

    @Test func `database findings are added when a check is given`() throws {
        let diagnosis = try diagnose(databaseCheck: {
            [Finding(id: .databaseTables, severity: .critical, summary: "wp_options is marked as crashed")]
        }, page: { FixturePages.databaseError })
        #expect(diagnosis.verdict == .databaseError)
        #expect(diagnosis.findings.prefix(2).map(\.id) == [.databaseConnection, .databaseTables])
    }

    @Test(arguments: [
        (ProbeVerdict.badGateway, FindingID.badGateway), (.criticalError, .criticalError), (.serviceUnavailable, .serviceUnavailable),
        (.databaseError, .databaseConnection), (.connectionRefused, .siteUnreachable), (.redirectLoop, .redirectLoop),
    ])
    func `each verdict maps to the finding diagnose reports`(_ verdict: ProbeVerdict, _ id: FindingID) {
        let report = Prober.Report(verdict: verdict, pages: [])
        #expect(Diagnostician.finding(for: report).id == id)
    }
}
