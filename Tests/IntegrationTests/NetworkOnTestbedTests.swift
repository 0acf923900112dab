import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// The test bed's `network-subdirectory` variant: a subdirectory multisite network made by
/// WordPress's own install_network()/populate_network(), with Akismet network-activated and
/// shop-extras active on /shop/ only. Through both backends: plugins list tells them apart,
/// db check and diagnose read wp_blogs, wp_sitemeta and each site's options.
@Suite
struct NetworkOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    let network: String
    /// `network.test:<nginx port>`, as wp_blogs holds it.
    let domain: String

    init() throws {
        bed = try TestbedRun("network-subdirectory")
        network = bed.testbed["NETWORK_PATH"]
        domain = bed.testbed["NETWORK_DOMAIN"]
    }

    func run(_ backend: SiteBackend, _ arguments: [String]) throws -> CommandRunner.Result {
        try bed.run(backend, path: network, arguments)
    }

    func json(_ result: CommandRunner.Result) throws -> [String: Any] { try bed.json(result) }

    /// Changes the network's database as root, the way a broken migration would.
    func sql(_ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mariadb")
        process.arguments = ["--defaults-file=/dev/null", "--socket=\(testbed["DB_SOCKET"])", "-uroot", testbed["NETWORK_DB_NAME"], "-e", statement]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(statement)")
    }

    @Test(arguments: SiteBackend.allCases)
    func `plugins list shows network activation and the site that activated a plugin itself`(backend: SiteBackend) throws {
        let table = try run(backend, ["plugins", "list"])
        #expect(table.succeeded, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("akismet ") && $0.hasSuffix("network") }, "\(table.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("shop-extras ") && $0.hasSuffix("site 2") }, "\(table.standardOutput)")
        #expect(lines.contains("Multisite network; sites: 1 \(domain)/, 2 \(domain)/shop/. \"network\": active on every site."),
                "\(table.standardOutput)")

        let plugins = try #require(try json(try run(backend, ["--format", "json", "plugins", "list"]))["plugins"] as? [[String: Any]])
        let akismet = try #require(plugins.first { $0["slug"] as? String == "akismet" })
        #expect(akismet["active"] as? Bool == true && akismet["networkActive"] as? Bool == true)
        #expect(akismet["activeOnSites"] as? [Int] == [])
        let shop = try #require(plugins.first { $0["slug"] as? String == "shop-extras" })
        #expect(shop["networkActive"] as? Bool == false && shop["activeOnSites"] as? [Int] == [2])
    }

    @Test(arguments: SiteBackend.allCases)
    func `db check and diagnose read the network's tables and each site's home`(backend: SiteBackend) throws {
        let healthy = try run(backend, ["--format", "json", "db", "check"])
        #expect(healthy.status == 0, "\(healthy.standardOutput)\(healthy.standardError)")
        let checks = try #require(try json(healthy)["checks"] as? [[String: Any]])
        let network = try #require(checks.first { $0["id"] as? String == "network" })
        #expect(network["status"] as? String == "ok")
        #expect((network["evidence"] as? [String])?.contains("1 network-activated: akismet/akismet.php") == true)
        #expect(checks.first { $0["id"] as? String == "network-sites" }?["status"] as? String == "ok")

        try sql("UPDATE wp_2_options SET option_value = 'http://\(domain)/store' WHERE option_name = 'home'")
        let broken = try run(backend, ["db", "check"])
        #expect(broken.status == 2)
        #expect(broken.standardOutput.contains("Site 2 (\(domain)/shop/): home is http://\(domain)/store"), "\(broken.standardOutput)")

        let diagnose = try json(try run(backend, ["--format", "json", "diagnose"] + probeArguments))
        let findings = try #require(diagnose["findings"] as? [[String: Any]])
        #expect(findings.contains { ($0["summary"] as? String)?.contains("Site 2 (\(domain)/shop/)") == true })
        #expect((diagnose["pages"] as? [[String: Any]])?.count == 2, "the main site and a sub-site are both probed")
    }

    /// The main site and the sub-site, reached on nginx by the network's host name.
    var probeArguments: [String] {
        let port = testbed["NETWORK_DOMAIN"].split(separator: ":").last.map(String.init) ?? ""
        return ["--url", testbed["NETWORK_URL"] + "/", "--url", testbed["NETWORK_URL"] + "/shop/", "--resolve", "network.test:\(port):127.0.0.1"]
    }

    func pageVerdicts(_ result: CommandRunner.Result) throws -> [String] {
        try #require(try json(result)["pages"] as? [[String: Any]]).compactMap { $0["verdict"] as? String }
    }

    @Test(arguments: SiteBackend.allCases)
    func `a plugin fatal active on the sub-site only breaks that site, and disabling it mends it`(backend: SiteBackend) throws {
        let healthy = try run(backend, ["--format", "json", "probe"] + probeArguments)
        #expect(healthy.status == 0, "\(healthy.standardOutput)")
        #expect(try pageVerdicts(healthy) == ["healthy", "healthy"])

        // The per-site culprit: plugin-fatal, activated in /shop/'s own active_plugins.
        let plugin = network + "/wp-content/plugins/plugin-fatal"
        try FileManager.default.createDirectory(atPath: plugin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Testbed.packageRoot + "/scripts/testbed.d/faults/plugin-fatal/plugin-fatal.php",
                                         toPath: plugin + "/plugin-fatal.php")
        try command("/bin/chown", ["-R", "\(testbed["SSH_USER"]):\(testbed["SSH_USER"])", plugin])
        let files = ["shop-extras/shop-extras.php", "plugin-fatal/plugin-fatal.php"]
        let serialized = "a:\(files.count):{" + files.enumerated().map { "i:\($0.offset);s:\($0.element.utf8.count):\"\($0.element)\";" }.joined() + "}"
        try sql("UPDATE wp_2_options SET option_value = '\(serialized)' WHERE option_name = 'active_plugins'")

        let broken = try run(backend, ["--format", "json", "probe"] + probeArguments)
        #expect(broken.status == 2)
        #expect(try pageVerdicts(broken).first == "healthy", "the main site does not load the sub-site's plugin")
        #expect(try pageVerdicts(broken).last != "healthy")
        let list = try run(backend, ["plugins", "list"])
        #expect(list.standardOutput.split(separator: "\n").contains { $0.hasPrefix("plugin-fatal ") && $0.hasSuffix("site 2") },
                "\(list.standardOutput)")

        let before = try TreeSnapshot(of: network)
        #expect(try run(backend, ["plugins", "disable", "plugin-fatal"]).succeeded)
        #expect(try run(backend, ["probe"] + probeArguments).status == 0)
        let undo = try run(backend, ["undo", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(try TreeSnapshot(of: network) == before)
    }

    @Test(arguments: SiteBackend.allCases)
    func `rescue finds a network-activated culprit that breaks every site, and undo --all puts the tree back`(backend: SiteBackend) throws {
        let plugin = network + "/wp-content/plugins/plugin-fatal"
        try FileManager.default.createDirectory(atPath: plugin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Testbed.packageRoot + "/scripts/testbed.d/faults/plugin-fatal/plugin-fatal.php",
                                         toPath: plugin + "/plugin-fatal.php")
        try command("/bin/chown", ["-R", "\(testbed["SSH_USER"]):\(testbed["SSH_USER"])", plugin])
        let sitewide = ["akismet/akismet.php", "plugin-fatal/plugin-fatal.php"]
        let serialized = "a:\(sitewide.count):{" + sitewide.map { "s:\($0.utf8.count):\"\($0)\";i:1700000000;" }.joined() + "}"
        try sql("UPDATE wp_sitemeta SET meta_value = '\(serialized)' WHERE meta_key = 'active_sitewide_plugins'")
        let broken = try run(backend, ["--format", "json", "probe"] + probeArguments)
        #expect(try pageVerdicts(broken).allSatisfy { $0 != "healthy" }, "a network-activated fatal breaks every site")
        let list = try run(backend, ["plugins", "list"])
        #expect(list.standardOutput.split(separator: "\n").contains { $0.hasPrefix("plugin-fatal ") && $0.hasSuffix("network") })

        let before = try TreeSnapshot(of: network)
        let rescue = try run(backend, ["--format", "json", "rescue", "--yes"] + probeArguments)
        #expect(rescue.status == 0, "\(rescue.standardOutput)\(rescue.standardError)")
        #expect(try json(rescue)["after"] as? String == "healthy")
        #expect(!FileManager.default.fileExists(atPath: plugin), "plugin-fatal was moved to the quarantine")
        #expect(try run(backend, ["probe"] + probeArguments).status == 0)

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: network)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    func command(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(executable) \(arguments)")
    }

    @Test(arguments: SiteBackend.allCases)
    func `htaccess regenerate writes the subdirectory network's rules`(backend: SiteBackend) throws {
        let result = try run(backend, ["--dry-run", "htaccess", "regenerate"])
        #expect(result.succeeded, "\(result.standardError)")
        #expect(result.standardOutput.contains("+RewriteRule ^([_0-9a-zA-Z-]+/)?(wp-(content|admin|includes).*) $2 [L]"))
    }
}
}
