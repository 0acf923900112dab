import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// The summary skips parsing for texts it has seen, exactly or up to numbers and hashes. These tests feed it
/// lines built to differ in exactly the places where skipping would be wrong, and require the same groups as
/// parsing every entry.
struct LogSummaryCacheTests {
    /// Templates where `@` becomes a random number and `%` a random hex hash.
    static let templates = [
        "[DAY UTC] PHP Fatal error:  Allowed memory size of 13421772@ bytes exhausted (tried to allocate @ bytes) in /var/www/site 2/wp-includes/class-wpdb.php on line 2349",
        "[DAY UTC] PHP Fatal error:  Allowed memory size of 26843545@ bytes exhausted (tried to allocate @ bytes) in /var/www/site @/wp-content/plugins/a/a.php on line @",
        "[DAY UTC] PHP Fatal error:  Maximum execution time of @ seconds exceeded in /var/www/site 2/wp-content/plugins/slow/slow.php on line @",
        "[DAY UTC] PHP Warning:  Undefined array key @ in /var/www/site 2/wp-content/themes/t/functions.php on line @",
        "[DAY UTC] PHP Warning:  Disk is @.5GB full and @.@ seconds late, code @.@ in /var/www/site 2/wp-content/plugins/b/b.php on line @",
        "[DAY UTC] PHP Notice:  Value 1234567890123456789@ too long in /var/www/site 2/index.php on line 9999999999999999999@",
        "[DAY UTC] PHP Warning:  Session % expired at 0x%, object #% in /var/www/site 2/wp-content/mu-plugins/m.php on line 3",
        "[DAY UTC] WordPress database error Table 'wp_@' doesn't exist for query SELECT * FROM wp_@ WHERE k = '%' made by require('wp-blog-header.php'), boot_@",
        "[DAY UTC] Order @ failed after @ retries (%)",
        "[DAY UTC] PHP Fatal error:  Uncaught Error: Call to undefined function f@() in /var/www/site 2/wp-includes/load.php:@\nStack trace:\n#0 /var/www/site @/wp-content/plugins/p@/p.php(@): f@('@')\n#1 [internal function]: g('@')\n#2 {main}\n  thrown in /var/www/site 2/wp-includes/load.php on line @",
        "[DAY UTC] PHP Fatal error:  Uncaught Exception: code\n@ in /var/www/site 2/wp-content/plugins/c/c.php:@\nStack trace:\n#0 {main}\n  thrown in /var/www/site 2/wp-content/plugins/c/c.php on line @",
        "[DAY] WARNING: [pool www] child @ exited on signal @ (SIG) after @.@ seconds from start",
        "[DAY] WARNING: [pool www] child @ said into stderr: \"NOTICE: PHP message: PHP Warning:  Undefined variable $v@ in /var/www/site 2/wp-content/plugins/d/d.php on line @\"",
        "[DAY] WARNING: [pool www] server reached pm.max_children setting (@), consider raising it",
        "NGINX [error] @#@: *@ recv() failed (@: Connection reset by peer) while reading response header from upstream, client: @.@.@.@, server: _, request: \"GET /?p=@ HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"x\"",
        "NGINX [error] @#@: *@ FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined array key @ in /var/www/site 2/wp-content/plugins/e/e.php on line @\\nPHP message: PHP Notice:  n@ in /var/www/site @/index.php on line @\" while reading response header from upstream, client: @.@.@.@",
        "APACHE [php:error] [pid @:tid @] [client @.@.@.@:@] PHP Fatal error:  Uncaught Error: x in /var/www/site 2/wp-content/plugins/f/f.php:@\\nStack trace:\\n#0 {main}\\n  thrown in /var/www/site 2/wp-content/plugins/f/f.php on line @",
        "APACHE [core:notice] [pid @:tid @] AH00052: child pid @ exit signal Segmentation fault (@)",
        "APACHE [proxy_fcgi:error] [pid @:tid @] (@)Connection reset by peer: [client @.@.@.@:@] AH01075: Error dispatching request to : ",
    ]

    static func makeLog(lines: Int, seed: UInt64) -> String {
        var generator = SeededGenerator(seed: seed)
        var text = ""
        for index in 0..<lines {
            let template = templates[Int(generator.next() % UInt64(templates.count))]
            let second = index % 60
            let day = String(format: "21-Nov-2026 10:%02d:%02d", (index / 60) % 60, second)
            var line = template
                .replacingOccurrences(of: "[DAY UTC]", with: "[\(day) UTC]")
                .replacingOccurrences(of: "[DAY]", with: "[\(day)]")
                .replacingOccurrences(of: "NGINX", with: String(format: "2026/11/21 10:%02d:%02d", (index / 60) % 60, second))
                .replacingOccurrences(of: "APACHE", with: String(format: "[Sat Nov 21 10:%02d:%02d.000001 2026]", (index / 60) % 60, second))
            // Few distinct values, so that texts recur both exactly and with other numbers.
            while let mark = line.firstIndex(where: { $0 == "@" || $0 == "%" }) {
                let isHash = line[mark] == "%"
                let value = generator.next() % 4
                let replacement = isHash ? String(format: "%08x%08x", value * 2654435761 % 99991, value + 7) : String([3, 9, 15, 104][Int(value)])
                line.replaceSubrange(mark...mark, with: replacement)
            }
            text += line + "\n"
        }
        return text
    }

    static func summary(of path: String, similarCache: Bool, budget: Int, quotes: Bool = false) throws -> [LogSummaryGroup] {
        let attributor = LogAttributor(layout: .standard(root: "/var/www/site 2"))
        let builder = LogSummaryBuilder(options: LogSummaryOptions(normalizeQuotedStrings: quotes), minimumLevel: nil,
                                        attributor: attributor, localZone: LogFixtures.utc, memoryBudget: budget)
        builder.usesSimilarCache = similarCache
        let scanner = LogReverseScanner(limits: .init(chunkSize: 4096, maxBytes: 1 << 30), localZone: LogFixtures.utc)
        let size = try #require(try LocalFileSystem().status(path)?.size)
        _ = try scanner.scan(fileSystem: LocalFileSystem(), path: path, size: size) { raw in
            _ = builder.add(raw)
            return .proceed
        }
        let report = LogReadReport(path: path, fileSize: size, startOffset: 0, endOffset: size, bytesRead: size, reachedStartOfFile: true,
                                   limitedByMaxBytes: false, stoppedEarly: false, skippedLeadingBytes: 0, truncatedLines: 0,
                                   restarts: 0, shrankWhileReading: false, grewWhileReadingBytes: 0)
        return builder.summary(report: report).groups
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func `caching gives the same groups as parsing every entry`(seed: UInt64) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("varied.log", Self.makeLog(lines: 3000, seed: seed))
        let parsedEach = try Self.summary(of: path, similarCache: false, budget: 1 << 20)
        #expect(parsedEach.count > 100)
        #expect(try Self.summary(of: path, similarCache: true, budget: 1 << 20) == parsedEach)
        // A budget so small that both caches keep starting over.
        #expect(try Self.summary(of: path, similarCache: true, budget: 6000) == parsedEach)
        #expect(try Self.summary(of: path, similarCache: true, budget: 1 << 20, quotes: true)
            == Self.summary(of: path, similarCache: false, budget: 1 << 20, quotes: true))
    }

    @Test func `keeps memory limits, time limits and signals apart`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("kinds.log", Self.makeLog(lines: 3000, seed: 9))
        let groups = try Self.summary(of: path, similarCache: true, budget: 1 << 20)
        let limits = Set(groups.compactMap { group -> UInt64? in
            if case .memoryExhausted(let limit) = group.kind { return limit } else { return nil }
        })
        let expected = Set(["13421772", "26843545"].flatMap { base in [3, 9, 15, 104].compactMap { UInt64(base + String($0)) } })
        #expect(limits == expected)
        let signals = Set(groups.compactMap { group -> Int? in
            if case .workerKilled(let signal) = group.kind { return signal } else { return nil }
        })
        #expect(signals.count >= 4)
        // SIGTERM (15) and SIGQUIT (3) keep PHP-FPM's warning level; the others are errors.
        for group in groups {
            if case .workerKilled(let signal) = group.kind, group.format == .phpFPM {
                #expect(group.level == (signal == 15 || signal == 3 ? .warning : .error))
            }
        }
    }

    @Test func `the cache key keeps paths, limits and long numbers but drops short ones`() {
        func key(_ text: String) -> String {
            var text = text
            return text.withUTF8 { input in
                let output = UnsafeMutablePointer<UInt8>.allocate(capacity: LogSignature.outputCapacity(for: input.count))
                defer { output.deallocate() }
                let count = LogSignature.normalize(input, into: output, normalizeQuotedStrings: false, forCacheKey: true)
                return String(decoding: UnsafeBufferPointer(start: output, count: count), as: UTF8.self)
            }
        }
        #expect(key("Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in /x/2/a.php on line 12")
            == "Allowed memory size of 134217728 bytes exhausted (tried to allocate N bytes) in /x/2/a.php on line N")
        #expect(key("took 1.5 s, 12345678901234567890 ids, #3 frame, child 845") == "took 1.5 s, 12345678901234567890 ids, #N frame, child N")
        #expect(key("[21-Nov-2026 10:00:00] session 8f14e45fceea167a 1.5GB") == "[21-Nov-2026 10:00:00] session H 1.5GB")
    }
}

