import Foundation

/// What one `LogFollower.poll()` found. JSON: the property names.
public struct LogFollowUpdate: Equatable, Sendable, Codable {
    /// Complete entries written since the last poll, oldest first.
    public var entries: [LogEntry]
    /// True when the file was found shorter than the last offset (truncated or rotated) and reading restarted at 0.
    public var restartedFromStart: Bool
    /// True when the file is gone for now (rotation in progress); polling again later picks up the new one.
    public var fileMissing: Bool
    public var bytesRead: UInt64
    /// The offset the next poll continues from.
    public var offset: UInt64
}

/// `--follow`: reads what was appended to a log since the last poll.
///
/// An entry is handed out once the line of the next entry appears, or at the first poll that finds nothing
/// new (PHP writes a stack trace in one go, so by then it is complete). A file found shorter than the last
/// offset was truncated or rotated; reading restarts at its beginning. A rotation that replaces the file with
/// one already longer than the old offset cannot be told apart from growth through `SiteFileSystem`.
public final class LogFollower {
    public private(set) var offset: UInt64
    /// Read nothing past this offset (a listing of a window, not a follow).
    public var stopOffset: UInt64?
    private let fileSystem: SiteFileSystem
    private let path: String
    private let maxBytesPerPoll: Int
    private let chunkSize: Int
    private let maxEntryBytes = 1 << 20
    private var classifier: LogLineClassifier
    private var parser: LogEntryParser
    private var pending: [UInt8] = []
    private var pendingHead: LogLineHead?
    private var pendingOffset: UInt64 = 0

    /// `startOffset`: usually `LogReadReport.endOffset` of the read that showed the latest entries.
    public init(fileSystem: SiteFileSystem, path: String, startOffset: UInt64, attributor: LogAttributor? = nil,
                localTimeZone: TimeZone = .current, maxBytesPerPoll: Int = 16 << 20, chunkSize: Int = 1 << 20) {
        self.fileSystem = fileSystem
        self.path = path
        offset = startOffset
        self.maxBytesPerPoll = max(1, maxBytesPerPoll)
        self.chunkSize = max(1, chunkSize)
        classifier = LogLineClassifier(localZone: localTimeZone)
        parser = LogEntryParser(localZone: localTimeZone, attributor: attributor)
    }

    public func poll() throws -> LogFollowUpdate {
        var update = LogFollowUpdate(entries: [], restartedFromStart: false, fileMissing: false, bytesRead: 0, offset: offset)
        guard let status = try fileSystem.status(path) else {
            update.fileMissing = true
            flush(into: &update.entries)
            return update
        }
        var size = status.size
        if status.kind == .symbolicLink, let target = try? fileSystem.canonicalPath(path), let resolved = try fileSystem.status(target) {
            size = resolved.size
        }
        if size < offset {
            offset = 0
            pending.removeAll()
            pendingHead = nil
            update.restartedFromStart = true
        }
        let end = min(size, offset + UInt64(maxBytesPerPoll), stopOffset ?? .max)
        var sawCompleteLine = false
        var carry: [UInt8] = []
        var position = offset
        var lineOffset = offset
        while position < end {
            let length = Int(min(UInt64(chunkSize), end - position))
            let data = try fileSystem.read(path, offset: position, length: length)
            if data.isEmpty { break }
            update.bytesRead += UInt64(data.count)
            position += UInt64(data.count)
            carry.append(contentsOf: data)
            var lineStart = 0
            while let newline = carry[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                var lineEnd = newline
                if lineEnd > lineStart, carry[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                take(Array(carry[lineStart..<lineEnd]), at: lineOffset, into: &update.entries)
                sawCompleteLine = true
                lineOffset += UInt64(newline + 1 - lineStart)
                lineStart = newline + 1
            }
            carry.removeFirst(lineStart)
        }
        if !sawCompleteLine, !carry.isEmpty, position - lineOffset >= UInt64(maxBytesPerPoll) {
            // A line longer than a whole poll would be read again forever: take it cut, as the reverse reader does.
            take(carry, at: lineOffset, into: &update.entries)
            lineOffset = position
            sawCompleteLine = true
        }
        // An unfinished last line is read again next time, whole.
        offset = lineOffset
        if !sawCompleteLine { flush(into: &update.entries) }
        update.offset = offset
        return update
    }

    /// Ends a read that stops at `stopOffset`: an unfinished last line there counts as a line,
    /// and the entry still being gathered is handed out.
    public func finish() throws -> [LogEntry] {
        var entries: [LogEntry] = []
        if let stopOffset, offset < stopOffset {
            var line = try fileSystem.read(path, offset: offset, length: Int(min(stopOffset - offset, UInt64(maxEntryBytes))))
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if !line.isEmpty { take(Array(line), at: offset, into: &entries) }
            offset = stopOffset
        }
        flush(into: &entries)
        return entries
    }

    private func take(_ line: [UInt8], at lineOffset: UInt64, into entries: inout [LogEntry]) {
        let head = line.withUnsafeBufferPointer { classifier.head(of: $0) }
        if head != nil || pending.count + line.count > maxEntryBytes {
            flush(into: &entries)
        }
        if pending.isEmpty {
            pendingHead = head
            pendingOffset = lineOffset
        } else {
            pending.append(UInt8(ascii: "\n"))
        }
        pending.append(contentsOf: line)
    }

    private func flush(into entries: inout [LogEntry]) {
        guard !pending.isEmpty else { return }
        let parsed = pending.withUnsafeBufferPointer { bytes in
            parser.parse(RawLogEntry(bytes: bytes, head: pendingHead, offset: pendingOffset))
        }
        entries.append(contentsOf: parsed)
        pending.removeAll(keepingCapacity: true)
        pendingHead = nil
    }
}
