import Foundation
import Testing
@testable import WPRescueKit

/// WP-CLI's aliases, read from fixture files written as WP-CLI's documentation writes them.
struct WPCLIAliasesTests {
    private func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: "yml", subdirectory: "Fixtures/Aliases")).path
    }

    /// The project's wp-cli.yml, then the user's ~/.wp-cli/config.yml.
    private func wpCLIFiles() throws -> [AliasFile] {
        [AliasFile(try fixture("wp-cli"), format: .wpCLI), AliasFile(try fixture("config"), format: .wpCLI)]
    }

    @Test(arguments: [
        ("prod", "sftp://deploy@example.com:2222/var/www/html"),
        ("staging", "sftp://example.org/srv/www/staging"),
        ("home", "sftp://web@shared.example.net/~/public_html"),
        ("login", "sftp://web@shared.example.net/~/wordpress"),
        ("personal", "sftp://me@blog.example:22/srv/blog"),
    ])
    func `an ssh alias becomes an sftp address with user, port and WordPress folder`(name: String, site: String) throws {
        let alias = try SiteAliases.resolve("@" + name, searchPaths: try wpCLIFiles())
        #expect(alias.site == site)
    }

    @Test func `url is kept for probes and the file is named as the source`() throws {
        let alias = try SiteAliases.resolve("@prod", searchPaths: try wpCLIFiles())
        #expect(alias.url == "https://example.com")
        #expect(alias.source == (try fixture("wp-cli")))
    }

    @Test func `a path-only alias is a local folder relative to the file`() throws {
        let file = try fixture("wp-cli")
        let alias = try SiteAliases.resolve("@local", searchPaths: try wpCLIFiles())
        #expect(alias.site == SitePath.normalize(SitePath.join(SitePath.parent(SitePath.parent(file)), "site")))
    }

    @Test(arguments: [("dev", "docker:"), ("compose", "docker-compose:"), ("box", "vagrant"), ("api", "http:")])
    func `aliases wprescue cannot reach are refused with one sentence naming the kind`(name: String, kind: String) throws {
        do {
            _ = try SiteAliases.resolve("@" + name, searchPaths: try wpCLIFiles())
            Issue.record("@\(name) was accepted")
        } catch let error as SiteAliasError {
            guard case .unsupported = error else { Issue.record("wrong error: \(error)"); return }
            let sentence = try #require(error.errorDescription)
            #expect(sentence.contains("@\(name)") && sentence.contains(kind) && sentence.contains("wp-cli.yml"), "\(sentence)")
            #expect(sentence.hasSuffix(".") && sentence.dropLast().split(separator: ". ").count == 1, "more than one sentence: \(sentence)")
        }
    }

    @Test func `an unusable alias does not spoil the others in the same file`() throws {
        #expect(try SiteAliases.resolve("@staging", searchPaths: try wpCLIFiles()).site == "sftp://example.org/srv/www/staging")
    }

    @Test func `groups expand, nested ones too, each site once in written order`() throws {
        #expect(try SiteAliases.members(of: "@all", searchPaths: try wpCLIFiles()) == ["prod", "staging"])
        #expect(try SiteAliases.members(of: "@everything", searchPaths: try wpCLIFiles()) == ["prod", "staging", "local"])
        #expect(try SiteAliases.members(of: "@prod", searchPaths: try wpCLIFiles()) == nil)
    }

    @Test func `a group given where one site is needed is refused, naming its sites`() throws {
        #expect(throws: SiteAliasError.groupNotAllowed(name: "all", members: ["prod", "staging"])) {
            try SiteAliases.resolve("@all", searchPaths: try wpCLIFiles())
        }
    }

    @Test func `a group that contains itself is refused instead of looping`() throws {
        do {
            _ = try SiteAliases.members(of: "@loop-a", searchPaths: try wpCLIFiles())
            Issue.record("a looping group expanded")
        } catch let error as SiteAliasError {
            guard case .groupCycle = error else { Issue.record("wrong error: \(error)"); return }
        }
    }

    @Test func `the project's file wins over the user's, which still supplies its own aliases`() throws {
        #expect(try SiteAliases.resolve("@prod", searchPaths: try wpCLIFiles()).site.hasPrefix("sftp://deploy@example.com"))
        #expect(try SiteAliases.resolve("@personal", searchPaths: try wpCLIFiles()).source == (try fixture("config")))
    }

    @Test func `wprescue's own file comes before WP-CLI's and may hold groups too`() throws {
        let files = [AliasFile(try fixture("wprescue"), format: .wprescue)] + (try wpCLIFiles())
        #expect(try SiteAliases.resolve("@staging", searchPaths: files).site == "/srv/from-wprescue-yml")
        #expect(try SiteAliases.members(of: "@pair", searchPaths: files) == ["staging", "personal"])
    }

    @Test func `only the current folder and the user's files are searched, never a parent folder`() {
        let files = SiteAliases.searchPaths(currentDirectory: "/srv/project/web", environment: ["HOME": "/home/ann"])
        #expect(files.map(\.path) == ["/srv/project/web/wprescue.yml", "/srv/project/web/wp-cli.local.yml", "/srv/project/web/wp-cli.yml",
                                      "/home/ann/.config/wprescue/sites.yml", "/home/ann/.wp-cli/config.yml"])
        #expect(files.map(\.format) == [.wprescue, .wpCLI, .wpCLI, .wprescue, .wpCLI])
        let moved = SiteAliases.searchPaths(currentDirectory: "/p", environment: ["HOME": "/h", "WP_CLI_CONFIG_PATH": "/etc/wp/config.yml"])
        #expect(moved.last?.path == "/etc/wp/config.yml")
        let relative = SiteAliases.searchPaths(currentDirectory: "/p", environment: ["HOME": "/h", "WP_CLI_CONFIG_PATH": "config.yml"])
        #expect(relative.last?.path == "/h/.wp-cli/config.yml")
    }

    @Test(arguments: [
        ("example.com", WPCLIAliases.ParsedSSH.target(.init(user: nil, host: "example.com", port: nil, path: ""))),
        ("u@h:2222", .target(.init(user: "u", host: "h", port: 2222, path: ""))),
        ("u@h/var/www", .target(.init(user: "u", host: "h", port: nil, path: "/var/www"))),
        ("ssh:u@h:22~/www", .target(.init(user: "u", host: "h", port: 22, path: "~/www"))),
        ("docker:u@container", .unreachable("docker:")),
        ("docker-compose-run:wp", .unreachable("docker-compose-run:")),
        ("vagrant", .unreachable("vagrant")),
        ("u@h:99999/x", .invalid),
        ("u@", .invalid),
    ])
    func `ssh values split the way WP-CLI splits them`(value: String, expected: WPCLIAliases.ParsedSSH) {
        #expect(WPCLIAliases.parseSSH(value) == expected)
    }

    @Test func `unquoted at-names in keys and lists are quoted, addresses are left alone`() {
        let text = "@prod:\n  ssh: deploy@example.com\n@all: [@prod, @staging]\n@x:\n  - @prod\n\"@y\": []\n"
        #expect(WPCLIAliases.quoteAliasNames(text) == "\"@prod\":\n  ssh: deploy@example.com\n\"@all\": [\"@prod\", \"@staging\"]\n\"@x\":\n  - \"@prod\"\n\"@y\": []\n")
    }

    @Test func `an alias with neither ssh nor path names itself and the file`() {
        do {
            _ = try WPCLIAliases.parse(Data("@odd:\n  user: admin\n".utf8), source: "/p/wp-cli.yml")
            Issue.record("accepted an alias without ssh or path")
        } catch {
            #expect(error.localizedDescription.contains("/p/wp-cli.yml") && error.localizedDescription.contains("@odd"))
        }
    }
}
