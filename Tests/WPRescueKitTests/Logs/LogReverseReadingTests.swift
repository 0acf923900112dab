import Foundation
import Testing
@testable import WPRescueKit

/// The local disk, with a hook that runs after each range read so a test can change the file mid-read,
/// the way a busy server writes to (or rotates) a log while wprescue reads it.
final class InterferingFileSystem: SiteFileSystem {
    private let disk = LocalFileSystem()
    var afterRead: (_ readNumber: Int) throws -> Void = { _ in }
    private(set) var reads = 0

    var locationDescription: String { disk.locationDescription }
    func status(_ path: String) throws(FileAccessError) -> FileStatus? { try disk.status(path) }
    func list(_ path: String) throws(FileAccessError) -> [DirectoryEntry] { try disk.list(path) }
    func read(_ path: String, limit: Int) throws(FileAccessError) -> Data { try disk.read(path, limit: limit) }
    func read(_ path: String, offset: UInt64, length: Int) throws(FileAccessError) -> Data {
        let data = try disk.read(path, offset: offset, length: length)
        reads += 1
        do { try afterRead(reads) } catch { throw FileAccessError.failed(path: path, operation: "interfere with", detail: "\(error)") }
        return data
    }
    func writeAtomically(_ path: String, contents: Data, newFileMode: UInt16) throws(FileAccessError) {
        try disk.writeAtomically(path, contents: contents, newFileMode: newFileMode)
    }
    func move(_ source: String, to destination: String) throws(FileAccessError) { try disk.move(source, to: destination) }
    func createDirectory(_ path: String, mode: UInt16) throws(FileAccessError) { try disk.createDirectory(path, mode: mode) }
    func removeFile(_ path: String) throws(FileAccessError) { try disk.removeFile(path) }
    func removeDirectory(_ path: String) throws(FileAccessError) { try disk.removeDirectory(path) }
    func canonicalPath(_ path: String) throws(FileAccessError) -> String { try disk.canonicalPath(path) }
    func setPermissions(_ path: String, _ mode: UInt16) throws(FileAccessError) { try disk.setPermissions(path, mode) }
    var warningHandler: ((FileAccessWarning) -> Void)? {
        get { disk.warningHandler }
        set { disk.warningHandler = newValue }
    }
}

struct LogReverseReadingTests {
    static let fixtureNames = ["debug.log", "php-fpm.log", "php-fpm-slow.log", "nginx-error.log", "apache-error.log"]

    /// Every fixture in one file, so chunk edges fall in every format.
    static func allFixtures(in folder: TemporaryFolder) throws -> String {
        var text = ""
        for name in fixtureNames { text += try String(contentsOfFile: LogFixtures.path(name), encoding: .utf8) }
        return try folder.write("all.log", text)
    }

    static func read(_ path: String, fileSystem: SiteFileSystem = LocalFileSystem(),
                     _ change: (inout LogReadOptions) -> Void = { _ in }) throws -> LogEntries {
        try LogReader(fileSystem: fileSystem, path: path, attributor: LogFixtures.attributor, options: LogFixtures.options(change)).entries()
    }

    @Test(arguments: [1, 2, 3, 7, 13, 100, 4096])
    func `tiny chunks give the same entries as one whole read`(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        let path = try Self.allFixtures(in: folder)
        let whole = try Self.read(path)
        let chunked = try Self.read(path) { $0.chunkSize = chunkSize }
        #expect(whole.entries.count == 63)
        #expect(chunked.entries == whole.entries)
        #expect(chunked.report.bytesRead == whole.report.fileSize)
        #expect(chunked.report.reachedStartOfFile)
    }

    @Test(arguments: [1, 7, 4096])
    func `tiny chunks give the same summary as one whole read`(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        let path = try Self.allFixtures(in: folder)
        let reader = { (size: Int) in
            LogReader(fileSystem: LocalFileSystem(), path: path, attributor: LogFixtures.attributor,
                      options: LogFixtures.options { $0.chunkSize = size })
        }
        #expect(try reader(chunkSize).summary().groups == reader(1 << 20).summary().groups)
    }

    @Test func `a range starting mid-file keeps exactly the entries that start inside it`() throws {
        let folder = try TemporaryFolder()
        let path = try Self.allFixtures(in: folder)
        let whole = try Self.read(path).entries
        let size = try #require(try LocalFileSystem().status(path)?.size)
        // Every entry start, the bytes around it, and a spread of positions in between.
        var starts = Set(stride(from: UInt64(1), through: size, by: 41))
        for entry in whole where entry.offset > 0 {
            for delta: Int64 in [-2, -1, 0, 1, 2] { starts.insert(UInt64(Int64(entry.offset) + delta)) }
        }
        starts.insert(1)
        for maxBytes in starts.map({ size - $0 }).sorted() where maxBytes > 0 {
            let partial = try Self.read(path) { $0.maxBytes = maxBytes; $0.chunkSize = 64 }
            let lowest = size - maxBytes
            let expected = whole.filter { $0.offset >= lowest }
            #expect(partial.entries == expected, "maxBytes \(maxBytes)")
            if lowest > 0 {
                #expect(partial.report.limitedByMaxBytes)
                #expect(!partial.report.reachedStartOfFile)
                #expect(partial.report.skippedLeadingBytes == (expected.first?.offset ?? size) - lowest, "maxBytes \(maxBytes)")
            }
        }
    }

    @Test func `a range that starts exactly at a line start keeps that line`() throws {
        let folder = try TemporaryFolder()
        let first = "[21-Nov-2026 10:00:00 UTC] PHP Notice:  first in /var/www/html/index.php on line 1\n"
        let second = "[21-Nov-2026 10:00:01 UTC] PHP Notice:  second in /var/www/html/index.php on line 1\n"
        let path = try folder.write("two.log", first + second)
        let exact = try Self.read(path) { $0.maxBytes = UInt64(second.utf8.count) }
        #expect(exact.entries.map(\.message) == ["second"])
        #expect(exact.report.skippedLeadingBytes == 0)
        let oneShort = try Self.read(path) { $0.maxBytes = UInt64(second.utf8.count - 1) }
        #expect(oneShort.entries.isEmpty)
        #expect(oneShort.report.skippedLeadingBytes == UInt64(second.utf8.count - 1))
    }

    @Test func `reads invalid UTF-8 lossily instead of failing`() throws {
        let folder = try TemporaryFolder()
        var bytes = Array("[21-Nov-2026 10:00:00 UTC] PHP Warning:  Bad ".utf8)
        bytes += [0xFF, 0xFE, 0xC3]  // not UTF-8, and a sequence cut short
        bytes += Array(" bytes in /var/www/html/wp-content/plugins/p/p.php on line 9\n".utf8)
        bytes += Array("[21-Nov-2026 10:00:01 UTC] PHP Notice:  fine in /var/www/html/index.php on line 1\n".utf8)
        let path = try folder.write("binary.log", bytes)
        for chunkSize in [1, 5, 4096] {
            let entries = try Self.read(path) { $0.chunkSize = chunkSize }.entries
            #expect(entries.count == 2)
            #expect(entries.first?.message.hasPrefix("Bad \u{FFFD}") == true)
            #expect(entries.first?.message.hasSuffix(" bytes") == true)
            #expect(entries.first?.attribution.source == .plugin(slug: "p"))
            #expect(entries.first?.line == 9)
        }
    }

    @Test func `treats CRLF line ends like LF`() throws {
        let folder = try TemporaryFolder()
        let text = try String(contentsOfFile: LogFixtures.path("debug.log"), encoding: .utf8)
        let lf = try Self.read(try folder.write("lf.log", text)).entries
        let crlf = try Self.read(try folder.write("crlf.log", text.replacingOccurrences(of: "\n", with: "\r\n"))) { $0.chunkSize = 7 }.entries
        #expect(crlf.count == lf.count)
        for (left, right) in zip(crlf, lf) {
            var aligned = left
            aligned.offset = right.offset
            #expect(aligned == right)
        }
        #expect(crlf.allSatisfy { !$0.raw.contains("\r") })
    }

    @Test func `reads a last line that has no newline`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("open.log", "[21-Nov-2026 10:00:00 UTC] PHP Notice:  one in /var/www/html/index.php on line 1\n[21-Nov-2026 10:00:01 UTC] PHP Notice:  two in /var/www/html/index.php on line 2")
        for chunkSize in [1, 3, 4096] {
            #expect(try Self.read(path) { $0.chunkSize = chunkSize }.entries.map(\.message) == ["one", "two"])
        }
    }

    @Test func `turns text before the first entry into an unrecognized entry`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("cut.log", "#3 /var/www/html/wp-settings.php(10): require()\n#4 {main}\n[21-Nov-2026 10:00:00 UTC] PHP Notice:  one in /var/www/html/index.php on line 1\n")
        let entries = try Self.read(path) { $0.chunkSize = 5 }.entries
        #expect(entries.map(\.kind) == [.unrecognized, .phpError])
        #expect(entries.first?.raw == "#3 /var/www/html/wp-settings.php(10): require()\n#4 {main}")
        #expect(entries.first?.offset == 0)
    }

    @Test func `cuts a line far longer than the limit and keeps its start`() throws {
        let folder = try TemporaryFolder()
        let long = "[21-Nov-2026 10:00:00 UTC] PHP Warning:  " + String(repeating: "x", count: 5000) + " in /var/www/html/index.php on line 1\n"
        let path = try folder.write("long.log", long + "[21-Nov-2026 10:00:01 UTC] PHP Notice:  after in /var/www/html/index.php on line 2\n")
        let scanner = LogReverseScanner(limits: .init(chunkSize: 300, maxBytes: 1 << 20, maxLineBytes: 200), localZone: LogFixtures.utc)
        var messages: [String] = []
        var parser = LogEntryParser(localZone: LogFixtures.utc, attributor: nil)
        let size = try #require(try LocalFileSystem().status(path)?.size)
        let outcome = try scanner.scan(fileSystem: LocalFileSystem(), path: path, size: size) { raw in
            messages += parser.parse(raw).map(\.message)
            return .proceed
        }
        #expect(outcome.truncatedLines == 1)
        #expect(messages.count == 2)
        #expect(messages.first == "after")
        #expect(messages.last?.hasPrefix("xxxx") == true)
        // Cut to at most maxLineBytes + chunkSize bytes, the start kept.
        #expect((messages.last?.utf8.count ?? 0) < 500)
    }

    @Test func `gives a head at most the configured number of continuation lines`() throws {
        let folder = try TemporaryFolder()
        var text = "[21-Nov-2026 10:00:00 UTC] PHP Fatal error:  Uncaught Error: x in /var/www/html/index.php:1\nStack trace:\n"
        for index in 0..<10 { text += "#\(index) /var/www/html/wp-settings.php(\(index)): f()\n" }
        let path = try folder.write("deep.log", text)
        let scanner = LogReverseScanner(limits: .init(chunkSize: 16, maxBytes: 1 << 20, maxContinuationLines: 4), localZone: LogFixtures.utc)
        var heads: [Bool] = []
        var lineCounts: [Int] = []
        let size = try #require(try LocalFileSystem().status(path)?.size)
        _ = try scanner.scan(fileSystem: LocalFileSystem(), path: path, size: size) { raw in
            heads.append(raw.head != nil)
            lineCounts.append(raw.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count)
            return .proceed
        }
        // Newest first: the farthest lines come out as text of their own, the head keeps the four closest.
        #expect(heads == [false, false, true])
        #expect(lineCounts == [4, 4, 4])
    }

    @Test func `starts over when the file is truncated while being read`() throws {
        let folder = try TemporaryFolder()
        let path = try Self.allFixtures(in: folder)
        let replacement = "[21-Nov-2026 12:00:00 UTC] PHP Notice:  after rotation in /var/www/html/index.php on line 1\n"
        let fileSystem = InterferingFileSystem()
        fileSystem.afterRead = { number in
            if number == 2 { try Data(replacement.utf8).write(to: URL(fileURLWithPath: path)) }
        }
        let result = try Self.read(path, fileSystem: fileSystem) { $0.chunkSize = 256 }
        #expect(result.report.restarts == 1)
        #expect(!result.report.shrankWhileReading)
        #expect(result.entries.map(\.message) == ["after rotation"])
        #expect(result.report.fileSize == UInt64(replacement.utf8.count))
    }

    @Test func `notices a truncation that happens after the last read`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("small.log", "[21-Nov-2026 10:00:00 UTC] PHP Notice:  one in /var/www/html/index.php on line 1\n")
        let fileSystem = InterferingFileSystem()
        fileSystem.afterRead = { number in
            // Truncated to empty right after the only read: the stat afterwards sees it.
            if number == 1 { try Data().write(to: URL(fileURLWithPath: path)) }
        }
        let result = try Self.read(path, fileSystem: fileSystem)
        #expect(result.report.restarts == 1)
        #expect(result.entries.isEmpty)
        #expect(result.report.fileSize == 0)
    }

    @Test func `reports a file that keeps shrinking instead of looping`() throws {
        let folder = try TemporaryFolder()
        let path = try Self.allFixtures(in: folder)
        let fileSystem = InterferingFileSystem()
        fileSystem.afterRead = { _ in
            let size = try #require(try LocalFileSystem().status(path)?.size)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: size / 2)
            try handle.close()
        }
        let result = try Self.read(path, fileSystem: fileSystem) { $0.chunkSize = 512 }
        #expect(result.report.restarts == 2)
        #expect(result.report.shrankWhileReading)
    }

    @Test func `reports growth during the read and leaves the new bytes to the follower`() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("grow.log", "[21-Nov-2026 10:00:00 UTC] PHP Notice:  one in /var/www/html/index.php on line 1\n")
        let added = "[21-Nov-2026 10:00:05 UTC] PHP Notice:  two in /var/www/html/index.php on line 1\n"
        let fileSystem = InterferingFileSystem()
        fileSystem.afterRead = { number in if number == 1 { try folder.append(path, added) } }
        let result = try Self.read(path, fileSystem: fileSystem)
        #expect(result.entries.map(\.message) == ["one"])
        #expect(result.report.grewWhileReadingBytes == UInt64(added.utf8.count))
        let follower = LogFollower(fileSystem: LocalFileSystem(), path: path, startOffset: result.report.endOffset, localTimeZone: LogFixtures.utc)
        _ = try follower.poll()
        #expect(try follower.poll().entries.map(\.message) == ["two"])
    }

    @Test func `follows a symbolic link to the log`() throws {
        let folder = try TemporaryFolder()
        let target = try folder.write("real.log", "[21-Nov-2026 10:00:00 UTC] PHP Notice:  linked in /var/www/html/index.php on line 1\n")
        let link = SitePath.join(folder.path, "debug.log")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let result = try Self.read(link)
        #expect(result.entries.map(\.message) == ["linked"])
        #expect(result.report.path == (try LocalFileSystem().canonicalPath(target)))
    }

    @Test func `says where the log is missing`() throws {
        let folder = try TemporaryFolder()
        let missing = SitePath.join(folder.path, "debug.log")
        #expect(throws: LogReadError.missing(path: missing, location: "local")) { try Self.read(missing) }
        #expect(throws: LogReadError.notAFile(path: folder.path, location: "local")) { try Self.read(folder.path) }
        #expect(LogReadError.missing(path: missing, location: "local").errorDescription?.contains("--file") == true)
    }

    @Test func `an empty file has no entries`() throws {
        let folder = try TemporaryFolder()
        let result = try Self.read(try folder.write("empty.log", ""))
        #expect(result.entries.isEmpty)
        #expect(result.report.reachedStartOfFile)
        #expect(result.report.bytesRead == 0)
    }
}
