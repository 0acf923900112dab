import Foundation
import Testing
@testable import WPRescueKit

struct LogFollowerTests {
    static let notice = "[21-Nov-2026 10:00:00 UTC] PHP Notice:  start in /var/www/html/index.php on line 1\n"

    static func follower(_ path: String, from offset: UInt64) -> LogFollower {
        LogFollower(fileSystem: LocalFileSystem(), path: path, startOffset: offset, attributor: LogFixtures.attributor,
                    localTimeZone: LogFixtures.utc, chunkSize: 16)
    }

    @Test func `hands out entries appended since the last poll`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("debug.log", Self.notice)
        let follower = Self.follower(path, from: UInt64(Self.notice.utf8.count))
        #expect(try follower.poll().entries.isEmpty)

        try folder.append(path, "[21-Nov-2026 10:00:01 UTC] PHP Warning:  one in /var/www/html/wp-content/plugins/a/a.php on line 2\n")
        try folder.append(path, "[21-Nov-2026 10:00:02 UTC] PHP Warning:  two in /var/www/html/wp-content/plugins/b/b.php on line 3\n")
        // `one` is complete because `two` started; `two` waits for one quiet poll.
        let first = try follower.poll()
        #expect(first.entries.map(\.message) == ["one"])
        #expect(first.entries.first?.attribution.source == .plugin(slug: "a"))
        let second = try follower.poll()
        #expect(second.entries.map(\.message) == ["two"])
        #expect(second.offset == (try LocalFileSystem().status(path)?.size))
        #expect(try follower.poll().entries.isEmpty)
    }

    @Test func `keeps a stack trace with its fatal across polls`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("debug.log", "")
        let follower = Self.follower(path, from: 0)
        try folder.append(path, "[21-Nov-2026 10:00:01 UTC] PHP Fatal error:  Uncaught Error: boom in /var/www/html/wp-includes/load.php:5\nStack trace:\n")
        #expect(try follower.poll().entries.isEmpty)
        try folder.append(path, "#0 /var/www/html/wp-content/themes/t/functions.php(3): boom()\n#1 {main}\n  thrown in /var/www/html/wp-includes/load.php on line 5\n")
        #expect(try follower.poll().entries.isEmpty)
        let update = try follower.poll()
        let fatal = try #require(update.entries.first)
        #expect(update.entries.count == 1)
        #expect(fatal.stackFrames.count == 2)
        #expect(fatal.attribution.source == .theme(slug: "t"))
        #expect(fatal.attribution.attributedVia == .stackFrame(index: 0))
    }

    @Test func `waits for the rest of a half-written line`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("debug.log", "")
        let follower = Self.follower(path, from: 0)
        try folder.append(path, "[21-Nov-2026 10:00:01 UTC] PHP Warning:  half")
        let partial = try follower.poll()
        #expect(partial.entries.isEmpty)
        #expect(partial.offset == 0)
        try folder.append(path, " written in /var/www/html/index.php on line 4\n")
        _ = try follower.poll()
        #expect(try follower.poll().entries.map(\.message) == ["half written"])
    }

    @Test func `restarts at the beginning when the log is truncated or rotated`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("debug.log", Self.notice + Self.notice)
        let follower = Self.follower(path, from: UInt64(2 * Self.notice.utf8.count))
        _ = try FileManager.default.removeItem(atPath: path)
        let gone = try follower.poll()
        #expect(gone.fileMissing)
        _ = try folder.write("debug.log", "[21-Nov-2026 11:00:00 UTC] PHP Notice:  fresh in /var/www/html/index.php on line 1\n")
        let restarted = try follower.poll()
        #expect(restarted.restartedFromStart)
        let entries = try follower.poll().entries
        #expect(entries.map(\.message) == ["fresh"])
    }

    @Test func `reads a large backlog over several polls`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("debug.log", "")
        var text = ""
        for index in 0..<50 { text += "[21-Nov-2026 10:00:\(String(format: "%02d", index)) UTC] PHP Notice:  n\(index) in /var/www/html/index.php on line 1\n" }
        try folder.append(path, text)
        let follower = LogFollower(fileSystem: LocalFileSystem(), path: path, startOffset: 0, localTimeZone: LogFixtures.utc,
                                   maxBytesPerPoll: 1000, chunkSize: 64)
        var messages: [String] = []
        for _ in 0..<20 { messages += try follower.poll().entries.map(\.message) }
        #expect(messages == (0..<50).map { "n\($0)" })
    }
}
