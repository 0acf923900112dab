import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// The test bed's `deploy-layout` variant (Deployer/Capistrano: current → releases/1, with
/// wp-config.php, plugins and uploads linked from shared/), through both backends: the linked
/// files are found and read, edits land in shared/, the links stay links, and undo restores
/// the whole deploy byte for byte.
@Suite
struct DeployLayoutOnTestbedTests {
    let testbed: Testbed
    let deploy: String
    let current: String
    let state: String

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
        try testbed.inject("deploy-layout")
        current = testbed["DEPLOY_PATH"]
        deploy = (current as NSString).deletingLastPathComponent
        state = NSTemporaryDirectory() + "wprescue-deploy-state-\(UUID().uuidString.prefix(8))"
    }

    func run(_ backend: SiteBackend, _ arguments: [String], input: String? = nil) throws -> CommandRunner.Result {
        try CommandRunner(stateDirectory: state).run(backend.siteArguments(testbed, path: current) + arguments, input: input)
    }

    func run(_ backend: SiteBackend, _ arguments: [String], at path: String) throws -> CommandRunner.Result {
        try CommandRunner(stateDirectory: state).run(backend.siteArguments(testbed, path: path) + arguments)
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
    func `after a new deploy undo sees only the new release's journal, and history says where the earlier change is`(backend: SiteBackend) throws {
        let memory = try run(backend, ["memory", "256M"])
        #expect(memory.succeeded, "\(memory.standardError)")
        let changed = try Data(contentsOf: URL(fileURLWithPath: deploy + "/shared/wp-config.php"))
        // The next deploy: a new release folder, and `current` switched to it.
        try command("/bin/cp", ["-a", deploy + "/releases/1", deploy + "/releases/2"])
        try FileManager.default.removeItem(atPath: current)
        try FileManager.default.createSymbolicLink(atPath: current, withDestinationPath: "releases/2")
        try command("/bin/chown", ["-h", "\(testbed["SSH_USER"]):\(testbed["SSH_USER"])", current])

        let history = try run(backend, ["history"])
        #expect(history.succeeded, "\(history.standardError)")
        #expect(history.standardOutput.contains("This is release 2 of the deploy"), "\(history.standardOutput)")
        #expect(history.standardOutput.contains("release 1 (1 change): wprescue --site \(deploy)/releases/1 undo"), "\(history.standardOutput)")
        let undo = try run(backend, ["undo", "--yes"])
        #expect(undo.status == 1)
        #expect(undo.standardError.contains("Nothing to undo in this release."), "\(undo.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: deploy + "/shared/wp-config.php")) == changed, "nothing was reverted")

        let earlier = try run(backend, ["undo", "--yes"], at: deploy + "/releases/1")
        #expect(earlier.succeeded, "\(earlier.standardError)")
        let shared = try String(contentsOfFile: deploy + "/shared/wp-config.php", encoding: .utf8)
        #expect(!shared.contains("WP_MEMORY_LIMIT"))
        #expect(!(try run(backend, ["history"]).standardOutput.contains("Earlier changes")))
    }

    func link(_ relative: String) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: deploy + "/" + relative)
    }

    @Test(arguments: SiteBackend.allCases)
    func `plugins in a linked shared folder are listed and switched there, and undo restores every link`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: deploy)
        let list = try run(backend, ["--format", "json", "plugins", "list"])
        #expect(list.succeeded, "\(list.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [String: Any])
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
struct ConfigAboveOnTestbedTests {
    let testbed: Testbed
    let site: String
    let above: String
    let state: String

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
        try testbed.inject("config-above")
        site = testbed["ABOVE_PATH"]
        above = (site as NSString).deletingLastPathComponent
        state = NSTemporaryDirectory() + "wprescue-above-state-\(UUID().uuidString.prefix(8))"
    }

    func run(_ backend: SiteBackend, _ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner(stateDirectory: state).run(backend.siteArguments(testbed, path: site) + arguments)
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
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [String: Any])
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
