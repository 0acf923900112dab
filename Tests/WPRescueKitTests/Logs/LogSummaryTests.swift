import Foundation
import Testing
@testable import WPRescueKit

struct LogSummaryTests {
    @Test(arguments: [
        ("Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)",
         "Allowed memory size of N bytes exhausted (tried to allocate N bytes)"),
        ("child 846 exited on signal 9 (SIGKILL) after 31.207745 seconds from start",
         "child N exited on signal N (SIGKILL) after N seconds from start"),
        ("connect() to unix:/run/php/php8.2-fpm.sock failed (111: Connection refused)",
         "connect() to unix:/run/php/php8.2-fpm.sock failed (N: Connection refused)"),
        ("client 203.0.113.40:51544 request *5", "client N:N request *N"),
        ("object(WP_Post)#0x00007f86bb615070 session 8f14e45fceea167a5a36dedd4bea2543", "object(WP_Post)#0xN session H"),
        ("AH00124: limit of 10 redirects in utf8mb4 plugin 2fa-login seo-2 v1.2", "AH00124: limit of N redirects in utf8mb4 plugin 2fa-login seo-2 v1.2"),
        ("Undefined array key \"sidebar_layout\"", "Undefined array key \"sidebar_layout\""),
        ("Argument #2 ($x) must be of type array", "Argument #N ($x) must be of type array"),
    ])
    func `normalizes the parts that change between repeats`(input: String, expected: String) {
        #expect(LogSignature.normalize(input, normalizeQuotedStrings: false) == expected)
    }

    @Test func `replaces quoted strings only when asked`() {
        let text = "Undefined array key \"sidebar_layout\" in 'x' doesn't"
        #expect(LogSignature.normalize(text, normalizeQuotedStrings: true) == "Undefined array key \"*\" in '*' doesn't")
        #expect(LogSignature.normalize(text, normalizeQuotedStrings: false) == text)
    }

    @Test func `cuts very long signatures`() {
        let long = String(repeating: "word ", count: 500)
        #expect(LogSignature.normalize(long, normalizeQuotedStrings: false).utf8.count == LogSignature.maximumLength)
    }

    @Test func `groups repeats of the same error and counts them`() throws {
        let summary = try LogFixtures.summary("debug.log")
        #expect(summary.totalEntries == 17)
        #expect(summary.report.reachedStartOfFile)

        let memory = try #require(summary.groups.first { $0.kind == .memoryExhausted(limitBytes: 134_217_728) })
        #expect(memory.count == 2)
        #expect(memory.signature == "Allowed memory size of N bytes exhausted (tried to allocate N bytes) @ wp-includes/class-wpdb.php")
        #expect(memory.firstSeen == (try LogFixtures.date("11:20:05")))
        #expect(memory.lastSeen == (try LogFixtures.date("11:20:40")))
        #expect(memory.level == .fatal)
        #expect(memory.attribution.source == .core)
        // The sample is the most recent occurrence.
        #expect(memory.sampleMessage == "Allowed memory size of 134217728 bytes exhausted (tried to allocate 4096 bytes)")
        #expect(memory.sampleLine == 2351)

        let sidebar = try #require(summary.groups.first { $0.signature.hasPrefix("Undefined array key") })
        #expect(sidebar.count == 2)
        #expect(sidebar.attribution.source == .theme(slug: "storefront-child"))

        let time = try #require(summary.groups.first { $0.kind == .timeLimit(seconds: 30) })
        #expect(time.attribution.source == .plugin(slug: "broken-links"))
        #expect(summary.groups.count == 15)
        #expect(summary.entriesByLevel == ["fatal": 8, "error": 1, "warning": 5, "notice": 1, "deprecated": 1, "info": 1])
    }

    @Test func `orders groups by severity, then count`() throws {
        let summary = try LogFixtures.summary("debug.log")
        let levels = summary.groups.map(\.level)
        #expect(levels == levels.sorted(by: >))
        #expect(summary.groups.first?.kind == .memoryExhausted(limitBytes: 134_217_728))
    }

    @Test func `keeps the same message from different sources apart`() throws {
        // nginx, PHP-FPM and Apache report the same plugin fatal and the same core deprecation.
        let folder = try TemporaryFolder()
        var text = ""
        for name in ["php-fpm.log", "nginx-error.log", "apache-error.log"] {
            text += try String(contentsOfFile: LogFixtures.path(name), encoding: .utf8)
        }
        let path = try folder.write("all.log", text)
        let summary = try LogReader(fileSystem: LocalFileSystem(), path: path, attributor: LogFixtures.attributor,
                                    options: LogFixtures.options()).summary()
        let legacy = summary.groups.filter { $0.attribution.source == .plugin(slug: "legacy-gateway") }
        #expect(legacy.count == 1)
        #expect(legacy.first?.count == 3)
        let deprecations = summary.groups.filter { $0.level == .deprecated }
        #expect(deprecations.count == 1)
        #expect(deprecations.first?.count == 3)
        // Different memory limits stay apart: a raised limit shows as a new group.
        let memory = summary.groups.filter { if case .memoryExhausted = $0.kind { return true } else { return false } }
        #expect(Set(memory.map(\.kind)) == [.memoryExhausted(limitBytes: 268_435_456), .memoryExhausted(limitBytes: 134_217_728)])
    }

    @Test func `groups more when quoted strings are normalized`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("keys.log", """
        [21-Nov-2026 10:00:00 UTC] PHP Warning:  Undefined array key "a" in /var/www/html/wp-content/plugins/p/p.php on line 3
        [21-Nov-2026 10:00:01 UTC] PHP Warning:  Undefined array key "b" in /var/www/html/wp-content/plugins/p/p.php on line 3

        """)
        let reader = LogReader(fileSystem: LocalFileSystem(), path: path, attributor: LogFixtures.attributor, options: LogFixtures.options())
        #expect(try reader.summary().groups.count == 2)
        let merged = try reader.summary(LogSummaryOptions(normalizeQuotedStrings: true))
        #expect(merged.groups.count == 1)
        #expect(merged.groups.first?.signature == "Undefined array key \"*\" @ wp-content/plugins/p/p.php")
    }

    @Test func `counts entries past the group limit without grouping them`() throws {
        let summary = try LogFixtures.summary("debug.log", LogSummaryOptions(maximumGroups: 3))
        #expect(summary.groups.count == 3)
        #expect(summary.totalEntries == 17)
        #expect(summary.ungroupedEntries == 17 - summary.groups.reduce(0) { $0 + $1.count })
    }

    @Test func `groups the same way when the exact-repeat shortcut has no room`() throws {
        // A tiny budget empties the seen-text table constantly; the groups must not change.
        let folder = try TemporaryFolder()
        var text = ""
        for index in 0..<300 {
            text += "[21-Nov-2026 10:00:\(String(format: "%02d", index % 60)) UTC] PHP Warning:  Undefined variable $v\(index % 7) in /var/www/html/wp-content/plugins/p/p.php on line \(index % 5)\n"
        }
        let path = try folder.write("many.log", text)
        func groups(budget: Int) throws -> [String: Int] {
            let builder = LogSummaryBuilder(options: LogSummaryOptions(), minimumLevel: nil, attributor: LogFixtures.attributor,
                                            localZone: LogFixtures.utc, memoryBudget: budget)
            let scanner = LogReverseScanner(limits: .init(chunkSize: 512, maxBytes: 1 << 30), localZone: LogFixtures.utc)
            let size = try #require(try LocalFileSystem().status(path)?.size)
            _ = try scanner.scan(fileSystem: LocalFileSystem(), path: path, size: size) { raw in
                _ = builder.add(raw)
                return .proceed
            }
            let summary = builder.summary(report: LogReadReport(path: path, fileSize: size, startOffset: 0, endOffset: size, bytesRead: size,
                                                                reachedStartOfFile: true, limitedByMaxBytes: false, stoppedEarly: false,
                                                                skippedLeadingBytes: 0, truncatedLines: 0, restarts: 0,
                                                                shrankWhileReading: false, grewWhileReadingBytes: 0))
            return Dictionary(uniqueKeysWithValues: summary.groups.map { ($0.signature, $0.count) })
        }
        let roomy = try groups(budget: 1 << 20)
        #expect(roomy.count == 7)
        #expect(roomy.values.reduce(0, +) == 300)
        #expect(try groups(budget: 64) == roomy)
    }
}
