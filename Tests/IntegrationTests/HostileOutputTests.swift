import Foundation
import Testing
import WPRescueTestSupport

/// What a hacked site writes in its own logs and headers is shown inert on the operator's terminal.
struct HostileOutputTests {
    @Test func `terminal escapes in a debug.log and a plugin header are shown inert`() throws {
        let fixture = try FixtureSite()
        let escape = "\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}\u{1B}[2J\u{1B}[H"
        try fixture.write("wp-content/debug.log", "[03-Dec-2026 10:00:00 UTC] PHP Fatal error:  Uncaught Error: \(escape)owned in /var/www/html/wp-content/plugins/akismet/akismet.php:12\n")
        try fixture.write("wp-content/plugins/evil.php", "<?php\n/*\nPlugin Name: Evil\(escape)\nVersion: 1.0\n*/\n")
        let cli = CommandRunner(stateDirectory: fixture.scratch)

        let log = try cli.run(["--site", fixture.root, "log"])
        #expect(log.succeeded, "\(log.standardError)")
        #expect(log.standardOutput.contains("^[]52;c;ZWNobyBwd25lZA==^G^[[2J^[[Howned"), "\(log.standardOutput)")
        let plugins = try cli.run(["--site", fixture.root, "plugins", "list"])
        #expect(plugins.succeeded, "\(plugins.standardError)")
        #expect(plugins.standardOutput.contains("Evil^[]52"), "\(plugins.standardOutput)")
        for output in [log.standardOutput, log.standardError, plugins.standardOutput, plugins.standardError] {
            #expect(!output.contains("\u{1B}") && !output.contains("\u{07}"))
        }
    }
}
