import Foundation

/// What to read and which entries to keep.
public struct LogReadOptions: Sendable {
    /// Read at most this many bytes, counted from the end of the file (`--max-bytes`, 16 MiB by default).
    public var maxBytes: UInt64 = 16 << 20
    /// Bytes per read; each is one range read (over SFTP, one request of about this size).
    public var chunkSize: Int = 256 << 10
    /// Keep entries at or after this time (`--since`). Entries without a timestamp are left out when set.
    public var since: Date?
    /// Reading stops at the first entry older than `since` by more than this; entries between are skipped but
    /// do not stop it, since lines from different writers (PHP-FPM, PHP) are not always in exact order.
    public var sinceTolerance: TimeInterval = 600
    /// Keep entries at this level or above (`--level`).
    public var minimumLevel: LogLevel?
    /// Keep only the last N entries that pass the other filters (`--tail`).
    public var tail: Int?
    /// The zone of logs that write local time without one: PHP-FPM, nginx, Apache (the server's zone).
    public var localTimeZone: TimeZone = .current
    /// Times to start over when the file shrinks while being read (truncated or rotated).
    public var maximumRestarts = 2

    public init(maxBytes: UInt64 = 16 << 20, chunkSize: Int = 256 << 10, since: Date? = nil, minimumLevel: LogLevel? = nil,
                tail: Int? = nil, localTimeZone: TimeZone = .current) {
        self.maxBytes = maxBytes
        self.chunkSize = chunkSize
        self.since = since
        self.minimumLevel = minimumLevel
        self.tail = tail
        self.localTimeZone = localTimeZone
    }
}

/// What a read covered. JSON: the property names.
public struct LogReadReport: Equatable, Sendable, Codable {
    /// The file read (after following a symbolic link).
    public var path: String
    /// Its size when reading started; entries written after that are left to `LogFollower`.
    public var fileSize: UInt64
    /// The first byte examined (one before the `maxBytes` range, to tell whether a line starts there).
    public var startOffset: UInt64
    /// Where a `LogFollower` should continue: the size when reading started.
    public var endOffset: UInt64
    /// Bytes actually transferred in the last attempt.
    public var bytesRead: UInt64
    /// True when the whole file from its first byte was examined.
    public var reachedStartOfFile: Bool
    /// True when `maxBytes` stopped the read before the start of the file.
    public var limitedByMaxBytes: Bool
    /// True when `tail` or `since` was satisfied before the start of the range.
    public var stoppedEarly: Bool
    /// Bytes at the start of the range that belonged to an entry beginning before it (left out).
    public var skippedLeadingBytes: UInt64
    /// Lines longer than 1 MiB, kept cut.
    public var truncatedLines: Int
    /// Times reading started over because the file shrank meanwhile.
    public var restarts: Int
    /// True when the file still shrank during the last allowed attempt: the result may mix old and new contents.
    public var shrankWhileReading: Bool
    /// Bytes appended while reading (not included).
    public var grewWhileReadingBytes: UInt64
}

/// The entries `LogReader.entries()` kept, oldest first. JSON: `entries`, `report`.
public struct LogEntries: Equatable, Sendable, Codable {
    public var entries: [LogEntry]
    public var report: LogReadReport
}

/// What can stop a log from being read.
public enum LogReadError: Error, Equatable, LocalizedError {
    case missing(path: String, location: String)
    case notAFile(path: String, location: String)

    public var errorDescription: String? {
        switch self {
        case .missing(let path, let location):
            return "There is no log at \(path) (\(location)): logging may be off (WP_DEBUG_LOG in wp-config.php) or it writes elsewhere; pass the log's path with --file."
        case .notAFile(let path, let location):
            return "\(path) (\(location)) is not a regular file, so it cannot be read as a log; pass the log file itself with --file."
        }
    }
}

/// Reads a PHP, WordPress, PHP-FPM, nginx or Apache log from its end, detecting the format of each line.
///
/// Use `entries()` for `wprescue log` and `summary()` for `--summary`; hand `report.endOffset` to a
/// `LogFollower` for `--follow`.
public final class LogReader {
    private let fileSystem: SiteFileSystem
    private let path: String
    private let attributor: LogAttributor?
    private let options: LogReadOptions

    /// `attributor`: nil leaves every entry's source `unknown` (no `SiteLayout` known).
    public init(fileSystem: SiteFileSystem, path: String, attributor: LogAttributor? = nil, options: LogReadOptions = LogReadOptions()) {
        self.fileSystem = fileSystem
        self.path = path
        self.attributor = attributor
        self.options = options
    }

    /// The entries that pass the filters, oldest first.
    public func entries() throws -> LogEntries {
        let tail = options.tail
        let minimum = options.minimumLevel
        let (report, collector) = try read(start: { EntryCollector() }) { collector, raw, parser in
            // Newest first; a raw entry holding several messages is reversed too, then all is turned around.
            for entry in parser.parse(raw).reversed() {
                if let minimum, entry.level < minimum { continue }
                collector.entries.append(entry)
                if let tail, collector.entries.count >= tail { return .stop }
            }
            return .proceed
        }
        return LogEntries(entries: collector.entries.reversed(), report: report)
    }

    /// Every entry that passes the filters, oldest first, handed to `body` one at a time, so memory
    /// stays flat however much is read (`log --tail 0` over a large `--max-bytes`). The window is
    /// read twice: backwards to find where it starts, exactly as `entries()` would, then forwards;
    /// the report describes the window (its `bytesRead` counts the first pass). `tail` is ignored:
    /// it needs the newest entries first.
    public func forEachEntry(_ body: (LogEntry) throws -> Void) throws -> LogReadReport {
        // Newest first, so the last entry visited is where the window starts.
        let (window, earliest) = try read(start: { WindowStart() }) { start, raw, _ in
            start.offset = raw.offset
            return .proceed
        }
        guard let startOffset = earliest.offset else { return window }
        let follower = LogFollower(fileSystem: fileSystem, path: window.path, startOffset: startOffset, attributor: attributor,
                                   localTimeZone: options.localTimeZone, maxBytesPerPoll: max(4 * options.chunkSize, 4 << 20),
                                   chunkSize: options.chunkSize)
        follower.stopOffset = window.endOffset
        let since = options.since
        func hand(_ entries: [LogEntry]) throws {
            for entry in entries {
                if let minimum = options.minimumLevel, entry.level < minimum { continue }
                if let since, let time = entry.timestamp, time < since { continue }
                try body(entry)
            }
        }
        while follower.offset < window.endOffset {
            let before = follower.offset
            let update = try follower.poll()
            try hand(update.entries)
            if update.offset == before { break }  // only an unfinished last line is left
        }
        try hand(try follower.finish())
        return window
    }

    /// Counts recurring entries that pass the filters, grouped by signature and source.
    public func summary(_ summaryOptions: LogSummaryOptions = LogSummaryOptions()) throws -> LogSummary {
        let tail = options.tail ?? .max
        let (report, builder) = try read(start: {
            LogSummaryBuilder(options: summaryOptions, minimumLevel: self.options.minimumLevel, attributor: self.attributor,
                              localZone: self.options.localTimeZone)
        }) { builder, raw, _ in
            _ = builder.add(raw, limit: tail - builder.totalEntries)
            return builder.totalEntries >= tail ? .stop : .proceed
        }
        return builder.summary(report: report)
    }

    private final class EntryCollector {
        var entries: [LogEntry] = []
    }

    private final class WindowStart {
        var offset: UInt64?
    }

    /// Runs a backwards scan with the since filter applied, starting over (with fresh state from `start`)
    /// when the file shrinks meanwhile.
    private func read<State: AnyObject>(start: () -> State, visit: (State, RawLogEntry, inout LogEntryParser) -> LogScanDecision) throws
        -> (LogReadReport, State) {
        var restarts = 0
        while true {
            let state = start()
            let (target, size) = try resolve()
            let scanner = LogReverseScanner(limits: .init(chunkSize: options.chunkSize, maxBytes: options.maxBytes),
                                            localZone: options.localTimeZone)
            var parser = LogEntryParser(localZone: options.localTimeZone, attributor: attributor)
            let sinceSeconds = options.since?.timeIntervalSince1970
            let stopSeconds = sinceSeconds.map { $0 - options.sinceTolerance }
            var stoppedBySince = false
            let outcome: LogScanOutcome
            do {
                outcome = try scanner.scan(fileSystem: fileSystem, path: target, size: size) { raw in
                    if let sinceSeconds, let stopSeconds {
                        guard let time = raw.head?.seconds else { return .proceed }
                        if time < stopSeconds {
                            stoppedBySince = true
                            return .stop
                        }
                        if time < sinceSeconds { return .proceed }
                    }
                    return visit(state, raw, &parser)
                }
            } catch is LogFileShrank {
                if restarts < options.maximumRestarts {
                    restarts += 1
                    continue
                }
                let report = LogReadReport(path: target, fileSize: size, startOffset: 0, endOffset: size, bytesRead: 0,
                                           reachedStartOfFile: false, limitedByMaxBytes: false, stoppedEarly: false,
                                           skippedLeadingBytes: 0, truncatedLines: 0, restarts: restarts,
                                           shrankWhileReading: true, grewWhileReadingBytes: 0)
                return (report, state)
            }
            let after = try fileSystem.status(target)?.size ?? 0
            if after < size, restarts < options.maximumRestarts {
                restarts += 1
                continue
            }
            let report = LogReadReport(path: target, fileSize: size, startOffset: outcome.startOffset, endOffset: size,
                                       bytesRead: outcome.bytesRead, reachedStartOfFile: outcome.reachedStartOfFile,
                                       limitedByMaxBytes: !outcome.reachedStartOfFile && !outcome.stoppedByVisitor,
                                       stoppedEarly: outcome.stoppedByVisitor || stoppedBySince,
                                       skippedLeadingBytes: outcome.skippedLeadingBytes, truncatedLines: outcome.truncatedLines,
                                       restarts: restarts, shrankWhileReading: after < size,
                                       grewWhileReadingBytes: after > size ? after - size : 0)
            return (report, state)
        }
    }

    /// The log's path (a symbolic link followed) and its current size.
    private func resolve() throws -> (String, UInt64) {
        guard var status = try fileSystem.status(path) else {
            throw LogReadError.missing(path: path, location: fileSystem.locationDescription)
        }
        var target = path
        if status.kind == .symbolicLink {
            // Log rotation setups often link debug.log elsewhere.
            target = try fileSystem.canonicalPath(path)
            guard let resolved = try fileSystem.status(target) else {
                throw LogReadError.missing(path: path, location: fileSystem.locationDescription)
            }
            status = resolved
        }
        guard status.kind == .file else { throw LogReadError.notAFile(path: path, location: fileSystem.locationDescription) }
        return (target, status.size)
    }
}
