import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// `--site @name` with WP-CLI's aliases from a project's wp-cli.yml, over SFTP to the test
/// bed's real sshd; groups run on every site for probe, and are refused elsewhere.
@Suite
struct WPCLIAliasOnTestbedTests {
    let testbed: Testbed
    let project: String
    let state: String

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
        project = NSTemporaryDirectory() + "wprescue-wpcli-project-\(UUID().uuidString.prefix(8))"
        state = NSTemporaryDirectory() + "wprescue-wpcli-state-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let server = "\(testbed["SSH_USER"])@\(testbed["SSH_HOST"]):\(testbed["SSH_PORT"])"
        // Written as WP-CLI's documentation writes it: unquoted @ names.
        let yaml = """
            path: web/wp
            @tb:
              ssh: \(server)\(testbed.sitePath)
              url: \(testbed.nginxURL)/
            @tb-apache:
              ssh: \(server)
              path: \(testbed.sitePath)
              url: \(testbed.apacheURL)/
            @gone:
              ssh: \(testbed["SSH_USER"])@127.0.0.1:1/var/www
            @both: [@tb, @tb-apache]
            @with-gone:
              - @tb
              - @gone
            @box:
              ssh: vagrant
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: project + "/wp-cli.yml"))
    }

    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs wprescue from the project folder, where wp-cli.yml is, with the test bed's key.
    func run(_ arguments: [String]) throws -> Run {
        var environment = CommandRunner(stateDirectory: state).environment
        environment.removeValue(forKey: "WP_CLI_CONFIG_PATH")
        environment["HOME"] = project  // no ~/.wp-cli/config.yml or ~/.config/wprescue of the machine's
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.executable)
        process.arguments = arguments + ["--identity", testbed["SSH_KEY"], "--known-hosts", testbed["SSH_KNOWN_HOSTS"]]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: project)
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                     standardError: String(decoding: errorData, as: UTF8.self))
    }

    func json(_ result: Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any], "\(result.standardOutput)")
    }

    @Test func `a WP-CLI ssh alias reaches the test bed's site over SFTP`() throws {
        let result = try run(["--site", "@tb", "plugins", "list", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let plugins = try #require(try json(result)["plugins"] as? [[String: Any]])
        #expect(!plugins.isEmpty)
        // The alias's own path: line, relative to nothing: the same site.
        let apache = try run(["--site", "@tb-apache", "plugins", "list", "--format", "json"])
        #expect(apache.status == 0, "\(apache.standardError)")
        #expect(try json(apache)["plugins"] as? [[String: Any]] != nil)
    }

    @Test func `probe on a group checks every site and exits 0 only when all are healthy`() throws {
        let result = try run(["--site", "@both", "probe", "--format", "json"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let document = try json(result)
        #expect(document["group"] as? String == "both")
        let sites = try #require(document["sites"] as? [[String: Any]])
        #expect(sites.compactMap { $0["alias"] as? String } == ["tb", "tb-apache"])
        for site in sites {
            #expect(site["exitStatus"] as? Int == 0)
            #expect((site["result"] as? [String: Any])?["verdict"] as? String == "healthy", "\(site)")
        }
    }

    @Test func `a group with a site that cannot be reached exits 1 and says so for that site only`() throws {
        let result = try run(["--site", "@with-gone", "probe", "--format", "json"])
        #expect(result.status == 1)
        let sites = try #require(try json(result)["sites"] as? [[String: Any]])
        #expect(sites.map { $0["exitStatus"] as? Int } == [0, 1])
        #expect(sites.last?["result"] is NSNull)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
    }

    @Test func `a broken site in a group makes the group exit 2`() throws {
        try testbed.inject("plugin-fatal")
        defer { try? testbed.reset() }
        let result = try run(["--site", "@both", "probe"])
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("@tb:") && result.standardOutput.contains("@tb-apache:"))
    }

    @Test func `a group given to a command that changes things is refused in one sentence`() throws {
        let result = try run(["--site", "@both", "plugins", "disable", "--all", "--yes"])
        #expect(result.status == 1)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("only probe and diagnose") == true, "\(result.standardError)")
    }

    @Test func `a vagrant alias is refused in one sentence`() throws {
        let result = try run(["--site", "@box", "probe"])
        #expect(result.status == 1)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("vagrant") == true, "\(result.standardError)")
    }
}
}
