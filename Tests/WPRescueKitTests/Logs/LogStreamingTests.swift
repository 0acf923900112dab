import Foundation
import Testing
@testable import WPRescueKit

/// `forEachEntry`, behind `log --tail 0`: the same entries as the collecting reader, oldest
/// first, one at a time.
struct LogStreamingTests {
    private func streamed(_ path: String, _ change: (inout LogReadOptions) -> Void = { _ in }) throws -> (entries: [LogEntry], report: LogReadReport) {
        var entries: [LogEntry] = []
        let report = try LogReader(fileSystem: LocalFileSystem(), path: path, options: LogFixtures.options(change)).forEachEntry { entries.append($0) }
        return (entries, report)
    }

    private func collected(_ path: String, _ change: (inout LogReadOptions) -> Void = { _ in }) throws -> [LogEntry] {
        try LogReader(fileSystem: LocalFileSystem(), path: path, options: LogFixtures.options(change)).entries().entries
    }

    @Test(arguments: ["debug.log", "php-fpm.log", "nginx-error.log", "apache-error.log"])
    func `gives what the collecting reader gives, in small chunks too`(name: String) throws {
        let path = try LogFixtures.path(name)
        let expected = try collected(path)
        #expect(!expected.isEmpty)
        for chunk in [64, 256 << 10] {
            let (entries, _) = try streamed(path) { $0.chunkSize = chunk }
            #expect(entries.map(\.message) == expected.map(\.message), "chunk \(chunk)")
            #expect(entries.map(\.attribution) == expected.map(\.attribution))
            #expect(entries.map(\.stackFrames.count) == expected.map(\.stackFrames.count))
        }
    }

    @Test func `level and since filter as they do when collecting`() throws {
        let path = try LogFixtures.path("debug.log")
        let since = try LogFixtures.date("11:25:00")
        let filters: [(inout LogReadOptions) -> Void] = [{ $0.minimumLevel = .fatal }, { $0.since = since }]
        for filter in filters {
            #expect(try streamed(path, filter).entries.map(\.message) == collected(path, filter).map(\.message))
        }
    }

    @Test func `a window cut by max-bytes starts at a whole entry, and a last line without a newline still counts`() throws {
        let folder = try TemporaryFolder()
        var text = ""
        for index in 0..<200 {
            text += "[21-Nov-2026 10:\(String(format: "%02d", index % 60)):00 UTC] PHP Fatal error:  Uncaught Error: number \(index) in /var/www/html/wp-content/plugins/shop/shop.php:12\n"
            text += "Stack trace:\n#0 /var/www/html/wp-settings.php(632): include()\n#1 {main}\n  thrown in /var/www/html/wp-content/plugins/shop/shop.php on line 12\n"
        }
        text += "[21-Nov-2026 11:00:00 UTC] PHP Warning:  the last one, unfinished"
        let path = try folder.write("cut.log", text)
        let (entries, report) = try streamed(path) { $0.maxBytes = 10_000; $0.chunkSize = 512 }
        let expected = try collected(path) { $0.maxBytes = 10_000; $0.chunkSize = 512 }
        #expect(entries.map(\.message) == expected.map(\.message))
        #expect(entries.first?.message.hasPrefix("Uncaught Error: number") == true)
        #expect(entries.last?.message == "the last one, unfinished")
        #expect(report.limitedByMaxBytes)
    }

    @Test func `a line longer than a whole read does not stop the listing`() throws {
        let folder = try TemporaryFolder()
        let long = String(repeating: "x", count: 5 << 20)
        let path = try folder.write("long.log", "[21-Nov-2026 10:00:00 UTC] PHP Warning:  before\n"
            + "[21-Nov-2026 10:00:01 UTC] PHP Warning:  \(long)\n"
            + "[21-Nov-2026 10:00:02 UTC] PHP Warning:  after\n")
        let (entries, _) = try streamed(path) { $0.maxBytes = 64 << 20 }
        #expect(entries.first?.message == "before")
        #expect(entries.last?.message == "after")
    }

    @Test func `an empty log streams nothing`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("empty.log", "")
        #expect(try streamed(path).entries.isEmpty)
    }
}
