import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
    /// The real error whatever the host does with PHP's log: rescue and diagnose over both
    /// backends on the test bed's log variants (error_log fixed by the pool to a readable file,
    /// to an unreadable one, or empty so errors reach nginx's log only), a plugin that needs
    /// more memory, and one that calls a function PHP 8 removed.
    @Suite struct ErrorCaptureOnTestbedTests {
        /// Where a scenario's site lives and how it is reached.
        enum Setup: String, CaseIterable, Sendable, CustomTestStringConvertible {
            case pool = "main pool"
            case forced = "log-forced"
            case unreadable = "log-unreadable"
            case stderr = "log-stderr"
            var testDescription: String { rawValue }

            /// The variant's fault name (injected last, so it copies the broken site).
            var fault: String? { self == .pool ? nil : rawValue }

            func path(_ testbed: Testbed) -> String { self == .pool ? testbed.sitePath : testbed["LOG_SITES"] + "/" + rawValue }

            /// `--url` (and `--resolve` for a variant's host name).
            func probeArguments(_ testbed: Testbed) -> [String] {
                guard self != .pool else { return ["--url", testbed.nginxURL + "/"] }
                let port = testbed.nginxURL.split(separator: ":").last.map(String.init) ?? ""
                return ["--url", "http://\(rawValue).test:\(port)/", "--resolve", "\(rawValue).test:\(port):127.0.0.1"]
            }
        }

        struct Run {
            var json: [String: Any]
            var result: CommandRunner.Result
            var report: String
            var bed: TestbedRun
            var backend: SiteBackend
        }

        /// `faults` then the setup's variant (which copies the site as the faults left it), and a rescue there.
        func rescue(_ faults: [String], setup: Setup, backend: SiteBackend) throws -> (Run, TreeSnapshot, String) {
            let bed = try TestbedRun(faults: faults + (setup.fault.map { [$0] } ?? []))
            let path = setup.path(bed.testbed)
            let broken = try TreeSnapshot(of: path)
            let report = NSTemporaryDirectory() + "capture-\(UUID().uuidString).md"
            let result = try bed.run(backend, path: path, ["--format", "json", "rescue", "--yes", "--settle", "0", "--report", report]
                                         + setup.probeArguments(bed.testbed))
            let run = Run(json: try bed.json(result), result: result, report: try String(contentsOfFile: report, encoding: .utf8), bed: bed,
                          backend: backend)
            return (run, broken, path)
        }

        func undoRestores(_ run: Run, path: String, broken: TreeSnapshot) throws {
            let undo = try run.bed.run(run.backend, path: path, ["undo", "--all", "--yes"])
            #expect(undo.succeeded, "\(undo.standardError)")
            let after = try TreeSnapshot(of: path)
            #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
        }

        @Test(arguments: Setup.allCases, SiteBackend.allCases)
        func `a plugin that only needs memory gets memory and stays enabled, in every log setup`(setup: Setup, backend: SiteBackend) throws {
            let (run, broken, path) = try rescue(["many-plugins", "5", "memory-exhaustion"], setup: setup, backend: backend)
            #expect(run.json["cause"] as? String == "memory-exhausted", "\(run.json["causeSummary"] ?? "")\n\(run.result.standardError)")
            #expect(run.json["after"] as? String == "healthy")
            #expect(run.result.status == 0)
            #expect((run.json["phpError"] as? String)?.contains("Allowed memory size of 134217728 bytes exhausted") == true, "\(run.json["phpError"] ?? "none")")
            #expect(run.report.contains("Allowed memory size of 134217728 bytes exhausted"))
            #expect(FileManager.default.fileExists(atPath: path + "/wp-content/plugins/memory-hog/memory-hog.php"), "the plugin stays enabled")
            let config = try String(contentsOfFile: path + "/wp-config.php", encoding: .utf8)
            #expect(config.contains("WP_MEMORY_LIMIT"))
            let actions = run.json["actions"] as? [[String: Any]] ?? []
            #expect(!actions.contains { ($0["description"] as? String)?.contains("Disable") == true || ($0["description"] as? String)?.contains("Bisect") == true },
                    "\(actions)")
            // Nothing of the companion is left on the site.
            #expect(!FileManager.default.fileExists(atPath: path + "/wp-content/mu-plugins"))
            try undoRestores(run, path: path, broken: broken)
        }

        @Test(arguments: [Setup.pool, .stderr], SiteBackend.allCases)
        func `a plugin calling a function PHP 8 removed is named incompatible and only it is disabled`(setup: Setup, backend: SiteBackend) throws {
            let (run, broken, path) = try rescue(["many-plugins", "5", "php-removed-function"], setup: setup, backend: backend)
            let summary = run.json["causeSummary"] as? String ?? ""
            #expect(run.json["cause"] as? String == "plugin-fatal", "\(summary)")
            #expect(summary.contains("legacy-widgets is not compatible with PHP 8."), "\(summary)")
            #expect(summary.contains("update it or replace it"))
            #expect(run.json["after"] as? String == "healthy")
            #expect((run.json["phpError"] as? String)?.contains("Call to undefined function create_function()") == true)
            #expect(run.report.contains("Call to undefined function create_function()"))
            let plugins = try FileManager.default.contentsOfDirectory(atPath: path + "/wp-content/plugins")
            #expect(!plugins.contains("legacy-widgets"))
            #expect(plugins.filter { $0.hasPrefix("filler-") }.count == 5, "\(plugins)")
            let quarantined = try FileManager.default.contentsOfDirectory(atPath: path + "/wp-content/wprescue-quarantine/plugins")
            #expect(quarantined == ["legacy-widgets"])
            try undoRestores(run, path: path, broken: broken)
        }

        @Test(arguments: SiteBackend.allCases)
        func `without a writable must-use folder the debug log route still finds the memory fault`(backend: SiteBackend) throws {
            let bed = try TestbedRun("memory-exhaustion")
            let testbed = bed.testbed
            // A file where the must-use folder would be: the companion cannot be written.
            let blocker = testbed.sitePath + "/wp-content/mu-plugins"
            try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: blocker))
            defer { try? FileManager.default.removeItem(atPath: blocker) }
            // The test bed's own logs (beside the site, where panels keep theirs) already hold the error
            // from the fault's check requests: emptied, so only the debug log can tell.
            for log in ["PHP_FPM_LOG", "NGINX_ERROR_LOG", "APACHE_ERROR_LOG"] {
                try Data().write(to: URL(fileURLWithPath: testbed[log]))
            }
            let broken = try TreeSnapshot(of: testbed.sitePath)
            let result = try bed.run(backend, ["rescue", "--yes", "--settle", "0", "--url", testbed.nginxURL + "/"])
            #expect(result.standardOutput.contains("Could not capture the error"), "\(result.standardOutput)")
            #expect(result.standardOutput.contains("Turned on the debug log"))
            #expect(result.standardOutput.contains("Raise WP_MEMORY_LIMIT"))
            #expect(result.status == 0)
            let undo = try bed.run(backend, ["undo", "--all", "--yes"])
            #expect(undo.succeeded, "\(undo.standardError)")
            #expect(try TreeSnapshot(of: testbed.sitePath) == broken)
        }

        @Test(arguments: SiteBackend.allCases)
        func `a worker killed before the request ends: the debug log stays empty, rescue says why, and bisect finds the plugin`(backend: SiteBackend) throws {
            let (run, broken, path) = try rescue(["many-plugins", "5", "worker-killer"], setup: .forced, backend: backend)
            let output = (run.json["timeline"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(output.contains { $0.contains("WordPress's debug log stays empty: PHP writes its errors to \(run.bed.testbed["LOG_FORCED_FILE"])") },
                    "\(output)")
            #expect((run.json["causeSummary"] as? String)?.contains("worker-killer") == true, "\(run.json["causeSummary"] ?? "")")
            #expect(run.json["after"] as? String == "healthy")
            try undoRestores(run, path: path, broken: broken)
        }

        @Test(arguments: SiteBackend.allCases)
        func `diagnose says why the debug log stays empty and reads the host's log when it can`(backend: SiteBackend) throws {
            let bed = try TestbedRun("memory-exhaustion", "log-forced", "log-unreadable")
            let testbed = bed.testbed
            for setup in [Setup.forced, .unreadable] {
                let path = setup.path(testbed)
                #expect(try bed.run(backend, path: path, ["debug", "on"]).succeeded)
                let before = try TreeSnapshot(of: path)
                let result = try bed.run(backend, path: path, ["--format", "json", "diagnose", "--no-database"] + setup.probeArguments(testbed))
                let json = try bed.json(result)
                let findings = json["findings"] as? [[String: Any]] ?? []
                let log = try #require(findings.first { $0["id"] as? String == "php-error-log" }, "\(findings.map { $0["id"] ?? "" })")
                let summary = log["summary"] as? String ?? ""
                #expect(summary.contains("debug log stays empty"), "\(summary)")
                #expect(summary.contains(setup == .forced ? testbed["LOG_FORCED_FILE"] : testbed["LOG_UNREADABLE_FILE"]), "\(summary)")
                // The unreadable log is the SFTP user's problem; locally, as root, wprescue reads it too.
                let readable = setup == .forced || backend == .local
                #expect(summary.contains(readable ? "wprescue reads it" : "this access cannot read"), "\(summary)")
                let logsRead = json["logsRead"] as? [String] ?? []
                let file = setup == .forced ? testbed["LOG_FORCED_FILE"] : testbed["LOG_UNREADABLE_FILE"]
                #expect(logsRead.contains(file) == readable, "\(logsRead)")
                #expect(findings.contains { $0["id"] as? String == "memory-exhausted" })
                #expect(try TreeSnapshot(of: path) == before, "the capture leaves nothing behind")
            }
        }
    }
}
