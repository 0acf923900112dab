import Foundation
import Testing
@testable import WPRescueKit

struct LogFilterTests {
    @Test func `tail keeps the last entries, oldest first`() throws {
        let entries = try LogFixtures.entries("debug.log") { $0.tail = 3 }
        #expect(entries.map(\.message) == [
            "Uncaught Error: Class \"Acme\\Platform\\Telemetry\" not found",
            "Uncaught Error: Call to undefined function wp_get_current_user()",
            "Legacy Gateway: webhook signature mismatch for order 4411",
        ])
    }

    @Test func `tail stops reading once it has enough`() throws {
        let result = try LogReader(fileSystem: LocalFileSystem(), path: LogFixtures.path("debug.log"),
                                   options: LogFixtures.options { $0.tail = 1; $0.chunkSize = 64 }).entries()
        #expect(result.entries.count == 1)
        #expect(result.report.stoppedEarly)
        #expect(!result.report.reachedStartOfFile)
        #expect(result.report.bytesRead < result.report.fileSize)
    }

    @Test(arguments: [
        (LogLevel.fatal, 8), (.error, 9), (.warning, 14), (.notice, 15), (.deprecated, 16), (.info, 17),
    ])
    func `minimum level keeps that level and above`(level: LogLevel, count: Int) throws {
        let entries = try LogFixtures.entries("debug.log") { $0.minimumLevel = level }
        #expect(entries.count == count)
        #expect(entries.allSatisfy { $0.level >= level })
    }

    @Test func `level and tail combine: the last two fatals`() throws {
        let entries = try LogFixtures.entries("debug.log") { $0.minimumLevel = .fatal; $0.tail = 2 }
        #expect(entries.map(\.kind) == [.uncaughtThrowable(className: "Error"), .uncaughtThrowable(className: "Error")])
        #expect(entries.last?.file == "/var/www/html/wp-includes/capabilities.php")
    }

    @Test func `since keeps entries from that time on and stops well before it`() throws {
        let since = try LogFixtures.date("11:25:00")
        let result = try LogReader(fileSystem: LocalFileSystem(), path: LogFixtures.path("debug.log"),
                                   options: LogFixtures.options { $0.since = since }).entries()
        #expect(result.entries.count == 4)
        #expect(result.entries.allSatisfy { ($0.timestamp ?? .distantPast) >= since })
        #expect(result.report.stoppedEarly)
        #expect(!result.report.reachedStartOfFile)
    }

    @Test func `since tolerates lines slightly out of order`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("order.log", """
        [21-Nov-2026 10:00:00 UTC] PHP Notice:  A in /var/www/html/index.php on line 1
        [21-Nov-2026 10:30:00 UTC] PHP Notice:  B in /var/www/html/index.php on line 1
        [21-Nov-2026 10:25:00 UTC] PHP Notice:  C in /var/www/html/index.php on line 1
        [21-Nov-2026 10:31:00 UTC] PHP Notice:  D in /var/www/html/index.php on line 1

        """)
        let since = try LogFixtures.date("10:28:00")
        let entries = try LogReader(fileSystem: LocalFileSystem(), path: path,
                                    options: LogFixtures.options { $0.since = since }).entries().entries
        #expect(entries.map(\.message) == ["B", "D"])
    }

    @Test func `since leaves out text without a timestamp`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("orphan.log", "text before any entry\n[21-Nov-2026 10:30:00 UTC] PHP Notice:  B in /var/www/html/index.php on line 1\n")
        let all = try LogReader(fileSystem: LocalFileSystem(), path: path, options: LogFixtures.options()).entries().entries
        #expect(all.map(\.kind) == [.unrecognized, .phpError])
        let since = try LogFixtures.date("10:00:00")
        let recent = try LogReader(fileSystem: LocalFileSystem(), path: path, options: LogFixtures.options { $0.since = since }).entries().entries
        #expect(recent.map(\.message) == ["B"])
    }

    @Test func `summary honours level and tail`() throws {
        let fatal = try LogFixtures.summary("debug.log") { $0.minimumLevel = .fatal }
        #expect(fatal.totalEntries == 8)
        #expect(fatal.groups.allSatisfy { $0.level == .fatal })
        #expect(fatal.entriesByLevel == ["fatal": 8])

        let lastThree = try LogFixtures.summary("debug.log") { $0.tail = 3 }
        #expect(lastThree.totalEntries == 3)
        #expect(lastThree.groups.map(\.count).reduce(0, +) == 3)
    }

    @Test func `summary honours since`() throws {
        let since = try LogFixtures.date("11:20:00")
        let summary = try LogFixtures.summary("debug.log") { $0.since = since }
        #expect(summary.totalEntries == 10)
        #expect(summary.groups.allSatisfy { ($0.firstSeen ?? .distantPast) >= since })
    }
}
