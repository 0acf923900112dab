import Foundation
import Testing
@testable import WPRescueKit

struct SiteAliasesTests {
    @Test func `reads aliases written with or without the at sign`() throws {
        let yaml = """
            "@prod":
              site: sftp://deploy@example.com/var/www/html
              url: https://example.com
              ssh:
                identity: ~/.ssh/id_ed25519
                known_hosts: /etc/ssh/known
            staging:
              site: /srv/staging
            """
        let aliases = try SiteAliases.parse(Data(yaml.utf8), source: "wprescue.yml")
        #expect(aliases["prod"]?.site == "sftp://deploy@example.com/var/www/html")
        #expect(aliases["prod"]?.url == "https://example.com")
        #expect(aliases["prod"]?.ssh?.knownHosts == "/etc/ssh/known")
        #expect(aliases["staging"]?.site == "/srv/staging")
        #expect(aliases["staging"]?.source == "wprescue.yml")
    }

    @Test func `an entry without a site names the missing key and the file`() {
        do {
            _ = try SiteAliases.parse(Data("\"@prod\":\n  url: https://x\n".utf8), source: "/tmp/sites.yml")
            Issue.record("accepted an alias without site")
        } catch {
            #expect(error.localizedDescription.contains("/tmp/sites.yml"))
            #expect(error.localizedDescription.contains("site"))
        }
    }

    @Test func `an unknown alias lists the files searched`() {
        #expect(throws: SiteAliasError.unknownAlias(name: "nope", searched: ["/nonexistent/a.yml"])) {
            try SiteAliases.resolve("@nope", searchPaths: [AliasFile("/nonexistent/a.yml", format: .wprescue)])
        }
    }

    @Test func `the current folder's file wins over the user's`() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alias-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let local = folder.appendingPathComponent("wprescue.yml").path
        let user = folder.appendingPathComponent("sites.yml").path
        try Data("prod:\n  site: /local\n".utf8).write(to: URL(fileURLWithPath: local))
        try Data("prod:\n  site: /user\nother:\n  site: /other\n".utf8).write(to: URL(fileURLWithPath: user))
        #expect(try SiteAliases.resolve("@prod", searchPaths: [AliasFile(local, format: .wprescue), AliasFile(user, format: .wprescue)]).site == "/local")
        #expect(try SiteAliases.resolve("@other", searchPaths: [AliasFile(local, format: .wprescue), AliasFile(user, format: .wprescue)]).site == "/other")
    }

    @Test func `an alias file someone else owns or may write is refused, not read`() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alias-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let planted = folder.appendingPathComponent("wprescue.yml").path
        try Data("prod:\n  site: sftp://attacker@evil.example/srv\n".utf8).write(to: URL(fileURLWithPath: planted))
        let files = [AliasFile(planted, format: .wprescue)]

        chmod(planted, 0o666)
        #expect(throws: SiteAliasError.untrustedFile(path: planted, reason: "others may write to it (mode 666)")) {
            try SiteAliases.resolve("@prod", searchPaths: files)
        }
        chmod(planted, 0o644)
        // The site's PHP user (here any other account) planted it in a folder you cd into.
        #expect(chown(planted, 33, 33) == 0 || geteuid() != 0)
        if geteuid() == 0 {
            #expect(throws: SiteAliasError.untrustedFile(path: planted, reason: "it belongs to user 33, not to you or root")) {
                try SiteAliases.resolve("@prod", searchPaths: files)
            }
        }
    }
}
