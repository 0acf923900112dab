import Foundation
import Testing
@testable import WPRescueKit

/// What one entry of a fixture must parse to.
struct ExpectedEntry: Sendable, CustomStringConvertible {
    var format: LogFormat
    var level: LogLevel
    var kind: LogEntryKind
    var message: String
    var file: String? = nil
    var line: Int? = nil
    var frames = 0
    var source: LogSource = .unknown
    var via: AttributionEvidence = .none
    var time: String? = nil

    var description: String { "\(kind.name): \(message.prefix(40))" }
}

struct LogFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var expected: [ExpectedEntry]
    var testDescription: String { name }
}

struct LogFormatTests {
    static let html = "/var/www/html"
    static let legacyWebhooks = "\(html)/wp-content/plugins/legacy-gateway/includes/webhooks.php"
    static let deprecatedTitle = "Function get_page_by_title is deprecated since version 6.2.0! Use WP_Query instead."

    static let fixtures: [LogFixture] = [
        LogFixture(name: "debug.log", expected: [
            ExpectedEntry(format: .phpErrorLog, level: .deprecated, kind: .phpError,
                          message: "Creation of dynamic property Legacy_Gateway_Settings::$supports_refunds is deprecated",
                          file: "\(html)/wp-content/plugins/legacy-gateway/includes/class-settings.php", line: 41,
                          source: .plugin(slug: "legacy-gateway"), via: .location, time: "10:58:02"),
            ExpectedEntry(format: .phpErrorLog, level: .notice, kind: .phpError,
                          message: "Function _load_textdomain_just_in_time was called <strong>incorrectly</strong>.",
                          file: "\(html)/wp-includes/functions.php", line: 6121, source: .core, via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .warning, kind: .phpError, message: "Undefined array key \"sidebar_layout\"",
                          file: "\(html)/wp-content/themes/storefront-child/functions.php", line: 88,
                          source: .theme(slug: "storefront-child"), via: .location, time: "10:58:03"),
            ExpectedEntry(format: .phpErrorLog, level: .warning, kind: .phpError, message: "Undefined array key \"sidebar_layout\"",
                          file: "\(html)/wp-content/themes/storefront-child/functions.php", line: 88,
                          source: .theme(slug: "storefront-child"), via: .location, time: "10:58:04"),
            // Written in Europe/Berlin (before WordPress switches PHP to UTC): 11:02:17 there is 10:02:17 UTC.
            ExpectedEntry(format: .phpErrorLog, level: .warning, kind: .phpError, message: "Constant WP_DEBUG already defined",
                          file: "\(html)/wp-config.php", line: 92, source: .configuration, via: .location, time: "10:02:17"),
            ExpectedEntry(format: .phpErrorLog, level: .error, kind: .databaseError,
                          message: "WordPress database error Table 'wordpress.wp_legacy_sessions' doesn't exist for query"),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .uncaughtThrowable(className: "TypeError"),
                          message: "Uncaught TypeError: array_merge(): Argument #2 must be of type array, string given",
                          file: "\(html)/wp-includes/class-wp-query.php", line: 1974, frames: 10,
                          source: .plugin(slug: "related-posts-pro"), via: .stackFrame(index: 3), time: "11:19:51"),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .memoryExhausted(limitBytes: 134_217_728),
                          message: "Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)",
                          file: "\(html)/wp-includes/class-wpdb.php", line: 2349, source: .core, via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .memoryExhausted(limitBytes: 134_217_728),
                          message: "Allowed memory size of 134217728 bytes exhausted (tried to allocate 4096 bytes)",
                          file: "\(html)/wp-includes/class-wpdb.php", line: 2351, source: .core, via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .timeLimit(seconds: 30),
                          message: "Maximum execution time of 30 seconds exceeded",
                          file: "\(html)/wp-content/plugins/broken-links/core/init.php", line: 390,
                          source: .plugin(slug: "broken-links"), via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .parseError, message: "syntax error, unexpected token \"}\", expecting \";\"",
                          file: "\(html)/wp-content/themes/storefront-child/functions.php", line: 212,
                          source: .theme(slug: "storefront-child"), via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .warning, kind: .phpError,
                          message: "Cannot modify header information - headers already sent by (output started at",
                          file: "\(html)/wp-includes/pluggable.php", line: 1450, source: .plugin(slug: "custom-snippets"), via: .message),
            ExpectedEntry(format: .phpErrorLog, level: .warning, kind: .phpError, message: "Undefined variable $cache_ttl",
                          file: "\(html)/wp-content/mu-plugins/hosting-cache.php", line: 27,
                          source: .mustUsePlugin(name: "hosting-cache.php"), via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .uncaughtThrowable(className: "RedisException"),
                          message: "Uncaught RedisException: Connection refused", file: "\(html)/wp-content/object-cache.php", line: 1456,
                          frames: 9, source: .dropIn(file: "object-cache.php"), via: .location),
            // xdebug's trace: each line has its own timestamp, and still belongs to the fatal above it.
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .uncaughtThrowable(className: "Error"),
                          message: "Uncaught Error: Class \"Acme\\Platform\\Telemetry\" not found",
                          file: "\(html)/wp-content/mu-plugins/acme-platform/src/Boot.php", line: 31, frames: 4,
                          source: .mustUsePlugin(name: "acme-platform"), via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .fatal, kind: .uncaughtThrowable(className: "Error"),
                          message: "Uncaught Error: Call to undefined function wp_get_current_user()",
                          file: "\(html)/wp-includes/capabilities.php", line: 911, frames: 5, source: .core, via: .location),
            ExpectedEntry(format: .phpErrorLog, level: .info, kind: .loggedMessage,
                          message: "Legacy Gateway: webhook signature mismatch for order 4411", time: "11:28:02"),
        ]),
        LogFixture(name: "php-fpm.log", expected: [
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "fpm is running, pid 812", time: "11:19:40"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "ready to handle connections"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "systemd monitor interval set to 10000ms"),
            ExpectedEntry(format: .phpFPM, level: .deprecated, kind: .phpError, message: deprecatedTitle,
                          file: "\(html)/wp-includes/functions.php", line: 6078, source: .core, via: .location),
            // Seven stderr lines of one worker make one fatal with its trace.
            ExpectedEntry(format: .phpFPM, level: .fatal, kind: .uncaughtThrowable(className: "Error"),
                          message: "Uncaught Error: Call to undefined function wc_get_legacy_order()", file: legacyWebhooks, line: 88,
                          frames: 3, source: .plugin(slug: "legacy-gateway"), via: .location, time: "11:19:51"),
            ExpectedEntry(format: .phpFPM, level: .error, kind: .workerKilled(signal: 9),
                          message: "child 846 exited on signal 9 (SIGKILL) after 31.207745 seconds from start"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "child 901 started"),
            ExpectedEntry(format: .phpFPM, level: .warning, kind: .maxChildren,
                          message: "server reached pm.max_children setting (5), consider raising it"),
            ExpectedEntry(format: .phpFPM, level: .warning, kind: .slowRequest, message: "child 847, script",
                          file: "\(html)/wp-admin/admin-ajax.php", source: .core, via: .location),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "child 847 stopped for tracing"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "about to trace 847"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "finished trace of 847"),
            ExpectedEntry(format: .phpFPM, level: .error, kind: .requestTerminated, message: "child 847, script",
                          file: "\(html)/wp-admin/admin-ajax.php", source: .core, via: .location),
            ExpectedEntry(format: .phpFPM, level: .warning, kind: .workerKilled(signal: 15),
                          message: "child 847 exited on signal 15 (SIGTERM)"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "child 915 started"),
            ExpectedEntry(format: .phpFPM, level: .error, kind: .workerKilled(signal: 11),
                          message: "child 901 exited on signal 11 (SIGSEGV - core dumped)"),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "Terminating ..."),
            ExpectedEntry(format: .phpFPM, level: .notice, kind: .serverMessage, message: "exiting, bye-bye!", time: "11:30:00"),
        ]),
        LogFixture(name: "php-fpm-slow.log", expected: [
            ExpectedEntry(format: .phpFPM, level: .warning, kind: .slowRequest, message: "pid 847",
                          file: "\(html)/wp-admin/admin-ajax.php", frames: 4,
                          source: .plugin(slug: "broken-links"), via: .stackFrame(index: 2), time: "11:21:40"),
        ]),
        LogFixture(name: "nginx-error.log", expected: [
            // One nginx line carrying two PHP messages, the second with a multi-line trace.
            ExpectedEntry(format: .nginx, level: .deprecated, kind: .phpError, message: deprecatedTitle,
                          file: "\(html)/wp-includes/functions.php", line: 6078, source: .core, via: .location),
            ExpectedEntry(format: .nginx, level: .fatal, kind: .uncaughtThrowable(className: "Error"),
                          message: "Uncaught Error: Call to undefined function wc_get_legacy_order()", file: legacyWebhooks, line: 88,
                          frames: 3, source: .plugin(slug: "legacy-gateway"), via: .location, time: "11:19:51"),
            ExpectedEntry(format: .nginx, level: .error, kind: .upstreamClosed,
                          message: "recv() failed (104: Connection reset by peer) while reading response header from upstream"),
            ExpectedEntry(format: .nginx, level: .error, kind: .upstreamClosed,
                          message: "upstream prematurely closed connection while reading response header from upstream"),
            ExpectedEntry(format: .nginx, level: .error, kind: .upstreamTimeout,
                          message: "upstream timed out (110: Connection timed out) while reading response header from upstream"),
            ExpectedEntry(format: .nginx, level: .fatal, kind: .fpmUnreachable,
                          message: "connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory)"),
            ExpectedEntry(format: .nginx, level: .error, kind: .fpmUnreachable,
                          message: "connect() to unix:/run/php/php8.2-fpm.sock failed (111: Connection refused)"),
            ExpectedEntry(format: .nginx, level: .fatal, kind: .fpmUnreachable,
                          message: "connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied)"),
            ExpectedEntry(format: .nginx, level: .fatal, kind: .memoryExhausted(limitBytes: 268_435_456),
                          message: "Allowed memory size of 268435456 bytes exhausted (tried to allocate 65536 bytes)",
                          file: "\(html)/wp-includes/class-wpdb.php", line: 2349, source: .core, via: .location),
            // The same fatal with the newlines written as `\n`.
            ExpectedEntry(format: .nginx, level: .fatal, kind: .uncaughtThrowable(className: "TypeError"),
                          message: "Uncaught TypeError: array_merge(): Argument #2 must be of type array, string given",
                          file: "\(html)/wp-includes/class-wp-query.php", line: 1974, frames: 3,
                          source: .plugin(slug: "related-posts-pro"), via: .stackFrame(index: 1)),
            ExpectedEntry(format: .nginx, level: .error, kind: .serverMessage, message: "FastCGI sent in stderr: \"Primary script unknown\""),
            ExpectedEntry(format: .nginx, level: .warning, kind: .serverMessage, message: "an upstream response is buffered"),
            ExpectedEntry(format: .nginx, level: .notice, kind: .serverMessage, message: "signal process started", time: "11:39:00"),
        ]),
        LogFixture(name: "apache-error.log", expected: [
            ExpectedEntry(format: .apache, level: .notice, kind: .serverMessage, message: "AH00163: Apache/2.4.62 (Debian) configured"),
            ExpectedEntry(format: .apache, level: .notice, kind: .serverMessage, message: "AH00094: Command line: '/usr/sbin/apache2'"),
            ExpectedEntry(format: .apache, level: .fatal, kind: .uncaughtThrowable(className: "Error"),
                          message: "Uncaught Error: Call to undefined function wc_get_legacy_order()", file: legacyWebhooks, line: 88,
                          frames: 3, source: .plugin(slug: "legacy-gateway"), via: .location, time: "11:19:51.276607"),
            ExpectedEntry(format: .apache, level: .warning, kind: .phpError, message: "Undefined array key \"sidebar_layout\"",
                          file: "\(html)/wp-content/themes/storefront-child/functions.php", line: 88,
                          source: .theme(slug: "storefront-child"), via: .location),
            ExpectedEntry(format: .apache, level: .fatal, kind: .htaccessInvalid, message: "/var/www/html/.htaccess: Invalid command 'Garbage'",
                          file: "\(html)/.htaccess"),
            ExpectedEntry(format: .apache, level: .error, kind: .redirectLimit, message: "AH00124: Request exceeded the limit of 10 internal redirects"),
            ExpectedEntry(format: .apache, level: .deprecated, kind: .phpError, message: deprecatedTitle,
                          file: "\(html)/wp-includes/functions.php", line: 6078, source: .core, via: .location),
            ExpectedEntry(format: .apache, level: .fatal, kind: .memoryExhausted(limitBytes: 134_217_728),
                          message: "Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)",
                          file: "\(html)/wp-content/plugins/related-posts-pro/includes/class-related.php", line: 201,
                          source: .plugin(slug: "related-posts-pro"), via: .location),
            ExpectedEntry(format: .apache, level: .error, kind: .fpmUnreachable,
                          message: "(2)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/php8.2-fpm.sock (localhost:8000) failed"),
            ExpectedEntry(format: .apache, level: .error, kind: .fpmUnreachable, message: "AH01079: failed to make connection to backend: localhost"),
            ExpectedEntry(format: .apache, level: .error, kind: .upstreamTimeout,
                          message: "(70007)The timeout specified has expired: AH01075: Error dispatching request to : (polling)"),
            ExpectedEntry(format: .apache, level: .error, kind: .workerKilled(signal: 11), message: "AH00052: child pid 709 exit signal Segmentation fault (11)"),
            ExpectedEntry(format: .apache, level: .error, kind: .maxChildren, message: "AH00161: server reached MaxRequestWorkers setting"),
            // Apache's escapes undone: \\ \t and \xHH bytes of UTF-8.
            ExpectedEntry(format: .apache, level: .fatal, kind: .uncaughtThrowable(className: "Exception"),
                          message: "Uncaught Exception: bad \"quote\" and back\\slash\ttab é", file: "\(html)/esc.php", line: 3, frames: 1),
        ]),
    ]

    @Test(arguments: fixtures)
    func `parses every entry of the fixture`(fixture: LogFixture) throws {
        let entries = try LogFixtures.entries(fixture.name)
        #expect(entries.count == fixture.expected.count)
        for (entry, expected) in zip(entries, fixture.expected) {
            #expect(entry.format == expected.format, "\(expected)")
            #expect(entry.level == expected.level, "\(expected)")
            #expect(entry.kind == expected.kind, "\(expected)")
            #expect(entry.message.hasPrefix(expected.message), "\(entry.message) should start with \(expected.message)")
            #expect(entry.file == expected.file, "\(expected)")
            #expect(entry.line == expected.line, "\(expected)")
            #expect(entry.stackFrames.count == expected.frames, "\(expected)")
            #expect(entry.attribution.source == expected.source, "\(expected)")
            #expect(entry.attribution.attributedVia == expected.via, "\(expected)")
            if let time = expected.time {
                // Apache writes microseconds; compare to the microsecond.
                let seconds = try LogFixtures.date(String(time.prefix(8))).timeIntervalSince1970 + (Double("0" + time.dropFirst(8)) ?? 0)
                #expect(abs((entry.timestamp?.timeIntervalSince1970 ?? 0) - seconds) < 0.000_001, "\(expected)")
            }
        }
    }

    @Test func `keeps the stack frames of an uncaught error in order`() throws {
        let fatal = try #require(try LogFixtures.entries("debug.log").first { $0.kind == .uncaughtThrowable(className: "TypeError") })
        #expect(fatal.stackFrames.first == LogStackFrame(index: 0, file: "/var/www/html/wp-includes/class-wp-query.php", line: 1974,
                                                         call: "array_merge(Array, '')"))
        #expect(fatal.stackFrames[3] == LogStackFrame(index: 3, file: "/var/www/html/wp-content/plugins/related-posts-pro/includes/class-related.php",
                                                      line: 112, call: "WP_Query->__construct(Array)"))
        #expect(fatal.stackFrames.last == LogStackFrame(index: 9, file: nil, line: nil, call: "{main}"))
        #expect(fatal.raw.hasSuffix("  thrown in /var/www/html/wp-includes/class-wp-query.php on line 1974"))
        #expect(fatal.raw.components(separatedBy: "\n").count == 13)
        #expect(fatal.timeZone == "UTC")
    }

    @Test func `reads the request context nginx writes after the message`() throws {
        let entries = try LogFixtures.entries("nginx-error.log")
        let closed = try #require(entries.first { $0.message.hasPrefix("upstream prematurely closed") })
        #expect(closed.context == LogServerContext(processID: 1203, client: "198.51.100.7", server: "shop.example.com",
                                                   request: "GET /cart/ HTTP/2.0", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:",
                                                   host: "shop.example.com", referrer: "https://shop.example.com/shop/"))
        #expect(closed.message == "upstream prematurely closed connection while reading response header from upstream")
        // Both PHP messages of one FastCGI line share the request.
        #expect(entries[0].context?.request == "POST /?wc-api=legacy_gateway HTTP/1.1")
        #expect(entries[1].context?.request == "POST /?wc-api=legacy_gateway HTTP/1.1")
        #expect(entries[0].offset == entries[1].offset)
    }

    @Test func `reads pool, child and request from PHP-FPM lines`() throws {
        let entries = try LogFixtures.entries("php-fpm.log")
        let terminated = try #require(entries.first { $0.kind == .requestTerminated })
        #expect(terminated.context?.pool == "www")
        #expect(terminated.context?.processID == 847)
        #expect(terminated.context?.request == "POST /wp-admin/admin-ajax.php")
        #expect(terminated.label == "WARNING")
    }

    @Test func `reads module, pid, client and referrer from Apache lines`() throws {
        let warning = try #require(try LogFixtures.entries("apache-error.log").first { $0.level == .warning })
        #expect(warning.context == LogServerContext(processID: 703, module: "php", client: "198.51.100.7:40112",
                                                    referrer: "https://shop.example.com/"))
    }

    @Test func `takes each line's format as it comes in a file that mixes them`() throws {
        let folder = try TemporaryFolder()
        var mixed = ""
        for name in ["php-fpm.log", "debug.log", "nginx-error.log", "apache-error.log"] {
            mixed += try String(contentsOfFile: LogFixtures.path(name), encoding: .utf8)
        }
        let path = try folder.write("mixed.log", mixed)
        let entries = try LogReader(fileSystem: LocalFileSystem(), path: path, attributor: LogFixtures.attributor,
                                    options: LogFixtures.options()).entries().entries
        let expected = ["php-fpm.log", "debug.log", "nginx-error.log", "apache-error.log"].flatMap { name in
            Self.fixtures.first { $0.name == name }?.expected ?? []
        }
        #expect(entries.map(\.format) == expected.map(\.format))
        #expect(entries.map(\.kind) == expected.map(\.kind))
    }

    @Test(arguments: [
        ("Apache 2.2 without fraction", "[Sat Nov 21 11:19:51 2026] [error] [client 10.0.0.1] PHP Notice:  Undefined index: x in /var/www/html/index.php on line 3",
         LogFormat.apache, "11:19:51"),
        ("single-digit day padded", "[Tue Dec  1 08:00:00.5 2026] [core:error] [pid 1] AH00124: Request exceeded the limit of 10 internal redirects",
         LogFormat.apache, ""),
        ("PHP-FPM with microseconds", "[21-Nov-2026 11:19:51.250000] WARNING: [pool www] server reached pm.max_children setting (5), consider raising it",
         LogFormat.phpFPM, "11:19:51.25"),
        ("offset zone", "[21-Nov-2026 13:19:51 +02:00] PHP Notice:  Undefined index: x in /var/www/html/index.php on line 3",
         LogFormat.phpErrorLog, "11:19:51"),
    ])
    func `recognizes timestamp variants`(name: String, line: String, format: LogFormat, time: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("variant.log", line + "\n")
        let entry = try #require(try LogReader(fileSystem: LocalFileSystem(), path: path, options: LogFixtures.options()).entries().entries.first)
        #expect(entry.format == format, "\(name)")
        if !time.isEmpty { #expect(entry.timestamp == (try LogFixtures.date(time)), "\(name)") }
    }

    @Test func `uses the caller's zone for logs that write local time`() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let entries = try LogReader(fileSystem: LocalFileSystem(), path: LogFixtures.path("nginx-error.log"),
                                    options: LogFixtures.options { $0.localTimeZone = berlin }).entries().entries
        // 11:19:51 in Berlin in November (CET, UTC+1) is 10:19:51 UTC.
        #expect(entries.first?.timestamp == (try LogFixtures.date("10:19:51")))
    }

    @Test func `searches log text byte by byte, forwards and backwards`() {
        let text = "é in /a/b.php on line 3 in /c/d.php on line 4"[...]
        let first = text.byteRange(of: " in ")
        let last = text.byteRange(of: " in ", backwards: true)
        #expect(first.map { String(text[$0.upperBound...].prefix(8)) } == "/a/b.php")
        #expect(last.map { String(text[$0.upperBound...].prefix(8)) } == "/c/d.php")
        #expect(text.byteRange(of: "missing") == nil)
        #expect(text.byteRange(of: "4", backwards: true)?.upperBound == text.endIndex)
        #expect("a\n\nb"[...].byteLines() == ["a", "", "b"])
    }

    @Test func `leaves a namespace backslash alone when nginx keeps real newlines`() {
        let text = #"PHP message: PHP Fatal error:  Uncaught Error: Class "App\newsletter\Sender" not found in /x/a.php:3"#
        #expect(LogEntryParser.unescapingNginxNewlines(text[...]) == text)
        let escaped = #"PHP Fatal error:  Uncaught Error: x in /x/a.php:3\nStack trace:\n#0 {main}\n  thrown in /x/a.php on line 3"#
        #expect(LogEntryParser.unescapingNginxNewlines(escaped[...]).components(separatedBy: "\n").count == 4)
    }
}
