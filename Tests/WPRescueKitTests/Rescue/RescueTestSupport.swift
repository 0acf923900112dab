import Foundation
import WPRescueTestSupport
@testable import WPRescueKit

/// Pages a fixture site would serve, by what is on its disk now.
enum FixturePages {
    static let healthy = "<html><body>" + String(repeating: "A normal WordPress page. ", count: 10) + "</body></html>"

    static func page(_ status: Int, _ body: String) -> PageResponse {
        PageResponse(status: status, body: Data(body.utf8), effectiveURL: "https://example.org/")
    }

    static var ok: PageResponse { page(200, healthy) }
    static var maintenance: PageResponse { page(503, "<h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1>") }
    static var criticalError: PageResponse {
        page(500, "<p>There has been a critical error on this website.</p>" + String(repeating: " ", count: 80))
    }
    static var apacheError: PageResponse { page(500, "<h1>Internal Server Error</h1><p>The server encountered an internal error.</p>") }
    static var databaseError: PageResponse { page(500, "<h1>Error establishing a database connection</h1>") }
    static var badGateway: PageResponse { page(502, "<h1>502 Bad Gateway</h1>") }
    static var refused: PageResponse { PageResponse(status: nil, effectiveURL: "https://example.org/", failure: .connectionRefused) }
}

/// Answers a rescue's questions and records what it was told.
final class RecordingRescueDelegate: RescueDelegate {
    var lines: [String] = []
    var asked: [String] = []
    var looks = 0
    let answer: (String) -> Bool

    init(answer: @escaping (String) -> Bool = { _ in true }) { self.answer = answer }

    func progress(_ line: String) { lines.append(line) }
    func confirm(_ change: String) throws -> Bool {
        asked.append(change)
        return answer(change)
    }
    func bisectLook(_ look: SiteBisectOracle.Look) { looks += 1 }
    func chooseToDisable(_ set: [String]) -> [String] { set }
}

/// Log lines as PHP writes them, stamped with a given time.
enum FixtureLogLines {
    static func php(_ date: Date, _ text: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss"
        return "[\(formatter.string(from: date)) UTC] \(text)\n"
    }

    /// nginx writes local time.
    static func nginx(_ date: Date, _ text: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy/MM/dd HH:mm:ss"
        return "\(formatter.string(from: date)) [crit] 1204#1204: *52 \(text)\n"
    }

    static func pluginFatal(_ date: Date, root: String, plugin: String) -> String {
        php(date, "PHP Fatal error:  Uncaught Error: Call to undefined function \(plugin)_missing() in \(root)/wp-content/plugins/\(plugin)/\(plugin).php:12")
    }

    static func memoryExhausted(_ date: Date, root: String) -> String {
        php(date, "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in \(root)/wp-includes/class-wpdb.php on line 2349")
    }
}

/// A fixture site opened as wprescue opens one, its journal in the fixture's scratch folder.
func openFixtureSite(plugins: Int = 0) throws -> (FixtureSite, Site) {
    let fixture = try FixtureSite(plugins: plugins)
    let site = try Site.open(path: fixture.root, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                             environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
    return (fixture, site)
}
