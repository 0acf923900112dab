import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// `core verify`, `core repair`, `plugins verify`, and the integrity findings of diagnose and
/// rescue, on the real test bed with its integrity faults, against a loopback stand-in for
/// WordPress.org that serves checksums and a release archive built from the test bed's own copy.
@Suite
struct IntegrityOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    let mirror: WordPressOrgMirror

    static let faults = ["core-truncated", "core-missing", "core-injected", "uploads-php", "upgrade-stuck", "plugin-modified"]

    init() throws {
        mirror = try WordPressOrgMirror.shared(for: try Testbed.load())
        bed = try TestbedRun(extraEnvironment: mirror.environment)
    }

    func json(_ result: CommandRunner.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try bed.json(result, sourceLocation: sourceLocation)
    }

    func probe(_ backend: SiteBackend) throws -> Int32 {
        try cli.run(backend.siteArguments(testbed) + ["probe", "--url", testbed.nginxURL + "/"]).status
    }

    @Test(arguments: SiteBackend.allCases)
    func `verify finds exactly the damaged core files, the modified plugin, and diagnose the rest`(backend: SiteBackend) throws {
        defer { try? testbed.reset() }
        try testbed.inject(Self.faults)
        let site = backend.siteArguments(testbed)

        let verify = try cli.run(site + ["--format", "json", "core", "verify"])
        #expect(verify.status == 2, "\(verify.standardError)")
        let report = try json(verify)
        #expect((report["release"] as? [String: String]) == ["version": "6.1.9", "locale": "en_US"])
        let result = try #require(report["result"] as? [String: Any])
        let modified = (result["modified"] as? [[String: Any]]) ?? []
        #expect(modified.compactMap { $0["path"] as? String } == ["wp-includes/formatting.php", "wp-includes/template-loader.php"])
        let injected = modified.last?["injected"] as? [[String: Any]]
        #expect(injected?.first?["line"] as? Int == 2)
        #expect(injected?.first?["pattern"] as? String == "eval(base64_decode(")
        #expect((result["missing"] as? [String]) == ["wp-admin/about.php"])
        #expect((result["unexpected"] as? [[String: Any]])?.isEmpty == true)
        #expect((result["filesChecked"] as? Int ?? 0) > 2000)
        #expect((result["bytesRead"] as? Int ?? 0) > 10_000_000)
        if backend == .sftp {
            #expect((result["networkBytes"] as? Int ?? 0) >= (result["bytesRead"] as? Int ?? 0), "SSH received at least the files' bytes")
        } else {
            #expect(result["networkBytes"] == nil)
        }

        let plugins = try cli.run(site + ["--format", "json", "plugins", "verify"])
        #expect(plugins.status == 2, "\(plugins.standardError)")
        let akismet = try #require((try json(plugins)["plugins"] as? [[String: Any]])?.first { $0["slug"] as? String == "akismet" })
        #expect(akismet["status"] as? String == "modified")
        let pluginModified = ((akismet["verification"] as? [String: Any])?["modified"] as? [[String: Any]]) ?? []
        #expect(pluginModified.compactMap { $0["path"] as? String } == ["akismet.php"])

        let diagnose = try cli.run(site + ["--format", "json", "diagnose", "--no-database", "--url", testbed.nginxURL + "/"])
        #expect(diagnose.status == 2)
        let findings = (try json(diagnose)["findings"] as? [[String: Any]]) ?? []
        let ids = Set(findings.compactMap { $0["id"] as? String })
        #expect(ids.isSuperset(of: ["core-damaged", "uploads-php", "upgrade-stuck", "plugin-modified"]), "\(ids)")
        #expect(!ids.contains("core-unexpected"))
        let uploads = findings.first { $0["id"] as? String == "uploads-php" }
        #expect((uploads?["evidence"] as? [String])?.contains("wp-content/uploads/2024/01/cache.php:4: eval(base64_decode(") == true)
        let plugin = findings.first { $0["id"] as? String == "plugin-modified" }
        #expect((plugin?["evidence"] as? [String])?.contains("akismet.php:69: assert($_") == true)
    }

    @Test(arguments: SiteBackend.allCases)
    func `repair brings the site back, and undo --all restores the damaged tree byte for byte`(backend: SiteBackend) throws {
        defer { try? testbed.reset() }
        try testbed.inject(Self.faults)
        let site = backend.siteArguments(testbed)
        let damaged = try TreeSnapshot(of: testbed.sitePath)
        #expect(try probe(backend) == 2)

        let dry = try cli.run(site + ["--dry-run", "core", "repair"])
        #expect(dry.succeeded, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("would write wp-includes/formatting.php"))
        #expect(try TreeSnapshot(of: testbed.sitePath) == damaged, "a dry run changes nothing")

        let repair = try cli.run(site + ["core", "repair"])
        #expect(repair.succeeded, "\(repair.standardError)")
        #expect(repair.standardOutput.contains("Restored 3 core files"))
        #expect(try probe(backend) == 0, "the site is back")
        let again = try cli.run(site + ["core", "verify"])
        #expect(again.succeeded, "\(again.standardOutput)")

        let undo = try cli.run(site + ["undo", "--all"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == damaged, "\(after.differences(from: damaged))")
        #expect(try probe(backend) == 2)
    }

    @Test func `a pristine site verifies clean; checksums are fetched once, then come from the cache; a plugin wordpress.org does not know is said so`() throws {
        let site = SiteBackend.local.siteArguments(testbed)
        let custom = testbed.sitePath + "/wp-content/plugins/in-house"
        defer { try? FileManager.default.removeItem(atPath: custom); try? testbed.reset() }
        let first = try cli.run(site + ["core", "verify"])
        #expect(first.succeeded, "\(first.standardOutput)\(first.standardError)")
        #expect(first.standardOutput.contains("Every core file matches the release."))
        let asked = try mirror.requests().count
        #expect(try cli.run(site + ["core", "verify"]).succeeded)
        #expect(try mirror.requests().count == asked, "the second verify uses the cached checksums")

        try FileManager.default.createDirectory(atPath: custom, withIntermediateDirectories: true)
        try Data("<?php\n/*\nPlugin Name: In-house\nVersion: 1.0\n*/\n".utf8).write(to: URL(fileURLWithPath: custom + "/in-house.php"))
        let plugins = try cli.run(site + ["--format", "json", "plugins", "verify"])
        #expect(plugins.succeeded, "\(plugins.standardError)")
        let results = (try json(plugins)["plugins"] as? [[String: Any]]) ?? []
        #expect(results.first { $0["slug"] as? String == "akismet" }?["status"] as? String == "verified")
        #expect(results.first { $0["slug"] as? String == "in-house" }?["status"] as? String == "not-on-wordpress-org")
    }

    @Test(arguments: SiteBackend.allCases)
    func `a core file replaced by a link out of the site and a huge core file: nothing outside is read or written, and undo puts them back`(backend: SiteBackend) throws {
        defer { try? testbed.reset() }
        let formatting = testbed.sitePath + "/wp-includes/formatting.php", about = testbed.sitePath + "/wp-admin/about.php"
        try FileManager.default.removeItem(atPath: formatting)
        try FileManager.default.createSymbolicLink(atPath: formatting, withDestinationPath: "/etc/passwd")
        let passwd = try Data(contentsOf: URL(fileURLWithPath: "/etc/passwd"))
        let handle = try #require(FileHandle(forWritingAtPath: about))
        try handle.truncate(atOffset: 80 << 20) // more than the journal backs up whole
        try handle.close()
        let site = backend.siteArguments(testbed)
        let damaged = try TreeSnapshot(of: testbed.sitePath)

        let verify = try cli.run(site + ["--format", "json", "core", "verify"])
        let result = try #require(try json(verify)["result"] as? [String: Any])
        let details = Dictionary(uniqueKeysWithValues: ((result["modified"] as? [[String: Any]]) ?? []).compactMap { entry in
            (entry["path"] as? String).map { ($0, entry["detail"] as? String ?? "") } })
        #expect(details["wp-includes/formatting.php"]?.contains("symbolic link") == true)
        #expect(details["wp-admin/about.php"]?.contains("larger than any file") == true)
        #expect((result["bytesRead"] as? Int ?? Int.max) < 70_000_000, "neither the link's target nor the huge file was read")

        let repair = try cli.run(site + ["core", "repair"])
        #expect(repair.succeeded, "\(repair.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "/etc/passwd")) == passwd)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: testbed.sitePath + "/wp-content/wprescue-quarantine/files/wp-includes__formatting.php.quarantined") == "/etc/passwd")
        #expect(try probe(backend) == 0)
        let undo = try cli.run(site + ["undo", "--all"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(try TreeSnapshot(of: testbed.sitePath) == damaged)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "/etc/passwd")) == passwd)
    }

    @Test func `rescue over SFTP restores damaged core before it would bisect`() throws {
        defer { try? testbed.reset() }
        try testbed.inject("core-truncated", "plugin-modified")
        let site = SiteBackend.sftp.siteArguments(testbed)
        let rescue = try cli.run(site + ["--format", "json", "rescue", "--yes", "--url", testbed.nginxURL + "/"])
        #expect(rescue.succeeded, "\(rescue.standardOutput)\(rescue.standardError)")
        let report = try json(rescue)
        #expect(report["after"] as? String == "healthy")
        #expect(report["cause"] as? String == "core-damaged")
        let actions = (report["actions"] as? [[String: Any]]) ?? []
        #expect(actions.count == 1)
        #expect((actions.first?["description"] as? String)?.hasPrefix("Restore 1 damaged WordPress 6.1.9 core file") == true)
    }

    @Test func `rescue quarantines PHP under uploads without deleting it, then finds the broken plugin; undo puts the file back`() throws {
        defer { try? testbed.reset() }
        try testbed.inject("uploads-php", "plugin-fatal")
        let uploaded = testbed.sitePath + "/wp-content/uploads/2024/01/cache.php"
        let contents = try Data(contentsOf: URL(fileURLWithPath: uploaded))
        let site = SiteBackend.local.siteArguments(testbed)
        let rescue = try cli.run(site + ["--format", "json", "rescue", "--yes", "--url", testbed.nginxURL + "/"])
        #expect(rescue.succeeded, "\(rescue.standardOutput)\(rescue.standardError)")
        #expect(try json(rescue)["after"] as? String == "healthy")
        #expect(!FileManager.default.fileExists(atPath: uploaded))
        let quarantined = testbed.sitePath + "/wp-content/wprescue-quarantine/files/wp-content__uploads__2024__01__cache.php.quarantined"
        #expect(try Data(contentsOf: URL(fileURLWithPath: quarantined)) == contents, "moved, not deleted")
        let undo = try cli.run(site + ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: uploaded)) == contents)
    }

    @Test func `the critical-error playbook restores a truncated core file when the log blames core, over SFTP`() throws {
        defer { try? testbed.reset() }
        try testbed.inject("core-truncated")
        let site = SiteBackend.sftp.siteArguments(testbed)
        let result = try cli.run(site + ["--format", "json", "playbook", "run", "critical-error", "--url", testbed.nginxURL + "/",
                                         "--settle", "0", "--confirm-delays", "0.3", "--yes"])
        let run = try json(result)
        #expect(run["status"] as? String == "resolved", "\(result.standardOutput)\(result.standardError)")
        let steps = (run["steps"] as? [[String: Any]]) ?? []
        let core = steps.last { $0["id"] as? String == "core" }
        #expect(core?["outcome"] as? String == "done")
        #expect((core?["values"] as? [String: String])?["restored"] == "wp-includes/formatting.php")
        #expect(steps.last { $0["id"] as? String == "verify-core" }?["outcome"] as? String == "healthy")
        #expect(!steps.contains { $0["id"] as? String == "bisect" })
    }
}
}
