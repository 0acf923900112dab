import ArgumentParser
import Testing
@testable import WPRescueCLI

/// Argument handling of the commands whose remedies moved into the Kit, parsed in-process:
/// a mistake on the command line is refused before anything opens the site.
struct ArgumentTests {
    @Test(arguments: [
        ["bogus"], ["--multisite", "bogus"],
    ])
    func `htaccess regenerate refuses what is not an option or a multisite kind`(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try HtaccessCommand.Regenerate.parse(arguments) }
    }

    @Test func `htaccess regenerate takes the home URL, the multisite kind and --clean`() throws {
        let command = try HtaccessCommand.Regenerate.parse(["--url", "https://example.org/blog", "--multisite", "subdomain", "--clean"])
        #expect(command.url == "https://example.org/blog")
        #expect(command.multisite == "subdomain")
        #expect(command.clean)
    }

    @Test(arguments: ["lots", "12X", "1.5G", ""])
    func `memory refuses what PHP would not read as a size`(_ limit: String) {
        #expect(throws: (any Error).self) { try MemoryCommand.parse([limit]) }
    }

    @Test(arguments: ["256M", "1G", "-1"])
    func `memory takes PHP's sizes`(_ limit: String) throws {
        #expect(try MemoryCommand.parse(["--", limit]).limit == limit)
    }

    @Test(arguments: [
        [String](), ["akismet", "--all"], ["akismet", "--except", "hello"],
    ])
    func `plugins disable needs slugs or --all, and --except only with --all`(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try PluginsCommand.Disable.parse(arguments) }
    }

    @Test func `plugins disable --all --except parses the exceptions and the kinds`() throws {
        let command = try PluginsCommand.Disable.parse(["--all", "--except", "akismet", "hello", "--mu"])
        #expect(command.selection.all)
        #expect(command.selection.except == ["akismet", "hello"])
        #expect(command.kinds.kinds == [.plugin, .mustUse])
    }

    @Test(arguments: [[String](), ["twentytwentythree", "--all"]])
    func `themes disable needs slugs or --all, not both`(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try ThemesCommand.Disable.parse(arguments) }
    }

    @Test func `debug on takes a log path; maintenance off takes nothing more`() throws {
        #expect(try DebugCommand.On.parse(["--log-path", "/srv/logs/php.log"]).logPath == "/srv/logs/php.log")
        #expect(throws: (any Error).self) { try MaintenanceCommand.Off.parse(["now"]) }
    }
}

/// Commands wprescue prints for pasting read back unchanged in a POSIX shell.
struct PasteableCommandTests {
    @Test(arguments: [
        ("sftp://deploy@example.com:2222/var/www/html", "sftp://deploy@example.com:2222/var/www/html"),
        ("/srv/my site", "'/srv/my site'"),
        ("it's", "'it'\\''s'"),
        ("$(rm -rf ~)", "'$(rm -rf ~)'"),
        ("", "''"),
    ])
    func `words are quoted only when the shell would change them`(word: String, quoted: String) {
        #expect(CommandContext.shellQuoted(word) == quoted)
    }
}
