import Foundation
import Testing
import WPRescueTestSupport

/// `wprescue log` as a user runs it, on a local site.
struct LogCommandTests {
    static let debugLog = """
        [21-Nov-2026 10:00:01 UTC] PHP Notice:  Undefined index: page in /SITE/wp-content/themes/twentytwentythree/functions.php on line 3
        [21-Nov-2026 10:00:02 UTC] PHP Fatal error:  Uncaught Error: Call to undefined function shop_missing() in /SITE/wp-includes/class-wp-hook.php:308
        Stack trace:
        #0 /SITE/wp-includes/plugin.php(517): WP_Hook->apply_filters()
        #1 /SITE/wp-content/plugins/shop/shop.php(12): do_action()
        #2 {main}
          thrown in /SITE/wp-includes/class-wp-hook.php on line 308
        [21-Nov-2026 10:00:03 UTC] PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in /SITE/wp-content/plugins/akismet/akismet.php on line 40

        """

    @Test func `summary attributes a core fatal to the plugin frame below it`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/debug.log", Self.debugLog.replacingOccurrences(of: "/SITE", with: fixture.root))
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let result = try cli.run(["--site", fixture.root, "--format", "json", "log", "--summary"])
        #expect(result.succeeded, "\(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let groups = try #require(json["groups"] as? [[String: Any]])
        let sources = groups.compactMap { ($0["attribution"] as? [String: Any]).map { "\($0["source"] ?? "")/\($0["name"] ?? "")" } }
        #expect(sources.contains("plugin/shop"), "\(sources)")
        #expect(sources.contains("plugin/akismet"))
        let kinds = groups.compactMap { ($0["kind"] as? [String: Any])?["type"] as? String }
        #expect(kinds.contains("memory-exhausted"))

        let fatal = try cli.run(["--site", fixture.root, "log", "--level", "fatal"])
        #expect(fatal.standardOutput.components(separatedBy: "\n").filter { $0.contains("fatal") }.count == 2)
        #expect(!fatal.standardOutput.contains("Undefined index"))
    }

    @Test func `--tail 0 streams every entry in the same JSON shape as a bounded listing`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/debug.log", Self.debugLog.replacingOccurrences(of: "/SITE", with: fixture.root))
        let cli = CommandRunner(stateDirectory: fixture.scratch)
        func listing(_ tail: String) throws -> [String: Any] {
            let result = try cli.run(["--site", fixture.root, "--format", "json", "log", "--tail", tail])
            #expect(result.succeeded, "\(result.standardError)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                "not JSON: \(result.standardOutput)")
        }
        let streamed = try listing("0"), bounded = try listing("50")
        let messages = { (json: [String: Any]) in (json["entries"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? [] }
        #expect(messages(streamed).count == 3)
        #expect(messages(streamed) == messages(bounded))
        #expect((streamed["report"] as? [String: Any])?["reachedStartOfFile"] as? Bool == true)

        let text = try cli.run(["--site", fixture.root, "log", "--tail", "0"])
        #expect(text.standardOutput.contains("plugin shop") && text.standardOutput.contains("Read all of"), "\(text.standardOutput)")
    }

    @Test func `a missing log says where it looked and how to turn logging on`() throws {
        let fixture = try FixtureSite()
        let result = try CommandRunner(stateDirectory: fixture.scratch).run(["--site", fixture.root, "log"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("wp-content/debug.log"))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
