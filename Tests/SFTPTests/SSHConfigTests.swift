import Foundation
import Testing
@testable import WPRescueSFTP

struct SSHConfigTests {
    static let sample = """
    # A user's everyday config
    Host prod production
        HostName 203.0.113.10
        User deploy
        Port 2222
        IdentityFile ~/.ssh/prod_ed25519

    Host *.example.com !legacy.example.com
      user=web
      IdentityFile "%d/.ssh/keys/%h key"

    Host legacy.example.com
        HostName %h.internal
        Port 22022

    Host stag? 
        HostName staging.example.net
        ProxyJump bastion

    Match exec "true"
        User nobody-from-match

    Host *
        User fallback
        Port 2200
        IdentityFile ~/.ssh/id_default
        ServerAliveInterval 30
    """

    @Test(arguments: [
        ("prod", SSHHostSettings(hostName: "203.0.113.10", user: "deploy", port: 2222, identityFiles: ["~/.ssh/prod_ed25519", "~/.ssh/id_default"])),
        ("PRODUCTION", SSHHostSettings(hostName: "203.0.113.10", user: "deploy", port: 2222, identityFiles: ["~/.ssh/prod_ed25519", "~/.ssh/id_default"])),
        ("shop.example.com", SSHHostSettings(hostName: nil, user: "web", port: 2200, identityFiles: ["%d/.ssh/keys/%h key", "~/.ssh/id_default"])),
        ("legacy.example.com", SSHHostSettings(hostName: "%h.internal", user: "fallback", port: 22022, identityFiles: ["~/.ssh/id_default"])),
        ("stag1", SSHHostSettings(hostName: "staging.example.net", user: "fallback", port: 2200, identityFiles: ["~/.ssh/id_default"], proxy: "ProxyJump bastion")),
        ("stage10", SSHHostSettings(hostName: nil, user: "fallback", port: 2200, identityFiles: ["~/.ssh/id_default"])),
    ])
    func `first value wins, patterns and negation as in OpenSSH`(host: String, expected: SSHHostSettings) {
        #expect(SSHConfig(text: Self.sample).settings(forHost: host) == expected)
    }

    @Test func `Include files apply in place and cannot reopen an inactive section`() {
        let files = [
            "hosts.d/*.conf": ["Host prod\n  HostName 10.0.0.7\n  User included"],
            "inside-other": ["User must-not-apply"],
        ]
        let config = SSHConfig(text: """
        Include hosts.d/*.conf
        Host other
            Include inside-other
        Host *
            User late
            HostName late.example
        """) { files[$0] ?? [] }
        #expect(config.settings(forHost: "prod") == SSHHostSettings(hostName: "10.0.0.7", user: "included"))
        #expect(config.settings(forHost: "web") == SSHHostSettings(hostName: "late.example", user: "late"))
        #expect(config.settings(forHost: "other").user == "must-not-apply")
    }

    @Test func `Include loops stop instead of recursing forever`() {
        let config = SSHConfig(text: "Include self\nUser top") { _ in ["Include self\nPort 2022"] }
        #expect(config.settings(forHost: "any") == SSHHostSettings(user: "top", port: 2022))
    }

    @Test func `address beats ssh_config, which beats the defaults`() throws {
        let config = SSHConfig(text: Self.sample)
        let home = "/home/me"
        let fromAlias = try SSHEndpoint.resolve(try SSHAddress.parse("prod:/var/www/html"), config: config, localUserName: "me", homeDirectory: home)
        #expect(fromAlias == SSHEndpoint(alias: "prod", hostName: "203.0.113.10", port: 2222, user: "deploy",
                                         identityFiles: ["/home/me/.ssh/prod_ed25519", "/home/me/.ssh/id_default"]))

        let overridden = try SSHEndpoint.resolve(try SSHAddress.parse("sftp://root@prod:2022/var/www"), config: config, localUserName: "me", homeDirectory: home)
        #expect(overridden.user == "root")
        #expect(overridden.port == 2022)
        #expect(overridden.hostName == "203.0.113.10")

        let tokens = try SSHEndpoint.resolve(try SSHAddress.parse("shop.example.com:/srv"), config: config, localUserName: "me", homeDirectory: home)
        #expect(tokens.identityFiles == ["/home/me/.ssh/keys/shop.example.com key", "/home/me/.ssh/id_default"])

        let legacy = try SSHEndpoint.resolve(try SSHAddress.parse("legacy.example.com:/srv"), config: config, localUserName: "me", homeDirectory: home)
        #expect(legacy.hostName == "legacy.example.com.internal")

        let plain = try SSHEndpoint.resolve(try SSHAddress.parse("203.0.113.99:/srv"), config: nil, localUserName: "me", homeDirectory: home)
        #expect(plain == SSHEndpoint(alias: "203.0.113.99", hostName: "203.0.113.99", port: 22, user: "me"))
    }

    @Test func `refuses a host reached through ProxyJump rather than connect around it`() throws {
        let address = try SSHAddress.parse("stag1:/srv")
        #expect(throws: SSHConnectionError.unsupportedProxy(alias: "stag1", setting: "ProxyJump bastion")) {
            try SSHEndpoint.resolve(address, config: SSHConfig(text: Self.sample), localUserName: "me", homeDirectory: "/home/me")
        }
    }

    @Test(arguments: [
        ("Port 22", "port", ["22"]),
        ("  IdentityFile=\"/a b/key\"  # comment", "identityfile", ["/a b/key"]),
        ("HOST a b\t!c", "host", ["a", "b", "!c"]),
        ("User 'quoted name'", "user", ["quoted name"]),
        ("User back\\ slash", "user", ["back slash"]),
    ])
    func `tokenizes keywords and quoted arguments`(line: String, keyword: String, arguments: [String]) throws {
        let (parsedKeyword, parsedArguments) = try #require(SSHConfig.tokenize(Substring(line)))
        #expect(parsedKeyword == keyword)
        #expect(parsedArguments == arguments)
    }

    @Test(arguments: [
        ("web1.example.com", "*.example.com", true), ("example.com", "*.example.com", false),
        ("db7", "db?", true), ("db10", "db?", false), ("anything", "*", true), ("a", "a*b*c", false), ("axbyc", "a*b*c", true),
    ])
    func `wildcards match like OpenSSH`(host: String, pattern: String, matches: Bool) {
        #expect(SSHConfig.hostMatches(host, patterns: [pattern]) == matches)
    }
}
