import Foundation
import Testing
@testable import WPRescueSFTP

struct SSHAddressTests {
    @Test(arguments: [
        ("sftp://wpsite@example.com/var/www/html", SSHAddress(user: "wpsite", host: "example.com", port: nil, path: "/var/www/html")),
        ("sftp://wpsite@example.com:2222/var/www", SSHAddress(user: "wpsite", host: "example.com", port: 2222, path: "/var/www")),
        ("SFTP://prod/var/www", SSHAddress(user: nil, host: "prod", port: nil, path: "/var/www")),
        ("sftp://[::1]:2299/srv/site", SSHAddress(user: nil, host: "::1", port: 2299, path: "/srv/site")),
        ("sftp://deploy@[2001:db8::5]/srv", SSHAddress(user: "deploy", host: "2001:db8::5", port: nil, path: "/srv")),
        ("sftp://host/~/public_html", SSHAddress(user: nil, host: "host", port: nil, path: "public_html")),
        ("sftp://host", SSHAddress(user: nil, host: "host", port: nil, path: ".")),
        ("sftp://us%40er@host/my%20site", SSHAddress(user: "us@er", host: "host", port: nil, path: "/my site")),
        ("sftp://user;fingerprint=ssh-ed25519-abc@host/x", SSHAddress(user: "user", host: "host", port: nil, path: "/x")),
        ("wpsite@example.com:/var/www/html", SSHAddress(user: "wpsite", host: "example.com", port: nil, path: "/var/www/html")),
        ("prod:/var/www/html", SSHAddress(user: nil, host: "prod", port: nil, path: "/var/www/html")),
        ("prod:www", SSHAddress(user: nil, host: "prod", port: nil, path: "www")),
        ("prod:", SSHAddress(user: nil, host: "prod", port: nil, path: ".")),
        ("[::1]:/var/www", SSHAddress(user: nil, host: "::1", port: nil, path: "/var/www")),
        ("me@[fe80::1%eth0]:/srv", SSHAddress(user: "me", host: "fe80::1%eth0", port: nil, path: "/srv")),
        ("first.last@host:/p:with:colons", SSHAddress(user: "first.last", host: "host", port: nil, path: "/p:with:colons")),
    ])
    func `parses URL, scp-style and alias forms`(text: String, expected: SSHAddress) throws {
        #expect(try SSHAddress.parse(text) == expected)
    }

    @Test(arguments: [
        "sftp://host:0/x", "sftp://host:99999/x", "sftp://host:port/x", "sftp://::1/x", "sftp://[::1/x",
        "sftp:///var/www", "sftp://@host/x", ":/var/www", "@host:/x", "-oProxyCommand=x:/y", "host name:/x", "[::1]/x",
    ])
    func `rejects malformed addresses with a reason`(text: String) {
        #expect {
            try SSHAddress.parse(text)
        } throws: { error in
            guard case .malformed(let quoted, let reason)? = error as? SSHAddressError else { return false }
            return quoted == text && !reason.isEmpty
        }
    }

    @Test func `refuses a password in the address and does not repeat it`() throws {
        for text in ["sftp://user:s3cret@host/x", "user:s3cret@host:/x"] {
            let error = try #require(throws: SSHAddressError.self) { try SSHAddress.parse(text) }
            guard case .passwordInAddress = error else {
                Issue.record("expected passwordInAddress for \(text), got \(error)")
                continue
            }
            let message = try #require(error.errorDescription)
            #expect(!message.contains("s3cret"))
            #expect(message.contains("WPRESCUE_SSH_PASSWORD"))
        }
    }

    @Test func `refuses other schemes by name`() {
        #expect(throws: SSHAddressError.unsupportedScheme(text: "ftp://host/x", scheme: "ftp")) { try SSHAddress.parse("ftp://host/x") }
    }

    @Test(arguments: [
        ("sftp://host/x", true), ("prod:/var/www", true), ("user@host:/x", true), ("[::1]:/x", true), ("host:", true),
        ("/var/www/html", false), ("./site:old", false), ("relative/dir:x", false), ("~/sites", false), ("site", false),
    ])
    func `tells remote addresses from local folders`(text: String, remote: Bool) {
        #expect(SSHAddress.looksRemote(text) == remote)
    }

    @Test func `display names bracket IPv6 hosts`() {
        #expect(SSHAddress(user: "u", host: "::1", port: 2222, path: "/").displayName == "sftp://u@[::1]:2222")
        #expect(SSHEndpoint(alias: "a", hostName: "::1", port: 22, user: "u").displayName == "u@[::1]")
        #expect(SSHEndpoint(alias: "a", hostName: "h", port: 2222, user: "u").displayName == "u@h:2222")
    }
}
