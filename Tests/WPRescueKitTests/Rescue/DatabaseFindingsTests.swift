import Foundation
import Testing
@testable import WPRescueKit

/// A `db check` report, as the findings diagnose and rescue show.
struct DatabaseFindingsTests {
    @Test func `a refused connection is one critical finding with its meaning and code`() {
        let error = FakeWordPressDatabase.error(1045, "Access denied for user 'wordpress'@'127.0.0.1' (using password: YES)")
        let report = DatabaseReport(connected: false, error: .init(error), checks: [DatabaseCheck(.connection, .problem, "refused")])
        let findings = DatabaseFindings.findings(from: report)
        #expect(findings.map(\.id) == [.databaseConnection])
        #expect(findings.first?.summary == "WordPress cannot connect to its database: \(error.meaning)")
        #expect(findings.first?.evidence == ["error 1045: \(error.serverMessage)"])
        #expect(findings.first?.fix == "wprescue db check")
    }

    @Test func `failed checks become findings: tables with the repair command, the rest with db check`() {
        let report = DatabaseReport(connected: true, checks: [
            DatabaseCheck(.connection, .ok, "connected"),
            DatabaseCheck(.tableHealth, .problem, "wp_options is marked as crashed", evidence: ["CHECK TABLE wp_options: error"]),
            DatabaseCheck(.tables, .problem, "wp_posts is missing"),
            DatabaseCheck(.autoload, .warning, "autoloaded options are 4 MB"),
        ])
        let findings = DatabaseFindings.findings(from: report)
        #expect(findings.map(\.id) == [.databaseTables, .databaseTables, .databaseOther])
        #expect(findings.map(\.severity) == [.critical, .critical, .warning])
        #expect(findings.map(\.fix) == ["wprescue db check --repair", "wprescue db check", "wprescue db check"])
        #expect(findings.first?.evidence == ["CHECK TABLE wp_options: error"])
    }

    @Test func `a healthy database is no finding`() {
        #expect(DatabaseFindings.findings(from: DatabaseReport(connected: true, checks: [DatabaseCheck(.connection, .ok, "connected")])).isEmpty)
    }
}
