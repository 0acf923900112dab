import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry as found in the file: its lines as bytes, valid only during the visit.
struct RawLogEntry {
    /// The entry's lines separated by `\n` (a `\r` before a newline is kept; the last line has no terminator).
    let bytes: UnsafeBufferPointer<UInt8>
    /// The first line's head; nil for text that starts no entry a format recognizes.
    let head: LogLineHead?
    /// Offset of the first byte in the file.
    let offset: UInt64
}

enum LogScanDecision { case proceed, stop }

/// The file shrank while it was being read (truncated or rotated); the caller starts again.
struct LogFileShrank: Error {
    let expectedSize: UInt64
}

/// What a backwards scan covered.
struct LogScanOutcome {
    var fileSize: UInt64 = 0
    /// Offset of the first byte read (one before the requested range when not at the start, to see whether a line starts there).
    var startOffset: UInt64 = 0
    var bytesRead: UInt64 = 0
    var reachedStartOfFile = false
    var stoppedByVisitor = false
    /// Bytes at the beginning of the range that belonged to an entry whose start lies before the range.
    var skippedLeadingBytes: UInt64 = 0
    /// Lines cut to `maxLineBytes`.
    var truncatedLines = 0
}

/// Reads a log from its end toward its start in chunks and hands complete entries to a visitor, newest first.
///
/// Only newline positions are searched for (memchr) and only line starts are inspected, on bytes; nothing
/// is decoded here. An entry's continuation lines (stack traces) follow its head line, so going backwards
/// they are seen first: they stay in the buffer as the "pending" region, contiguous with the partial line
/// at the buffer's start, and both are carried into the next (earlier) chunk. An entry is therefore always
/// one contiguous range of the buffer.
final class LogReverseScanner {
    struct Limits {
        var chunkSize: Int
        var maxBytes: UInt64
        /// A head keeps at most this many continuation lines / bytes; farther lines become unrecognized text.
        var maxContinuationLines: Int = 2000
        var maxEntryBytes: Int = 1 << 20
        /// Longer lines are cut to at most this plus `chunkSize` bytes; the start is kept, it carries the
        /// timestamp and the message.
        var maxLineBytes: Int = 1 << 20
    }

    private let limits: Limits
    // Touched for every line from this object's own methods only; the runtime exclusivity check cost more than the work.
    @exclusivity(unchecked) private var classifier: LogLineClassifier
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var newlines: [Int] = []

    init(limits: Limits, localZone: TimeZone) {
        var limits = limits
        limits.chunkSize = max(1, limits.chunkSize)
        limits.maxLineBytes = max(2, limits.maxLineBytes)
        self.limits = limits
        classifier = LogLineClassifier(localZone: localZone)
        capacity = limits.chunkSize + 1
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Scans `[max(0, size - maxBytes), size)` of the file as it is now.
    func scan(fileSystem: SiteFileSystem, path: String, size: UInt64,
              visit: (RawLogEntry) throws -> LogScanDecision) throws -> LogScanOutcome {
        var outcome = LogScanOutcome()
        outcome.fileSize = size
        let lowest = size > limits.maxBytes ? size - limits.maxBytes : 0
        // One byte before the range tells whether the range starts at a line start.
        let readFrom = lowest > 0 ? lowest - 1 : 0
        outcome.startOffset = readFrom
        var position = size          // everything at or after `position` is in the buffer or done
        var bufferOffset = size      // file offset of buffer[0]
        var count = 0                // bytes in the buffer
        var cursor = 0               // lines starting at or after `cursor` have been handled
        var pendingEnd: Int?         // end of the continuation lines waiting for their head
        var pendingLines = 0
        var earliestEntry = size
        var first = true
        var cuttingLine = false

        func emit(_ range: Range<Int>, head: LogLineHead?) throws -> LogScanDecision {
            let offset = bufferOffset + UInt64(range.lowerBound)
            earliestEntry = offset
            return try visit(RawLogEntry(bytes: UnsafeBufferPointer(start: storage + range.lowerBound, count: range.count),
                                         head: head, offset: offset))
        }

        /// Emits one entry and clears what was pending; true when the visitor asked to stop.
        func emitClearingPending(_ range: Range<Int>, head: LogLineHead?) throws -> Bool {
            let decision = try emit(range, head: head)
            pendingEnd = nil
            pendingLines = 0
            if decision == .stop { outcome.stoppedByVisitor = true }
            return decision == .stop
        }

        while position > readFrom {
            let start = max(readFrom, position > UInt64(limits.chunkSize) ? position - UInt64(limits.chunkSize) : 0)
            let length = Int(position - start)
            let data = try fileSystem.read(path, offset: start, length: length)
            guard data.count == length else { throw LogFileShrank(expectedSize: size) }
            outcome.bytesRead += UInt64(length)

            // New buffer = [chunk][carry]; the carry moves up behind the chunk.
            let carry = max(cursor, pendingEnd ?? 0)
            let extra = first ? 1 : 0
            reserve(length + carry + extra)
            if carry > 0 { memmove(storage + length, storage, carry) }
            data.withUnsafeBytes { raw in
                if let base = raw.baseAddress { memcpy(storage, base, length) }
            }
            count = length + carry
            if first {
                // A last line without a newline still counts; give it a terminator so every line has one.
                if count > 0, storage[count - 1] != UInt8(ascii: "\n") {
                    storage[count] = UInt8(ascii: "\n")
                    count += 1
                }
                cursor = count
                first = false
            } else {
                cursor += length
            }
            if let end = pendingEnd { pendingEnd = end + length }
            bufferOffset = start
            position = start

            collectNewlines(upTo: cursor)
            // Lines after the first newline are complete; the first one is complete only at the file's start.
            let atFileStart = start == 0 && lowest == 0
            var index = newlines.count - 1
            while index >= 0 {
                let terminator = newlines[index]
                let lineStart: Int
                if index > 0 {
                    lineStart = newlines[index - 1] + 1
                } else if atFileStart {
                    lineStart = 0
                } else {
                    break
                }
                var lineEnd = terminator
                if lineEnd > lineStart, storage[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: storage + lineStart, count: lineEnd - lineStart)
                cuttingLine = false
                if let head = classifier.head(of: line) {
                    if try emitClearingPending(lineStart..<(pendingEnd ?? lineEnd), head: head) {
                        return finish(outcome, lowest: lowest, earliestEntry: earliestEntry)
                    }
                    cursor = lineStart
                } else {
                    if let end = pendingEnd, pendingLines >= limits.maxContinuationLines || end - lineStart > limits.maxEntryBytes {
                        // Too far from any head: what is pending is text of its own.
                        if try emitClearingPending(cursor..<end, head: nil) {
                            return finish(outcome, lowest: lowest, earliestEntry: earliestEntry)
                        }
                    }
                    if pendingEnd == nil { pendingEnd = lineEnd }
                    pendingLines += 1
                    cursor = lineStart
                }
                index -= 1
            }

            if !atFileStart, let firstNewline = newlines.first, firstNewline + 1 > limits.maxLineBytes {
                // A line longer than any log line should be: keep its start, which holds the timestamp.
                if let end = pendingEnd, try emitClearingPending(cursor..<end, head: nil) {
                    return finish(outcome, lowest: lowest, earliestEntry: earliestEntry)
                }
                storage[limits.maxLineBytes - 1] = UInt8(ascii: "\n")
                cursor = limits.maxLineBytes
                if !cuttingLine { outcome.truncatedLines += 1 }
                cuttingLine = true
            }
        }

        if lowest == 0 {
            outcome.reachedStartOfFile = true
            if let end = pendingEnd, cursor < end {
                // The file starts with lines no head claims (a log cut by rotation, or plain text).
                if try emit(cursor..<end, head: nil) == .stop { outcome.stoppedByVisitor = true }
            }
        }
        return finish(outcome, lowest: lowest, earliestEntry: earliestEntry)
    }

    private func finish(_ outcome: LogScanOutcome, lowest: UInt64, earliestEntry: UInt64) -> LogScanOutcome {
        var outcome = outcome
        if !outcome.reachedStartOfFile, !outcome.stoppedByVisitor, earliestEntry > lowest {
            outcome.skippedLeadingBytes = earliestEntry - lowest
        }
        return outcome
    }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let bigger = max(needed, capacity * 2)
        let replacement = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        replacement.update(from: storage, count: capacity)
        storage.deallocate()
        storage = replacement
        capacity = bigger
    }

    private func collectNewlines(upTo limit: Int) {
        newlines.removeAll(keepingCapacity: true)
        var index = 0
        while index < limit {
            guard let found = memchr(storage + index, Int32(UInt8(ascii: "\n")), limit - index) else { break }
            let position = UnsafeMutableRawPointer(mutating: found).assumingMemoryBound(to: UInt8.self) - storage
            newlines.append(position)
            index = position + 1
        }
    }
}
