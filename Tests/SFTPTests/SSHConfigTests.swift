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
        ("stag1", SSHHostSettings(hostName: "staging.example.net", user: "fallback", port: 2200, identityFiles: ["~/.ssh/id_default"], proxy: .jump(["bastion"]))),
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

    @Test func `ProxyJump hosts are resolved through ssh_config themselves, first hop first`() throws {
        let config = SSHConfig(text: """
        Host site
            HostName 10.0.0.5
            ProxyJump gate,ops@inner:2200
        Host gate
            HostName gate.example.com
            User jumper
            IdentityFile ~/.ssh/gate_key
            ProxyJump outer
        Host inner
            HostName 10.0.0.2
            ProxyJump ignored-because-the-list-overrides-it
        Host outer
            HostName 198.51.100.1
        """)
        let endpoint = try SSHEndpoint.resolve(try SSHAddress.parse("site:/srv/www"), config: config, localUserName: "me", homeDirectory: "/home/me")
        #expect(endpoint.hostName == "10.0.0.5")
        #expect(endpoint.jumpHosts == [
            SSHEndpoint(alias: "outer", hostName: "198.51.100.1", port: 22, user: "me"),
            SSHEndpoint(alias: "gate", hostName: "gate.example.com", port: 22, user: "jumper", identityFiles: ["/home/me/.ssh/gate_key"]),
            SSHEndpoint(alias: "inner", hostName: "10.0.0.2", port: 2200, user: "ops"),
        ])
        // The session reaches the last hop through the ones before it.
        #expect(endpoint.lastJump?.alias == "inner")
        #expect(endpoint.lastJump?.jumpHosts.map(\.alias) == ["outer", "gate"])
    }

    @Test func `a catch-all ProxyJump does not make the jump host jump through itself, and none wins when first`() throws {
        let config = SSHConfig(text: """
        Host direct
            ProxyJump none
        Host *
            ProxyJump bastion
        """)
        let site = try SSHEndpoint.resolve(try SSHAddress.parse("shop:/srv"), config: config, localUserName: "me", homeDirectory: "/home/me")
        #expect(site.jumpHosts == [SSHEndpoint(alias: "bastion", hostName: "bastion", port: 22, user: "me")])
        let direct = try SSHEndpoint.resolve(try SSHAddress.parse("direct:/srv"), config: config, localUserName: "me", homeDirectory: "/home/me")
        #expect(direct.jumpHosts.isEmpty)
    }

    @Test func `ProxyCommand gets its tokens, and names a shell would interpret are refused`() throws {
        let config = SSHConfig(text: """
        Host p*
            HostName %h.internal
            User deploy
            ProxyCommand ssh -W %h:%p -l %r gate
        """)
        let piped = try SSHEndpoint.resolve(try SSHAddress.parse("piped:/srv"), config: config, localUserName: "me", homeDirectory: "/home/me")
        #expect(piped.proxyCommand == "ssh -W piped.internal:22 -l deploy gate")
        #expect(piped.jumpHosts.isEmpty)
        let address = try SSHAddress.parse("p$(touch${IFS}x):/srv")
        #expect(throws: SSHConnectionError.unsafeProxyCommandToken(alias: "p$(touch${IFS}x)", value: "p$(touch${IFS}x).internal")) {
            try SSHEndpoint.resolve(address, config: config, localUserName: "me", homeDirectory: "/home/me")
        }
    }

    @Test func `a jump loop and a malformed jump host are refused with a sentence`() throws {
        let config = SSHConfig(text: """
        Host a
            ProxyJump b
        Host b
            ProxyJump a
        Host broken
            ProxyJump gate/path
        """)
        func resolve(_ host: String) throws { _ = try SSHEndpoint.resolve(try SSHAddress.parse("\(host):/srv"), config: config, localUserName: "me", homeDirectory: "/home/me") }
        #expect(throws: SSHConnectionError.jumpHostLoop(chain: ["a", "b", "a"])) { try resolve("a") }
        #expect(throws: SSHConnectionError.invalidJumpHost(alias: "broken", value: "gate/path")) { try resolve("broken") }
    }

    @Test(arguments: [
        ("gate", SSHAddress(user: nil, host: "gate", port: nil, path: ".")),
        ("ops@gate:2200", SSHAddress(user: "ops", host: "gate", port: 2200, path: ".")),
        ("ssh://ops@[2001:db8::1]:22", SSHAddress(user: "ops", host: "2001:db8::1", port: 22, path: ".")),
    ])
    func `jump hosts are written like ssh -J takes them`(text: String, expected: SSHAddress) {
        #expect(SSHAddress.jumpHost(text) == expected)
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
