import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
    /// `wprescue rescue --yes` on every fault of the test bed, over both backends: the site
    /// ends healthy (or, for the database, correctly explained), the right cause is named,
    /// and `undo --all` restores the starting tree byte-for-byte.
    @Suite struct RescueOnTestbedTests {
        struct Scenario: CustomTestStringConvertible, Sendable {
            var faults: [String]
            /// The finding id rescue must name as the cause.
            var cause: String
            /// Text the cause summary must contain (the culprit's name), if any.
            var culprit: String?
            var healthyAtEnd = true
            var apache = false
            var testDescription: String { faults.joined(separator: "+") }
        }

        static let scenarios = [
            Scenario(faults: ["many-plugins", "20", "worker-killer"], cause: "plugin-fatal", culprit: "worker-killer"),
            Scenario(faults: ["many-plugins", "20", "plugin-fatal"], cause: "plugin-fatal", culprit: "plugin-fatal"),
            Scenario(faults: ["many-plugins", "5", "theme-fatal"], cause: "theme-fatal", culprit: "broken-child"),
            Scenario(faults: ["many-plugins", "12", "pair-conflict"], cause: "plugin-fatal", culprit: "pair-"),
            Scenario(faults: ["many-plugins", "5", "memory-exhaustion"], cause: "memory-exhausted"),
            Scenario(faults: ["htaccess-corrupt"], cause: "htaccess-invalid", apache: true),
            Scenario(faults: ["maintenance-stuck"], cause: "maintenance-stuck"),
            Scenario(faults: ["wrong-db-password"], cause: "database-connection", healthyAtEnd: false),
            Scenario(faults: ["many-plugins", "6", "redirect-loop"], cause: "plugin-fatal", culprit: "redirect-loop"),
        ]

        @Test(arguments: scenarios, SiteBackend.allCases)
        func `rescue brings the site back and names the cause`(scenario: Scenario, backend: SiteBackend) throws {
            let testbed = try Testbed.load()
            try testbed.reset()
            try testbed.inject(scenario.faults)
            let broken = try TreeSnapshot(of: testbed.sitePath)
            let cli = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-rescue-\(UUID().uuidString)")
            let url = scenario.apache ? testbed.apacheURL + testbed["APACHE_HEALTHY_PATH"] : testbed.nginxURL + "/"
            let site = backend.siteArguments(testbed)
            let report = NSTemporaryDirectory() + "rescue-\(UUID().uuidString).md"

            let result = try cli.run(site + ["--format", "json", "rescue", "--yes", "--url", url, "--settle", "0", "--report", report])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                    "stdout: \(result.standardOutput)\nstderr: \(result.standardError)")
            #expect(json["cause"] as? String == scenario.cause, "\(json["causeSummary"] ?? "no cause")")
            if let culprit = scenario.culprit {
                #expect((json["causeSummary"] as? String)?.contains(culprit) == true, "\(json["causeSummary"] ?? "")")
            }
            #expect((json["after"] as? String == "healthy") == scenario.healthyAtEnd, "after: \(json["after"] ?? "")")
            #expect(result.status == (scenario.healthyAtEnd ? 0 : 2))
            let probe = try cli.run(["probe", "--url", url])
            #expect(probe.succeeded == scenario.healthyAtEnd, "\(probe.standardOutput)")
            #expect(FileManager.default.fileExists(atPath: report))
            if !scenario.healthyAtEnd {
                #expect(try TreeSnapshot(of: testbed.sitePath) == broken, "the database is explained, never changed")
                #expect(!(result.standardOutput + result.standardError).contains("wrong-password-set-by-testbed"))
            }

            // The report's undo line works when pasted: the same site and connection options as the run.
            let markdown = try String(contentsOfFile: report, encoding: .utf8)
            let undoLine = try #require(markdown.components(separatedBy: "\n").first { $0.hasPrefix("`wprescue ") && $0.contains(" undo --all`") })
            let pasted = String(undoLine.dropFirst().prefix { $0 != "`" })
            #expect(pasted.hasPrefix("wprescue " + site.joined(separator: " ") + " undo --all"), "\(pasted)")
            let undo = try cli.runShell(pasted + " --yes")
            #expect(undo.succeeded || undo.standardError.contains("Nothing to undo"), "\(undo.standardError)")
            let after = try TreeSnapshot(of: testbed.sitePath)
            #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
        }
    }
}
