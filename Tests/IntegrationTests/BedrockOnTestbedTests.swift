import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// The test bed's `bedrock` variant (a Bedrock project: web/wp, web/app, config/, .env with
/// WP_ENV=staging, served by nginx from web/; plugins bedrock-fatal and memory-hog active),
/// through both backends: found from the project or web/, settings edited where Bedrock reads
/// them, the site rescued, and everything undone byte for byte.
@Suite
struct BedrockOnTestbedTests {
    let testbed: Testbed
    let project: String
    let state: String

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
        try testbed.inject("bedrock")
        project = testbed["BEDROCK_PATH"]
        state = NSTemporaryDirectory() + "wprescue-bedrock-state-\(UUID().uuidString.prefix(8))"
    }

    func run(_ backend: SiteBackend, _ arguments: [String], at path: String? = nil, input: String? = nil) throws -> CommandRunner.Result {
        try CommandRunner(stateDirectory: state).run(backend.siteArguments(testbed, path: path ?? project) + arguments, input: input)
    }

    /// The site's address on nginx, by the variant's host name.
    var probeArguments: [String] {
        let url = testbed["BEDROCK_URL"]
        let port = url.split(separator: ":").last.map(String.init) ?? ""
        return ["--url", url + "/", "--resolve", "bedrock.test:\(port):127.0.0.1"]
    }

    func text(_ relative: String) throws -> String {
        try String(contentsOfFile: project + "/" + relative, encoding: .utf8)
    }

    @Test(arguments: SiteBackend.allCases)
    func `settings are read from .env and config and edited where Bedrock reads them, and undo restores every byte`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: project)
        let list = try run(backend, ["--format", "json", "config", "list"], at: project + "/web")
        #expect(list.succeeded, "\(list.standardError)")
        #expect(!list.standardOutput.contains(try String(contentsOfFile: testbed["DB_PASSWORD_FILE"], encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)), "DB_PASSWORD is never printed")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [String: Any])
        let constants = try #require(json["constants"] as? [[String: Any]])
        let siteURL = try #require(constants.first { $0["name"] as? String == "WP_SITEURL" })
        #expect(siteURL["value"] as? String == "'\(testbed["BEDROCK_URL"])/wp'", "${WP_HOME} is expanded as phpdotenv does")
        #expect(siteURL["source"] as? String == ".env")
        #expect(try run(backend, ["config", "get", "DB_NAME"]).standardOutput == "'\(testbed["BEDROCK_DB_NAME"])'\n")

        let memory = try run(backend, ["memory", "256M"])
        #expect(memory.succeeded, "\(memory.standardError)")
        #expect(try text("config/environments/staging.php").hasSuffix("Config::define('DISALLOW_INDEXING', true);\nConfig::define('WP_MEMORY_LIMIT', '256M');\n"))
        let debugOn = try run(backend, ["debug", "on"])
        #expect(debugOn.succeeded, "\(debugOn.standardError)")
        #expect(try text("config/application.php").contains("Config::define('WP_DEBUG_LOG', '\(project)/wordpress-debug.log');"),
                "the log goes above web/, never served")
        #expect(try text("config/environments/staging.php").contains("Config::define('WP_DEBUG', true);"))
        let debugOff = try run(backend, ["debug", "off"])
        #expect(debugOff.succeeded, "\(debugOff.standardError)")
        #expect(try text("config/application.php") == String(decoding: try #require(before.entries["config/application.php"]?.contents), as: UTF8.self))

        let home = try run(backend, ["config", "set", "DB_HOST", "localhost"])
        #expect(home.succeeded, "\(home.standardError)")
        #expect(try text(".env").contains("\nDB_HOST='localhost'\n"))
        let refused = try run(backend, ["config", "set", "--raw", "DB_NAME", "getenv('X')"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains(".env"), "\(refused.standardError)")

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: project)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `rescue finds the failing plugins in web/app/plugins, leaves the autoloader alone, and undo puts the project back`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: project)
        let probe = try run(backend, ["probe"] + probeArguments)
        #expect(probe.status == 2, "\(probe.standardOutput)")

        let plugins = try run(backend, ["--format", "json", "plugins", "list"], at: project + "/web")
        #expect(plugins.succeeded, "\(plugins.standardError)")
        #expect(plugins.standardOutput.contains("\(project)/web/app/plugins/bedrock-fatal"))
        #expect(plugins.standardOutput.contains("\(project)/web/app/mu-plugins/bedrock-autoloader.php"))

        let rescue = try run(backend, ["--yes", "rescue"] + probeArguments)
        #expect(rescue.succeeded, "\(rescue.standardOutput)\n\(rescue.standardError)")
        #expect(rescue.standardOutput.contains("After: healthy"), "\(rescue.standardOutput)")
        #expect(FileManager.default.fileExists(atPath: project + "/web/app/wprescue-quarantine/plugins/bedrock-fatal/bedrock-fatal.php"))
        // Behind bedrock-fatal, memory-hog only needed memory: it gets memory and stays.
        #expect(FileManager.default.fileExists(atPath: project + "/web/app/plugins/memory-hog/memory-hog.php"), "\(rescue.standardOutput)")
        #expect(rescue.standardOutput.contains("Raise WP_MEMORY_LIMIT"), "\(rescue.standardOutput)")
        #expect(FileManager.default.fileExists(atPath: project + "/web/app/mu-plugins/bedrock-autoloader.php"))
        #expect(try run(backend, ["probe"] + probeArguments).succeeded)

        // The database is reached with the credentials from .env (over SFTP through the tunnel).
        let db = try run(backend, ["--format", "json", "db", "check"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(db.standardOutput.utf8)) as? [String: Any], "\(db.standardError)")
        #expect(report["connected"] as? Bool == true, "\(db.standardOutput)")

        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: project)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `bisect with the memory raised in the environment file blames only the failing plugin`(backend: SiteBackend) throws {
        let memory = try run(backend, ["memory", "256M"])
        #expect(memory.succeeded, "\(memory.standardError)")
        let bisect = try run(backend, ["--format", "json", "bisect"] + probeArguments)
        #expect(bisect.succeeded, "\(bisect.standardOutput)\n\(bisect.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bisect.standardOutput.utf8)) as? [String: Any])
        #expect(json["culprits"] as? [[String]] == [["bedrock-fatal"]])
        #expect(json["finalVerdict"] as? String == "healthy")
    }

    @Test(arguments: SiteBackend.allCases)
    func `the debug log lands above web/ and log names the plugin; .htaccess is web/'s and diagnose reads the settings`(backend: SiteBackend) throws {
        let before = try TreeSnapshot(of: project)
        let on = try run(backend, ["debug", "on"])
        #expect(on.succeeded, "\(on.standardError)")
        _ = try run(backend, ["probe"] + probeArguments)
        let log = try run(backend, ["--format", "json", "log", "--level", "fatal"])
        #expect(log.succeeded, "\(log.standardError)")
        let entries = try #require((try JSONSerialization.jsonObject(with: Data(log.standardOutput.utf8)) as? [String: Any])?["entries"] as? [[String: Any]])
        let names = entries.compactMap { ($0["attribution"] as? [String: Any])?["name"] as? String }
        #expect(names.contains("bedrock-fatal"), "\(log.standardOutput.prefix(2000))")
        #expect((try #require((try JSONSerialization.jsonObject(with: Data(log.standardOutput.utf8)) as? [String: Any])?["report"] as? [String: Any]))["path"] as? String
            == project + "/wordpress-debug.log")

        // nginx ignores .htaccess; on Apache it would be web/'s, the folder Bedrock serves.
        let htaccess = try run(backend, ["--format", "json", "htaccess", "regenerate", "--dry-run"])
        #expect(htaccess.succeeded, "\(htaccess.standardError)")
        #expect(htaccess.standardOutput.contains("\"\(project)/web/.htaccess\""), "\(htaccess.standardOutput)")

        let diagnose = try run(backend, ["--format", "json", "diagnose"] + probeArguments)
        #expect(diagnose.status == 2, "\(diagnose.standardError)")
        #expect(diagnose.standardOutput.contains("bedrock-fatal"), "\(diagnose.standardOutput.prefix(3000))")

        let off = try run(backend, ["debug", "off"])
        #expect(off.succeeded, "\(off.standardError)")
        let undo = try run(backend, ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        // The log PHP wrote is the site's, not wprescue's change: everything else is as before.
        try? FileManager.default.removeItem(atPath: project + "/wordpress-debug.log")
        let after = try TreeSnapshot(of: project)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }
}
}
