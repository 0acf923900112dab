import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// The one-time login helper as planned: what it writes, what it never writes, and when it goes.
struct LoginLinkTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let secret = [UInt8](repeating: 7, count: LoginLink.secretLength)

    @Test func `the helper holds the secret's hash, never the secret, and the link carries it`() throws {
        let (fixture, site) = try openFixtureSite()
        defer { withExtendedLifetime(fixture) {} }
        let plan = try LoginLink(site: site).plan(command: "login", home: "https://example.com/", account: .login("o'brien"),
                                                  lifetime: 900, now: now, secret: secret)
        let token = try #require(plan.facts.url.components(separatedBy: "?wprescue-login=").last)
        #expect(plan.facts.url == "https://example.com/?wprescue-login=\(token)")
        #expect(token.count == 43, "256 bits in unpadded base64url")
        #expect(plan.facts.expires == now.addingTimeInterval(900))
        guard case .write(let path, let contents) = try #require(plan.changes.changes.last) else {
            Issue.record("the last change writes the helper")
            return
        }
        #expect(path == plan.facts.helperPath)
        #expect(path.hasPrefix(site.layout.mustUsePluginDirectory + "/wprescue-login-\(Int(now.timeIntervalSince1970) + 900)-"))
        let source = String(decoding: contents, as: UTF8.self)
        #expect(!source.contains(token))
        #expect(source.contains(Digest.hex(Digest.sha256(Array(token.utf8)))))
        #expect(source.contains("hash_equals("))
        #expect(source.contains("unlink( $file )"))
        #expect(!source.contains("o'brien"), "the login travels base64-encoded, so it cannot end the PHP string")
        #expect(source.contains(Data("o'brien".utf8).base64EncodedString()))
    }

    @Test func `two links never share a secret or a helper`() throws {
        let (fixture, site) = try openFixtureSite()
        defer { withExtendedLifetime(fixture) {} }
        let first = try LoginLink(site: site).plan(command: "login", home: "https://example.com", account: .soleAdministrator)
        let second = try LoginLink(site: site).plan(command: "login", home: "https://example.com", account: .soleAdministrator)
        #expect(first.facts.url != second.facts.url)
        #expect(first.facts.helperPath != second.facts.helperPath)
        #expect(first.facts.user == nil)
    }

    @Test func `the must-use folder is created when missing, so undo removes it again`() throws {
        let (fixture, site) = try openFixtureSite()
        #expect(!fixture.exists("wp-content/mu-plugins"))
        let plan = try LoginLink(site: site).plan(command: "login", home: "https://example.com", account: .login("admin"))
        #expect(plan.changes.changes.first == .createDirectory(path: site.layout.mustUsePluginDirectory))
        let pristine = try TreeSnapshot(of: fixture.root)
        try site.journal.apply(plan.changes)
        #expect(fixture.exists(SitePath.relative(plan.facts.helperPath, to: fixture.root)))
        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == pristine)
    }

    @Test func `a new link replaces the helpers of earlier ones`() throws {
        let (fixture, site) = try openFixtureSite()
        defer { withExtendedLifetime(fixture) {} }
        let first = try LoginLink(site: site).plan(command: "login", home: "https://example.com", account: .login("admin"))
        try site.journal.apply(first.changes)
        let second = try LoginLink(site: site).plan(command: "login", home: "https://example.com", account: .login("admin"))
        #expect(second.facts.replacedHelpers == [first.facts.helperPath])
        #expect(second.changes.changes.contains(.removeFile(path: first.facts.helperPath)))
        try site.journal.apply(second.changes)
        #expect(try LoginLink(site: site).helpers().map(\.path) == [second.facts.helperPath])
    }

    @Test func `the sweep removes expired and unreadable helpers and keeps live ones and other must-use plugins`() throws {
        let (fixture, site) = try openFixtureSite()
        let live = try LoginLink(site: site).plan(command: "login", home: "https://example.com", account: .login("admin"),
                                                  lifetime: 900, now: now)
        try site.journal.apply(live.changes)
        try fixture.write("wp-content/mu-plugins/wprescue-login-1000-abc.php", "<?php\n")
        try fixture.write("wp-content/mu-plugins/wprescue-login-garbled.php", "<?php\n")
        try fixture.write("wp-content/mu-plugins/loader.php", "<?php\n")
        let sweep = try LoginLink(site: site).sweep(command: "plugins list", now: now)
        #expect(sweep.changes == [
            .removeFile(path: fixture.path("wp-content/mu-plugins/wprescue-login-1000-abc.php")),
            .removeFile(path: fixture.path("wp-content/mu-plugins/wprescue-login-garbled.php")),
        ])
        #expect(try LoginLink(site: site).sweep(command: "x", now: now.addingTimeInterval(900)).changes.count == 3,
                "at its expiry the live one goes too")
    }
}

