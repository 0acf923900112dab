import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// The test bed's `network-subdomain` variant: a subdomain multisite network (site 2 at
/// site2.network-sub.test) made by WordPress's own install code, with plugin-fatal
/// network-activated and white-screen activated by site 2 alone. Through both backends:
/// plugins list, probing the sub-site by its host, bisect by both methods, rescue, the
/// network's .htaccess rules, db check, and undo back to the same tree.
@Suite
struct NetworkSubdomainOnTestbedTests {
    let testbed: Testbed
    let network: String
    /// `network-sub.test:<nginx port>`, as wp_blogs holds it.
    let domain: String
    let state: String

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
        try testbed.inject("network-subdomain")
        network = testbed["NETWORK_SUB_PATH"]
        domain = testbed["NETWORK_SUB_DOMAIN"]
        state = NSTemporaryDirectory() + "wprescue-subdomain-state-\(UUID().uuidString.prefix(8))"
    }

    func run(_ backend: SiteBackend, _ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner(stateDirectory: state).run(backend.siteArguments(testbed, path: network) + arguments)
    }

    func json(_ result: CommandRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any], "\(result.standardError)")
    }

    var port: String { domain.split(separator: ":").last.map(String.init) ?? "" }

    /// Each host reaches nginx on loopback, as a wildcard DNS entry would send it there.
    func resolving(_ hosts: [String]) -> [String] {
        hosts.flatMap { ["--resolve", "\($0):\(port):127.0.0.1"] }
    }

    /// The main site and site 2.
    var probeArguments: [String] {
        ["--url", testbed["NETWORK_SUB_URL"] + "/", "--url", testbed["NETWORK_SUB_SITE2_URL"] + "/"]
            + resolving(["network-sub.test", "site2.network-sub.test"])
    }

    func pageVerdicts(_ result: CommandRunner.Result) throws -> [String] {
        try #require(try json(result)["pages"] as? [[String: Any]]).compactMap { $0["verdict"] as? String }
    }

    @Test(arguments: SiteBackend.allCases)
    func `plugins list tells the network-activated culprit from site 2's own, and the sub-site is probed by its host`(backend: SiteBackend) throws {
        let table = try run(backend, ["plugins", "list"])
        #expect(table.succeeded, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("plugin-fatal ") && $0.hasSuffix("network") }, "\(table.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("white-screen ") && $0.hasSuffix("site 2") }, "\(table.standardOutput)")
        #expect(lines.contains("Multisite network; sites: 1 \(domain)/, 2 site2.\(domain)/. \"network\": active on every site."),
                "\(table.standardOutput)")

        #expect(try pageVerdicts(try run(backend, ["--format", "json", "probe"] + probeArguments)) == ["critical-error", "critical-error"])
        let before = try TreeSnapshot(of: network)
        #expect(try run(backend, ["plugins", "disable", "plugin-fatal"]).succeeded)
        let sub = try run(backend, ["--format", "json", "probe", "--url", testbed["NETWORK_SUB_SITE2_URL"] + "/"]
                          + resolving(["site2.network-sub.test"]))
        #expect(try pageVerdicts(sub) == ["white-screen"], "site 2's own plugin still empties its page")
        #expect(try run(backend, ["--format", "json", "probe"] + probeArguments).status == 2)
        #expect(try run(backend, ["undo", "--yes"]).succeeded)
        #expect(try TreeSnapshot(of: network) == before)
    }

    @Test(arguments: SiteBackend.allCases, ["header", "move"])
    func `bisect finds both culprits on a subdomain network, and undo --all puts the tree back`(backend: SiteBackend, method: String) throws {
        let before = try TreeSnapshot(of: network)
        let bisect = try run(backend, ["--format", "json", "bisect", "--method", method] + probeArguments)
        #expect(bisect.succeeded, "\(bisect.standardOutput)\(bisect.standardError)")
        let result = try json(bisect)
        #expect(result["method"] as? String == method)
        #expect(Set(try #require(result["culprits"] as? [[String]])) == [["plugin-fatal"], ["white-screen"]])
        #expect(result["finalVerdict"] as? String == "healthy")
        #expect(try pageVerdicts(try run(backend, ["--format", "json", "probe"] + probeArguments)) == ["healthy", "healthy"])

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: network)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `rescue brings both sites back, db check reads the subdomain network, and undo --all restores the tree`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: network)
        let check = try json(try run(backend, ["--format", "json", "db", "check"]))
        let checks = try #require(check["checks"] as? [[String: Any]])
        let networkCheck = try #require(checks.first { $0["id"] as? String == "network" })
        #expect((networkCheck["summary"] as? String)?.contains("subdomain network") == true, "\(networkCheck)")

        let rescue = try run(backend, ["--format", "json", "rescue", "--yes"] + probeArguments)
        #expect(rescue.status == 0, "\(rescue.standardOutput)\(rescue.standardError)")
        #expect(try json(rescue)["after"] as? String == "healthy")
        let actions = try #require(try json(rescue)["actions"] as? [[String: Any]]).compactMap { $0["description"] as? String }
        #expect(actions.contains { $0.contains("plugin-fatal: network-activated (every site)")
            && $0.contains("white-screen: activated by site 2 (site2.\(domain)/)") }, "\(actions)")
        #expect(!FileManager.default.fileExists(atPath: network + "/wp-content/plugins/plugin-fatal"))
        #expect(!FileManager.default.fileExists(atPath: network + "/wp-content/plugins/white-screen"))
        #expect(FileManager.default.fileExists(atPath: network + "/wp-content/plugins/akismet"))

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: network)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `htaccess regenerate writes the subdomain network's rules`(backend: SiteBackend) throws {
        let result = try run(backend, ["--dry-run", "htaccess", "regenerate"])
        #expect(result.succeeded, "\(result.standardError)")
        #expect(result.standardOutput.contains("+RewriteRule ^(wp-(content|admin|includes).*) $1 [L]"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("+RewriteRule ^wp-admin$ wp-admin/ [R=301,L]"))
        #expect(!result.standardOutput.contains("([_0-9a-zA-Z-]+/)?"), "no subdirectory patterns on a subdomain network")
    }
}
}
