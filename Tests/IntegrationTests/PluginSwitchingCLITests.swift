import Foundation
import Testing
import WPRescueTestSupport

/// The plugin and theme commands as a user runs them, on a local site.
struct PluginSwitchingCLITests {
    func decode(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func `disable --all then enable one by one, then undo --all restores the tree`() throws {
        let fixture = try FixtureSite(plugins: 3)
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let pristine = try TreeSnapshot(of: fixture.root)

        let disabled = try cli.run(["--site", fixture.root, "plugins", "disable", "--all"])
        #expect(disabled.succeeded, "\(disabled.standardError)")
        #expect(disabled.standardOutput.contains("Disabled 5 plugins"))
        #expect(disabled.standardOutput.contains("wp-admin's Plugins screen"), "warns about active_plugins")
        #expect(!fixture.exists("wp-content/plugins/akismet"))
        #expect(fixture.exists("wp-content/wprescue-quarantine/plugins/akismet/akismet.php"))
        #expect(fixture.exists("wp-content/wprescue-quarantine/plugins/hello.php"))
        #expect(fixture.exists("wp-content/plugins/not-a-plugin"), "folders without a plugin header are left alone")

        #expect(try cli.run(["--site", fixture.root, "plugins", "enable", "akismet"]).succeeded)
        #expect(fixture.exists("wp-content/plugins/akismet/akismet.php"))
        #expect(try cli.run(["plugins", "enable", "hello", "--site", fixture.root]).succeeded, "options after the subcommand work too")

        let history = try cli.run(["--site", fixture.root, "history"])
        #expect(history.standardOutput.components(separatedBy: "\n").filter { $0.contains("applied") }.count == 3)

        let undo = try cli.run(["--site", fixture.root, "undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let restored = try TreeSnapshot(of: fixture.root)
        #expect(restored == pristine, "differs at \(restored.differences(from: pristine))")
    }

    @Test func `dry-run prints the moves and changes nothing`() throws {
        let fixture = try FixtureSite()
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let before = try TreeSnapshot(of: fixture.root)
        let result = try cli.run(["--site", fixture.root, "--dry-run", "plugins", "disable", "--all", "--except", "hello"])
        #expect(result.succeeded)
        #expect(result.standardOutput.contains("would move wp-content/plugins/akismet → wp-content/wprescue-quarantine/plugins/akismet"))
        #expect(!result.standardOutput.contains("hello.php"))
        #expect(try TreeSnapshot(of: fixture.root) == before)
        #expect(try cli.run(["--site", fixture.root, "history"]).standardOutput.contains("No changes recorded"))
    }

    @Test func `JSON output has the documented fields`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/mu-plugins/loader.php", "<?php\n/* Plugin Name: Loader */\n")
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let list = try decode(try cli.run(["--site", fixture.root, "--format", "json", "plugins", "list"]).standardOutput)
        let plugins = try #require(list["plugins"] as? [[String: Any]])
        #expect(plugins.compactMap { $0["slug"] as? String } == ["akismet", "hello", "loader"])
        #expect(plugins.first?["kind"] as? String == "plugin")
        #expect(plugins.last?["kind"] as? String == "must-use")
        let fields = Set(try #require(plugins.first).keys)
        #expect(fields.isSuperset(of: ["slug", "name", "version", "kind", "state", "path", "modified"]))

        let disable = try decode(try cli.run(["--site", fixture.root, "--format", "json", "plugins", "disable", "--mu", "loader"]).standardOutput)
        #expect(disable["changed"] as? [String] == ["loader"])
        #expect(disable["dryRun"] as? Bool == false)
        #expect((disable["operation"] as? String)?.isEmpty == false)
        #expect(fixture.exists("wp-content/wprescue-quarantine/mu-plugins/loader.php"))

        let history = try decode(try cli.run(["--site", fixture.root, "--format", "json", "history"]).standardOutput)
        let operations = try #require(history["operations"] as? [[String: Any]])
        #expect(operations.first?["status"] as? String == "applied")
        #expect(operations.first?["id"] as? String == disable["operation"] as? String)
    }

    @Test func `must-use plugins and drop-ins are only touched when asked`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/mu-plugins/loader.php", "<?php\n")
        try fixture.write("wp-content/object-cache.php", "<?php\n")
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        #expect(try cli.run(["--site", fixture.root, "plugins", "disable", "--all"]).succeeded)
        #expect(fixture.exists("wp-content/mu-plugins/loader.php") && fixture.exists("wp-content/object-cache.php"))
        #expect(try cli.run(["--site", fixture.root, "plugins", "disable", "--dropins", "object-cache.php"]).succeeded)
        #expect(!fixture.exists("wp-content/object-cache.php"))
        #expect(fixture.exists("wp-content/wprescue-quarantine/dropins/object-cache.php"))
        #expect(try cli.run(["--site", fixture.root, "plugins", "enable", "--all", "--dropins", "--mu"]).succeeded)
        #expect(fixture.exists("wp-content/object-cache.php") && fixture.exists("wp-content/plugins/akismet"))
    }

    @Test func `themes disable warns when no default theme would remain`() throws {
        let fixture = try FixtureSite()
        try fixture.addTheme("shop", name: "Shop", version: "2")
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let shop = try cli.run(["--site", fixture.root, "themes", "disable", "shop"])
        #expect(shop.succeeded)
        #expect(!shop.standardOutput.contains("WARNING"))
        let last = try cli.run(["--site", fixture.root, "themes", "disable", "twentytwentythree"])
        #expect(last.standardOutput.contains("WARNING: no bundled Twenty* theme remains"))
        #expect(fixture.exists("wp-content/wprescue-quarantine/themes/twentytwentythree/style.css"))
        #expect(try cli.run(["--site", fixture.root, "themes", "enable", "--all"]).succeeded)
        #expect(fixture.exists("wp-content/themes/shop/style.css"))
    }

    @Test(arguments: [
        (["plugins", "list"], "No site given"),
        (["--site", "/nonexistent/wprescue", "plugins", "list"], "No WordPress site at /nonexistent/wprescue"),
        (["--site", "@nope", "plugins", "list"], "No site alias @nope"),
    ])
    func `bad input gets one clear line and a non-zero exit`(arguments: [String], message: String) throws {
        let fixture = try FixtureSite()
        let result = try CommandRunner(stateDirectory: fixture.scratch).run(arguments)
        #expect(!result.succeeded)
        #expect(result.standardError.hasPrefix("wprescue: "))
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }

    @Test func `an unknown plugin changes nothing`() throws {
        let fixture = try FixtureSite()
        let before = try TreeSnapshot(of: fixture.root)
        let result = try CommandRunner(stateDirectory: fixture.scratch).run(["--site", fixture.root, "plugins", "disable", "akismet", "jetpack"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("No plugin named 'jetpack'"))
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `WPRESCUE_SITE and aliases stand for --site`() throws {
        let fixture = try FixtureSite()
        let viaEnvironment = CommandRunner(stateDirectory: fixture.scratch, extraEnvironment: ["WPRESCUE_SITE": fixture.root])
        #expect(try viaEnvironment.run(["plugins", "list"]).standardOutput.contains("akismet"))

        let config = fixture.scratch + "/config"
        try FileManager.default.createDirectory(atPath: config + "/wprescue", withIntermediateDirectories: true)
        try Data("\"@local\":\n  site: \(fixture.root)\n".utf8).write(to: URL(fileURLWithPath: config + "/wprescue/sites.yml"))
        let viaAlias = CommandRunner(stateDirectory: fixture.scratch, extraEnvironment: ["XDG_CONFIG_HOME": config])
        let result = try viaAlias.run(["--site", "@local", "plugins", "list"])
        #expect(result.standardOutput.contains("akismet"), "\(result.standardError)")
    }

    @Test func `undo --all without a terminal asks for --yes and changes nothing`() throws {
        let fixture = try FixtureSite()
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        #expect(try cli.run(["--site", fixture.root, "plugins", "disable", "akismet"]).succeeded)
        #expect(try cli.run(["--site", fixture.root, "plugins", "disable", "hello"]).succeeded)
        let refused = try cli.run(["--site", fixture.root, "undo", "--all"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("--yes"))
        #expect(!fixture.exists("wp-content/plugins/akismet"))
    }
}
