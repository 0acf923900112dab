import Foundation
import Testing
@testable import WPRescueKit

/// The companion's capture block, read as the hostile site output it is, and what wprescue makes of it.
struct ErrorCaptureTests {
    static let settings = PHPErrorSettings(version: "8.2.36", errorLog: "/var/log/php/site-error.log", logErrors: "1",
                                           displayErrors: "0", memoryLimit: "128M", errorLogLocked: true)

    static func block(_ captured: CapturedError) throws -> Data {
        let json = try JSONEncoder().encode(captured)
        return Data("<!--wprescue-capture:\(json.base64EncodedString())-->".utf8)
    }

    static let uncaught = CapturedError(
        type: 1,
        message: "Uncaught Error: Call to undefined function create_function() in /var/www/html/wp-content/plugins/legacy/legacy.php:8\n"
            + "Stack trace:\n#0 /var/www/html/wp-settings.php(447): include_once()\n#1 {main}\n  thrown",
        file: "/var/www/html/wp-content/plugins/legacy/legacy.php", line: 8, php: settings)

    @Test func `a block after the page is read and removed from what the verdict sees`() throws {
        let page = Data("<html><body>There has been a critical error on this website.</body></html>".utf8)
        let body = page + (try Self.block(Self.uncaught))
        #expect(CapturedError.extract(from: body) == Self.uncaught)
        #expect(CapturedError.removingBlock(from: body) == page)
        #expect(CapturedError.extract(from: page) == nil)
    }

    enum Malformed: String, CaseIterable, Sendable {
        case notBase64 = "not base64", notTheSchema = "not the schema", oversized, unterminated

        var text: String {
            switch self {
            case .notBase64: return "<!--wprescue-capture:not base64!-->"
            case .notTheSchema: return "<!--wprescue-capture:" + Data("{\"type\":\"one\"}".utf8).base64EncodedString() + "-->"
            case .oversized: return "<!--wprescue-capture:" + String(repeating: "QUFB", count: 70_000) + "-->"
            case .unterminated: return "<!--wprescue-capture:eyJ0eXBlIjox"
            }
        }
    }

    @Test(arguments: Malformed.allCases)
    func `a malformed, oversized or unterminated block is ignored`(malformed: Malformed) {
        #expect(CapturedError.extract(from: Data(("<p>page</p>" + malformed.text).utf8)) == nil)
    }

    @Test func `a captured uncaught error becomes an attributed entry with its stack`() {
        let layout = SiteLayout.standard(root: "/var/www/html")
        let entry = Self.uncaught.entry(attributor: LogAttributor(layout: layout), at: Date())
        #expect(entry.level == .fatal)
        #expect(entry.kind == .uncaughtThrowable(className: "Error"))
        #expect(entry.message == "Uncaught Error: Call to undefined function create_function()")
        #expect(entry.file == "/var/www/html/wp-content/plugins/legacy/legacy.php")
        #expect(entry.stackFrames.count == 2)
        #expect(entry.attribution.source == .plugin(slug: "legacy"))
        let findings = LogEvidence.findings(from: [entry], phpVersion: "8.2")
        #expect(findings.first?.summary == "Plugin legacy is not compatible with PHP 8.2: update it or replace it (PHP 8.0 removed create_function())")
        #expect(findings.first?.fix == "wprescue plugins disable legacy")
        #expect(Self.uncaught.quoted == "PHP Fatal error: Uncaught Error: Call to undefined function create_function() in /var/www/html/wp-content/plugins/legacy/legacy.php:8")
    }

    @Test func `a captured memory exhaustion asks for memory, not for the plugin to go`() {
        let captured = CapturedError(type: 1, message: "Allowed memory size of 134217728 bytes exhausted (tried to allocate 167776256 bytes)",
                                     file: "/var/www/html/wp-content/plugins/memory-hog/memory-hog.php", line: 20, php: Self.settings)
        let entry = captured.entry(attributor: LogAttributor(layout: SiteLayout.standard(root: "/var/www/html")), at: Date())
        let finding = LogEvidence.findings(from: [entry]).first
        #expect(finding?.id == .memoryExhausted)
        #expect(finding?.subject == "memory-hog")
        #expect(finding?.fix == "wprescue memory 256M")
    }

    struct Removed: Sendable, CustomTestStringConvertible {
        var message: String
        var feature: String?
        var version: String?
        var testDescription: String { message }
    }

    @Test(arguments: [
        Removed(message: "Uncaught Error: Call to undefined function create_function()", feature: "create_function()", version: "8.0"),
        Removed(message: "Uncaught Error: Call to undefined function each()", feature: "each()", version: "8.0"),
        Removed(message: "Uncaught Error: Call to undefined function money_format()", feature: "money_format()", version: "8.0"),
        Removed(message: "Uncaught Error: Call to undefined function mysql_connect()", feature: "mysql_connect() (the mysql extension)", version: "7.0"),
        Removed(message: "Uncaught Error: Call to undefined function ereg_replace()", feature: "ereg_replace()", version: "7.0"),
        Removed(message: "Uncaught Error: Call to undefined function Vendor\\Lib\\split()", feature: "split()", version: "7.0"),
        Removed(message: "Uncaught Error: Call to undefined function mcrypt_encrypt()", feature: "mcrypt_encrypt() (the mcrypt extension)", version: "7.2"),
        Removed(message: "Array and string offset access syntax with curly braces is no longer supported", feature: "curly-brace string offsets ($text{0})", version: "8.0"),
        Removed(message: "Uncaught Error: Non-static method Widget::render() cannot be called statically", feature: "calling a non-static method statically", version: "8.0"),
        Removed(message: "Uncaught Error: Call to undefined function wc_get_order()"),
        Removed(message: "Allowed memory size of 134217728 bytes exhausted"),
    ])
    func `functions and syntax PHP removed are recognized, others are not`(removed: Removed) {
        let removal = PHPCompatibility.removal(in: removed.message)
        #expect(removal?.feature == removed.feature)
        #expect(removal?.removedIn == removed.version)
    }

    @Test func `why the debug log stays empty, whatever PHP does with its log`() throws {
        var settings = Self.settings
        let debugLog = "/var/www/html/wp-content/debug.log"
        let forced = try #require(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: true))
        #expect(forced.severity == .warning)
        #expect(forced.summary.contains("stays empty: PHP writes its errors to /var/log/php/site-error.log (the host fixes error_log"))
        #expect(forced.summary.hasSuffix("wprescue reads it"))
        let hidden = try #require(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: false))
        #expect(hidden.summary.contains("which this access cannot read: see your hosting panel's error log page"))
        settings.errorLog = ""
        #expect(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: false)?.summary
            .contains("FastCGI sent in stderr") == true)
        settings.errorLog = "syslog"
        #expect(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: false)?.summary
            .contains("system log") == true)
        settings.logErrors = "0"
        #expect(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: false)?.summary
            .contains("log_errors is off") == true)
        // Not fixed by the host: WordPress moves the log where it asks, so nothing to explain.
        settings = Self.settings
        settings.errorLogLocked = false
        #expect(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: true) == nil)
        // Debug log off: where PHP logs is worth knowing, not a warning.
        #expect(PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: false, readable: true)?.severity == .info)
    }

    @Test func `the companion's source signs, captures once, and reports the error settings`() {
        let source = CompanionPlugin.source(secret: "s3cret", files: [], themeIndex: nil, fallbackTheme: nil)
        for key in ["hash_equals", "error_get_last()", "'wp_php_error_message'", "register_shutdown_function", "<!--wprescue-capture:",
                    "'errorLog'", "'logErrors'", "'displayErrors'", "'errorLogLocked'", "PHP_VERSION"] {
            #expect(source.contains(key), "\(key)")
        }
    }
}
