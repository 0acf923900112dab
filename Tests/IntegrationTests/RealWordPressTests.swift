import Foundation
import Testing
import WPRescueTestSupport

/// The commands against a real WordPress served by nginx + PHP-FPM and Apache, on the
/// local file system. Each test starts from a pristine site.
extension TestbedSuites {
@Suite
struct RealWordPressTests: TestbedSuite {
    let bed: TestbedRun
    init() throws { bed = try TestbedRun() }

    func probe(_ url: String? = nil) throws -> (verdict: String, status: Int32) {
        let result = try cli.run(["probe", "--format", "json", "--url", url ?? testbed.nginxURL + "/"])
        return (try #require(try bed.json(result)["verdict"] as? String), result.status)
    }

    @Test func `a pristine site probes healthy on nginx and Apache`() throws {
        #expect(try probe() == ("healthy", 0))
        #expect(try probe(testbed.apacheURL + testbed["APACHE_HEALTHY_PATH"]).verdict == "healthy")
    }

    @Test(arguments: [
        ("plugin-fatal", "plugin-fatal", "critical-error"),
        ("worker-killer", "worker-killer", "bad-gateway"),
        ("white-screen", "white-screen", "white-screen"),
    ], SiteBackend.allCases)
    func `disabling the faulty plugin brings the site back, undo breaks it again`(case: (fault: String, slug: String, verdict: String),
                                                                                  backend: SiteBackend) throws {
        let (fault, slug, verdict) = `case`
        let site = backend.siteArguments(testbed)
        try testbed.inject("many-plugins", "12", fault)
        let broken = try TreeSnapshot(of: testbed.sitePath)
        #expect(try probe() == (verdict, 2))

        let disable = try cli.run(site + ["plugins", "disable", slug])
        #expect(disable.succeeded, "\(disable.standardError)")
        #expect(try probe() == ("healthy", 0))

        #expect(try cli.run(site + ["undo"]).succeeded)
        #expect(try probe().verdict == verdict)
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `disable --all then re-enabling one by one finds the conflicting pair by hand`(backend: SiteBackend) throws {
        let site = backend.siteArguments(testbed)
        try testbed.inject("pair-conflict")
        #expect(try probe().verdict == "critical-error")
        #expect(try cli.run(site + ["plugins", "disable", "--all"]).succeeded)
        #expect(try probe().verdict == "healthy")
        #expect(try cli.run(site + ["plugins", "enable", "pair-alpha"]).succeeded)
        #expect(try probe().verdict == "healthy", "one of the pair alone is fine")
        #expect(try cli.run(site + ["plugins", "enable", "pair-beta"]).succeeded)
        #expect(try probe().verdict == "critical-error", "both together break the site")
        #expect(try cli.run(site + ["undo", "--all", "--yes"]).succeeded)
    }

    @Test func `a fatal drop-in is only moved when drop-ins are asked for`() throws {
        try testbed.inject("dropin-fatal")
        let before = try probe().verdict
        #expect(before != "healthy")
        #expect(try cli.run(["--site", testbed.sitePath, "plugins", "disable", "--all"]).succeeded)
        #expect(try probe().verdict == before, "regular plugins are not the cause")
        #expect(try cli.run(["--site", testbed.sitePath, "plugins", "disable", "--dropins", "object-cache.php"]).succeeded)
        #expect(try probe().verdict == "healthy")
    }

    @Test func `files wprescue creates as root belong to the site's owner`() throws {
        #expect(try cli.run(["--site", testbed.sitePath, "plugins", "disable", "akismet"]).succeeded)
        let quarantine = testbed.sitePath + "/wp-content/wprescue-quarantine"
        let owner = try FileManager.default.attributesOfItem(atPath: quarantine)[.ownerAccountName] as? String
        let siteOwner = try FileManager.default.attributesOfItem(atPath: testbed.sitePath + "/wp-content")[.ownerAccountName] as? String
        #expect(owner == siteOwner)
    }
}
}
