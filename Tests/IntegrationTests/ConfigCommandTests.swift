import Foundation
import Testing
import WPRescueTestSupport

/// `config`, `debug` and `memory` as a user runs them, on a local site.
struct ConfigCommandTests {
    let fixture: FixtureSite
    let cli: CommandRunner

    init() throws {
        fixture = try FixtureSite()
        cli = CommandRunner(stateDirectory: fixture.scratch)
    }

    func run(_ arguments: String..., input: String? = nil) throws -> CommandRunner.Result {
        try cli.run(["--site", fixture.root] + arguments, input: input)
    }

    @Test func `list masks secrets unless asked`() throws {
        let masked = try run("config", "list")
        #expect(masked.succeeded)
        #expect(masked.standardOutput.contains("DB_NAME"))
        #expect(!masked.standardOutput.contains("fixture-secret-Zq8"))
        #expect(!masked.standardOutput.contains("fixture-auth-key"))
        #expect(try run("config", "list", "--show-secrets").standardOutput.contains("fixture-secret-Zq8"))
        #expect(try run("config", "get", "DB_PASSWORD").standardOutput == "********\n")
    }

    @Test func `set writes typed values and only the value changes`() throws {
        let before = try fixture.read("wp-config.php")
        #expect(try run("config", "set", "WP_DEBUG", "true").succeeded)
        let after = try fixture.read("wp-config.php")
        #expect(after == before.replacingOccurrences(of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', true );"))
        #expect(try run("config", "set", "WP_POST_REVISIONS", "5").succeeded)
        let added = try fixture.read("wp-config.php")
        let newLine = try #require(added.range(of: "define( 'WP_POST_REVISIONS', 5 );"))
        let stop = try #require(added.range(of: "/* That's all, stop editing!"))
        #expect(newLine.lowerBound < stop.lowerBound, "new constants go before the stop-editing comment")
        #expect(try run("config", "get", "WP_POST_REVISIONS").standardOutput == "5\n")
    }

    @Test func `a secret on the command line is refused and nothing changes`() throws {
        let before = try fixture.read("wp-config.php")
        let refused = try run("config", "set", "DB_PASSWORD", "hunter2")
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("must not be given on the command line"))
        #expect(try fixture.read("wp-config.php") == before)
    }

    @Test func `a secret read from standard input never shows up in output or the journal`() throws {
        let result = try run("config", "set", "DB_PASSWORD", input: "n3w-S3cret-value\n")
        #expect(result.succeeded, "\(result.standardError)")
        #expect(try fixture.read("wp-config.php").contains("define( 'DB_PASSWORD', 'n3w-S3cret-value' );"))
        #expect(!(result.standardOutput + result.standardError).contains("n3w-S3cret-value"))
        #expect(!(result.standardOutput + result.standardError).contains("fixture-secret-Zq8"))
        let journals = try FileManager.default.subpathsOfDirectory(atPath: fixture.scratch).filter { $0.hasSuffix("journal.jsonl") }
        #expect(journals.count == 1)
        for journal in journals {
            let text = try String(contentsOfFile: fixture.scratch + "/" + journal, encoding: .utf8)
            #expect(!text.contains("n3w-S3cret-value") && !text.contains("fixture-secret-Zq8"))
        }
        let history = try run("history", "--verbose")
        #expect(!history.standardOutput.contains("n3w-S3cret-value"))
    }

    @Test func `debug off restores exactly what debug on replaced`() throws {
        let before = try fixture.read("wp-config.php")
        let on = try run("debug", "on")
        #expect(on.succeeded, "\(on.standardError)")
        let enabled = try fixture.read("wp-config.php")
        #expect(enabled.contains("define( 'WP_DEBUG', true );"))
        #expect(enabled.contains("define( 'WP_DEBUG_LOG', true );"))
        #expect(enabled.contains("define( 'WP_DEBUG_DISPLAY', false );"))
        #expect(try run("debug", "on").succeeded, "a second debug on is harmless")
        #expect(try run("debug", "off").succeeded)
        #expect(try fixture.read("wp-config.php") == before)
    }

    @Test func `debug on prefers a log outside the web root when the folder above belongs to the site`() throws {
        let result = try run("debug", "on", "--log-path", fixture.scratch + "/logs/debug.log")
        #expect(result.succeeded)
        #expect(try fixture.read("wp-config.php").contains("define( 'WP_DEBUG_LOG', '\(fixture.scratch)/logs/debug.log' );"))
    }

    @Test func `memory raises both limits when the admin limit is lower`() throws {
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_MAX_MEMORY_LIMIT', '128M' );"))
        #expect(try run("memory", "512M").succeeded)
        let config = try fixture.read("wp-config.php")
        #expect(config.contains("define( 'WP_MEMORY_LIMIT', '512M' );"))
        #expect(config.contains("define( 'WP_MAX_MEMORY_LIMIT', '512M' );"))
    }

    @Test(arguments: [
        ("", "empty"),
        ("\u{0}\u{1}\u{2}binary", "NUL byte"),
        ("<html><body>502 Bad Gateway</body></html>", "no `<?php` tag"),
        ("<?php\ndefine( 'DB_NAME', 'wordpress );\n", "never closed"),
    ])
    func `a wp-config.php that is not PHP is refused with one line naming the file`(contents: String, reason: String) throws {
        try fixture.write("wp-config.php", contents)
        let before = try TreeSnapshot(of: fixture.root)
        let result = try run("config", "set", "WP_DEBUG", "true")
        #expect(result.status == 1)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.contains("wp-config.php"))
        #expect(result.standardError.contains(reason), "\(result.standardError)")
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `dry-run shows the change and writes nothing`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        let result = try run("--dry-run", "config", "set", "WP_DEBUG", "true")
        #expect(result.standardOutput.contains("would set WP_DEBUG: false → true"))
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `string false for a boolean constant is written as the boolean`() throws {
        #expect(try run("config", "set", "WP_DEBUG", "false").succeeded)
        #expect(try fixture.read("wp-config.php").contains("define( 'WP_DEBUG', false );"))
        let invalid = try run("config", "set", "WP_MEMORY_LIMIT", "lots")
        #expect(invalid.status == 1)
        #expect(invalid.standardError.contains("WP_MEMORY_LIMIT"))
    }
}
