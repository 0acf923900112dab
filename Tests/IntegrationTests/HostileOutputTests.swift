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

/// A probe speaks HTTP only, whatever the site's settings or its redirects say.
struct ProbeSchemeTests {
    @Test(arguments: ["file:///etc/passwd", "gopher://127.0.0.1:25/_HELO", "dict://127.0.0.1:11211/stat"])
    func `a home address that is not http or https is refused, not fetched`(home: String) throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_HOME', '\(home)' );"))
        let probe = try CommandRunner(stateDirectory: fixture.scratch).run(["--site", fixture.root, "probe"])
        #expect(probe.status != 0 && probe.status != 2, "refused as a mistake, not probed: \(probe.status)")
        #expect(probe.standardError.contains("is not an http:// or https:// address"), "\(probe.standardError)")
        #expect(probe.standardError.split(separator: "\n").count == 1)
        #expect(!probe.standardOutput.contains("root:x:0:0"))
    }

    @Test func `a redirect to file:// is not followed`() throws {
        let (listener, port) = try LoopbackPort.bind(listening: true)
        let server = Thread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(client, &buffer, buffer.count)
            let answer = "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = answer.withCString { write(client, $0, strlen($0)) }
            close(client)
        }
        server.start()
        defer { close(listener) }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)").path
        let probe = try CommandRunner(stateDirectory: state).run(["probe", "--url", "http://127.0.0.1:\(port)/", "--format", "json"])
        #expect(probe.status == 2, "\(probe.standardOutput)\(probe.standardError)")
        #expect(!probe.standardOutput.contains("root:x:0:0"))
        #expect(probe.standardOutput.contains("\"evidence\" : \"Unsupported protocol\""), "\(probe.standardOutput)")
        #expect(probe.standardOutput.contains("\"bytes\" : 0"))
    }
}
