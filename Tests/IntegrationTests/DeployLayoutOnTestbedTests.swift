import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// The test bed's `deploy-layout` variant (Deployer/Capistrano: current → releases/1, with
/// wp-config.php, plugins and uploads linked from shared/), through both backends: the linked
/// files are found and read, edits land in shared/, the links stay links, and undo restores
/// the whole deploy byte for byte.
@Suite
struct DeployLayoutOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    let deploy: String
    let current: String

    init() throws {
        bed = try TestbedRun("deploy-layout")
        current = bed.testbed["DEPLOY_PATH"]
        deploy = (current as NSString).deletingLastPathComponent
    }

    func run(_ backend: SiteBackend, _ arguments: [String], input: String? = nil) throws -> CommandRunner.Result {
        try bed.run(backend, path: current, arguments, input: input)
    }

    func link(_ relative: String) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: deploy + "/" + relative)
    }

    @Test(arguments: SiteBackend.allCases)
    func `plugins in a linked shared folder are listed and switched there, and undo restores every link`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: deploy)
        let list = try run(backend, ["--format", "json", "plugins", "list"])
        #expect(list.succeeded, "\(list.standardError)")
        let json = try bed.json(list)
        let plugins = try #require(json["plugins"] as? [[String: Any]])
        let akismet = try #require(plugins.first { $0["slug"] as? String == "akismet" })
        #expect(akismet["path"] as? String == deploy + "/shared/plugins/akismet")

        let disabled = try run(backend, ["plugins", "disable", "akismet"])
        #expect(disabled.succeeded, "\(disabled.standardError)")
        #expect(FileManager.default.fileExists(atPath: deploy + "/shared/wprescue-quarantine/plugins/akismet/akismet.php"))
        #expect(try link("releases/1/wp-content/plugins") == "../../../shared/plugins")

        let memory = try run(backend, ["memory", "256M"])
        #expect(memory.succeeded, "\(memory.standardError)")
        let shared = try String(contentsOfFile: deploy + "/shared/wp-config.php", encoding: .utf8)
        #expect(shared.contains("define( 'WP_MEMORY_LIMIT', '256M' );"))
        #expect(try link("releases/1/wp-config.php") == "../../shared/wp-config.php", "the link stays a link")
        #expect(try run(backend, ["config", "get", "WP_MEMORY_LIMIT"]).standardOutput == "'256M'\n")
        let debug = try run(backend, ["config", "set", "WP_DEBUG", "true"])
        #expect(debug.succeeded, "\(debug.standardError)")

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: deploy)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    /// A deploy the way Deployer makes one: a copy of the live release as releases/2 (links
    /// kept, owner kept), then `current` switched to it.
    func deployNewRelease() throws {
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = ["-a", deploy + "/releases/1", deploy + "/releases/2"]
        try copy.run()
        copy.waitUntilExit()
        try #require(copy.terminationStatus == 0)
        try FileManager.default.removeItem(atPath: current)
        try FileManager.default.createSymbolicLink(atPath: current, withDestinationPath: "releases/2")
    }

    @Test(arguments: SiteBackend.allCases)
    func `after a new deploy, undo sees only the live release and points at the earlier release's changes`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: deploy + "/shared")
        let memory = try run(backend, ["memory", "256M"])
        #expect(memory.succeeded, "\(memory.standardError)")
        try deployNewRelease()

        let history = try run(backend, ["--format", "json", "history"])
        #expect(history.succeeded, "\(history.standardError)")
        let json = try bed.json(history)
        #expect((json["operations"] as? [Any])?.isEmpty == true, "release 2 has no changes of its own")
        let others = try #require(json["otherReleases"] as? [[String: Any]])
        #expect(others.count == 1)
        #expect(others.first?["release"] as? String == "1")
        #expect(others.first?["stillApplied"] as? Int == 1)
        let earlierSite = try #require(others.first?["siteAddress"] as? String)
        #expect(earlierSite.hasSuffix(deploy + "/releases/1"))
        #expect(try run(backend, ["history"]).standardOutput.contains("Release 1 of this deploy has its own journal"))

        let undo = try run(backend, ["undo"])
        #expect(undo.status == 1)
        #expect(undo.standardError.contains("Nothing to undo in release 2"), "\(undo.standardError)")
        #expect(undo.standardError.contains("--site \(earlierSite) "), "the command names the earlier release: \(undo.standardError)")
        #expect(try String(contentsOfFile: deploy + "/shared/wp-config.php", encoding: .utf8).contains("'256M'"), "nothing undone yet")

        let earlier = try bed.run(backend, path: deploy + "/releases/1", ["undo"])
        #expect(earlier.succeeded, "\(earlier.standardError)")
        let after = try TreeSnapshot(of: deploy + "/shared")
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `a wp-config.php linked outside the site and its shared folder is read but not written`(backend: SiteBackend) throws {
        let outside = NSTemporaryDirectory() + "wprescue-outside-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let target = outside + "/wp-config.php"
        try FileManager.default.copyItem(atPath: deploy + "/shared/wp-config.php", toPath: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target)
        let config = deploy + "/releases/1/wp-config.php"
        try FileManager.default.removeItem(atPath: config)
        try FileManager.default.createSymbolicLink(atPath: config, withDestinationPath: target)
        let before = try Data(contentsOf: URL(fileURLWithPath: target))

        let read = try run(backend, ["config", "get", "DB_NAME"])
        #expect(read.succeeded, "\(read.standardError)")
        #expect(read.standardOutput == "'wordpress'\n")
        let refused = try run(backend, ["config", "set", "WP_DEBUG", "true"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("will not write"), "\(refused.standardError)")
        #expect(refused.standardError.split(separator: "\n").count == 1, "one sentence")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before)
        #expect(try link("releases/1/wp-config.php") == target)
    }
}
}

extension TestbedSuites {
/// The test bed's `config-above` variant: wp-config.php one folder above ABSPATH, which
/// WordPress itself loads from there. Found, edited there and restored by undo, both backends.
@Suite
struct ConfigAboveOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    let site: String
    let above: String

    init() throws {
        bed = try TestbedRun("config-above")
        site = bed.testbed["ABOVE_PATH"]
        above = (site as NSString).deletingLastPathComponent
    }

    func run(_ backend: SiteBackend, _ arguments: [String]) throws -> CommandRunner.Result {
        try bed.run(backend, path: site, arguments)
    }

    @Test func `WordPress itself loads the wp-config.php above its folder`() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = ["-u", testbed["SSH_USER"], "--", "php", "-r",
                             "define('WP_USE_THEMES', false); require '\(site)/wp-load.php'; exit(is_blog_installed() ? 0 : 1);"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: site + "/wp-config.php"))
    }

    @Test(arguments: SiteBackend.allCases)
    func `config, memory and undo work on the wp-config.php above the web root`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: above)
        let list = try run(backend, ["--format", "json", "config", "list"])
        #expect(list.succeeded, "\(list.standardError)")
        let json = try bed.json(list)
        #expect(json["file"] as? String == above + "/wp-config.php")

        let memory = try run(backend, ["memory", "256M"])
        #expect(memory.succeeded, "\(memory.standardError)")
        #expect(try String(contentsOfFile: above + "/wp-config.php", encoding: .utf8).contains("define( 'WP_MEMORY_LIMIT', '256M' );"))
        #expect(try run(backend, ["debug", "on"]).succeeded)
        #expect(!FileManager.default.fileExists(atPath: site + "/wp-config.php"), "nothing is created in ABSPATH")

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: above)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }
}
}
