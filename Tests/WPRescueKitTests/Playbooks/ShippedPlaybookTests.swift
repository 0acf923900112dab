import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// The playbooks in the repository's playbooks/ folder: all there, all valid, all documented.
struct ShippedPlaybookTests {
    static let folder = Testbed.packageRoot + "/playbooks"
    static let expected = [
        "502-bad-gateway", "critical-error", "database-connection-error", "htaccess-500", "locked-out-of-wp-admin",
        "maintenance-stuck", "memory-exhausted", "too-many-redirects", "white-screen",
    ]

    @Test func `ships one playbook per symptom`() throws {
        #expect(try PlaybookLibrary(folder: Self.folder).names() == Self.expected)
    }

    @Test(arguments: expected)
    func `a shipped playbook passes validation`(name: String) throws {
        let playbook = try PlaybookLibrary(folder: Self.folder).load(name)
        #expect(playbook.name == name)
        #expect(!playbook.title.isEmpty && !playbook.symptom.isEmpty)
        let statuses = playbook.steps.compactMap { step -> PlaybookEndStatus? in
            if case .end(_, let status) = step.kind { return status }
            return nil
        }
        #expect(!statuses.isEmpty)
    }

    @Test func `every playbook that can fix something has a resolved ending`() throws {
        for name in Self.expected where name != "database-connection-error" {
            let playbook = try PlaybookLibrary(folder: Self.folder).load(name)
            #expect(playbook.steps.contains { step in
                if case .end(_, .resolved) = step.kind { return true }
                return false
            }, "\(name)")
        }
    }

    @Test(arguments: expected)
    func `a playbook says what to do when it cannot load the site, before changing anything`(name: String) throws {
        let playbook = try PlaybookLibrary(folder: Self.folder).load(name)
        let firstProbe = try #require(playbook.steps.first { step in
            if case .check(.probe, _, _) = step.kind { return true }
            return false
        })
        #expect(firstProbe.branches.contains { $0.outcome == "failed" }, "\(name): its first probe needs an `on: {failed: …}` branch")
    }

    @Test func `the README documents every check, action and outcome`() throws {
        let readme = try String(contentsOfFile: Self.folder + "/README.md", encoding: .utf8)
        for check in PlaybookCheck.allCases {
            #expect(readme.contains("`\(check.rawValue)`"), "\(check.rawValue)")
            for outcome in check.outcomes { #expect(readme.contains("`\(outcome)`"), "\(check.rawValue): \(outcome)") }
            for value in check.values { #expect(readme.contains("`\(value)`"), "\(check.rawValue) value \(value)") }
            for parameter in check.parameters { #expect(readme.contains("`\(parameter.name)`"), "\(check.rawValue) \(parameter.name)") }
        }
        for action in PlaybookAction.allCases {
            #expect(readme.contains("`\(action.rawValue)`"), "\(action.rawValue)")
            for outcome in action.outcomes { #expect(readme.contains("`\(outcome)`"), "\(action.rawValue): \(outcome)") }
            for value in action.values { #expect(readme.contains("`\(value)`"), "\(action.rawValue) value \(value)") }
            for parameter in action.parameters { #expect(readme.contains("`\(parameter.name)`"), "\(action.rawValue) \(parameter.name)") }
        }
    }
}
