import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// The `capture-error` playbook action against a fixture site and a fetcher that answers signed
/// requests the way the companion does while its file is on the fixture's disk.
struct CaptureErrorActionTests {
    let fixture: FixtureSite
    let site: Site

    init() throws {
        fixture = try FixtureSite()
        site = try Site.open(path: fixture.root, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                             environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
    }

    func tools(captured: CapturedError?, dryRun: Bool = false) -> SitePlaybookTools {
        let folder = site.layout.mustUsePluginDirectory
        let fetcher = RequestFetcher { request in
            var page = RuleFetcher.page(500, "<p>There has been a critical error on this website.</p>", url: request.url)
            let companionPresent = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .contains { $0.hasPrefix(CompanionPlugin.filePrefix) }
            guard companionPresent, let signed = request.headers[CompanionPlugin.headerName] else { return page }
            let parts = signed.split(separator: ".")
            page.headers["x-wprescue-bisect-seen"] = String(parts[1])
            if parts[2] == "info" {
                page.body = Data(#"{"enabled":true,"validateTimestamps":true,"revalidateFrequency":0,"php":{"version":"8.2.36","errorLog":"","logErrors":"1","displayErrors":"0","memoryLimit":"128M","errorLogLocked":true}}"#.utf8)
            } else if let captured, let json = try? JSONEncoder().encode(captured) {
                page.body += Data("<!--wprescue-capture:\(json.base64EncodedString())-->".utf8)
            }
            return page
        }
        var options = SitePlaybookTools.Options()
        options.dryRun = dryRun
        return SitePlaybookTools(site: site, prober: Prober(fetcher: fetcher), pages: ["https://example.org/"], home: "https://example.org",
                                 debugMemory: InMemoryDebugMemory(), options: options)
    }

    @Test func `an incompatible plugin is named with the PHP version, and the companion leaves nothing behind`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        let captured = CapturedError(type: 1, message: "Uncaught Error: Call to undefined function each() in \(fixture.root)/wp-content/plugins/akismet/akismet.php:3\nStack trace:\n#0 {main}\n  thrown",
                                     file: fixture.root + "/wp-content/plugins/akismet/akismet.php", line: 3, php: nil)
        let result = try tools(captured: captured).perform(.captureError, with: PlaybookParameters([:]))
        #expect(result.outcome == "fatal-in-plugin")
        #expect(result.values["plugin"] == "akismet")
        #expect(result.values["php-version"] == "8.2.36")
        #expect(result.values["last-fatal"] == "Uncaught Error: Call to undefined function each() in wp-content/plugins/akismet/akismet.php:3")
        #expect(result.evidence.contains { $0.contains("akismet is not compatible with PHP 8.2: update it or replace it (PHP 8.0 removed each())") },
                "\(result.evidence)")
        #expect(try TreeSnapshot(of: fixture.root) == before)
        #expect(try site.journal.history().map(\.summary) == [ErrorCapture.summary])
    }

    @Test func `a database password a stack frame quotes is masked`() throws {
        let captured = CapturedError(type: 1, message: "Uncaught Exception: cannot connect as wp/fixture-secret-Zq8 in \(fixture.root)/wp-content/plugins/akismet/akismet.php:9\nStack trace:\n#0 \(fixture.root)/wp-content/plugins/akismet/akismet.php(9): mysqli_connect('localhost', 'wp', 'fixture-secret-Zq8')\n#1 {main}\n  thrown",
                                     file: fixture.root + "/wp-content/plugins/akismet/akismet.php", line: 9, php: nil)
        let result = try tools(captured: captured).perform(.captureError, with: PlaybookParameters([:]))
        #expect(result.outcome == "fatal-in-plugin")
        #expect(!(result.evidence + result.values.values).contains { $0.contains("fixture-secret-Zq8") })
    }

    @Test func `nothing captured, and a dry run that writes nothing`() throws {
        let before = try TreeSnapshot(of: fixture.root)
        #expect(try tools(captured: nil).perform(.captureError, with: PlaybookParameters([:])).outcome == "nothing-captured")
        #expect(try tools(captured: nil, dryRun: true).perform(.captureError, with: PlaybookParameters([:])).outcome == "skipped")
        #expect(try TreeSnapshot(of: fixture.root) == before)
        #expect(try site.journal.history().count == 1)
    }
}
