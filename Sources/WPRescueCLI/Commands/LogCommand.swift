import ArgumentParser
import Foundation
import WPRescueKit

struct LogCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Read and summarize debug.log, or a PHP-FPM, nginx or Apache error log.",
        discussion: """
        Reads from the end, in chunks (range reads over SFTP), at most --max-bytes unless asked for more. \
        Each entry is attributed to a plugin, must-use plugin, theme, drop-in or core by its stack frames, \
        not only by the file it names. Default file: WP_DEBUG_LOG's path, else wp-content/debug.log.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The log to read (debug.log, PHP-FPM, nginx or Apache error log).")
    var file: String?

    @Option(name: .long, help: "Only entries newer than this: 30m, 2h, 3d, or a date (2026-11-21T10:00:00Z).")
    var since: String?

    @Option(name: .long, help: "Only entries at least this severe: fatal, error, warning, notice, deprecated.")
    var level: String?

    @Option(name: .long, help: "Show the last N entries (default 50; 0 for every entry within --max-bytes, streamed oldest first).")
    var tail: Int = 50

    @Flag(name: .long, help: "Group repeated errors: count, first and last seen, source.")
    var summary = false

    @Flag(name: .long, help: "Keep printing new entries as they are written (Ctrl-C to stop).")
    var follow = false

    @Option(name: .long, help: "Read at most this much from the end of the file: 16M, 200M, 2G.")
    var maxBytes: String = "16M"

    @Option(name: .long, help: "Time zone of server logs that carry none (nginx, Apache, PHP-FPM), e.g. Europe/Paris.")
    var timezone: String?

    func validate() throws {
        if LogCommand.bytes(maxBytes) == nil { throw ValidationError("--max-bytes takes a size such as 16M or 1G.") }
        if let level, LogLevel(rawValue: level) == nil { throw ValidationError("--level takes fatal, error, warning, notice or deprecated.") }
        if let since, LogCommand.date(since) == nil { throw ValidationError("--since takes 30m, 2h, 3d or an ISO date.") }
        if let timezone, TimeZone(identifier: timezone) == nil { throw ValidationError("Unknown time zone '\(timezone)'.") }
        if tail < 0 { throw ValidationError("--tail must be 0 or more.") }
        if summary && follow { throw ValidationError("--summary and --follow do not go together.") }
    }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let path = file ?? SiteLogs.debugLogPath(of: site, config: try? SiteConfig.read(site))
        var options = LogReadOptions(maxBytes: UInt64(LogCommand.bytes(maxBytes) ?? 16 << 20))
        options.since = since.flatMap { LogCommand.date($0) }
        options.minimumLevel = level.flatMap(LogLevel.init(rawValue:))
        options.tail = summary || tail == 0 ? nil : tail
        if let timezone, let zone = TimeZone(identifier: timezone) { options.localTimeZone = zone }
        let attributor = LogAttributor.resolvingSymbolicLinks(layout: site.layout, fileSystem: site.fileSystem)
        let reader = LogReader(fileSystem: site.fileSystem, path: path, attributor: attributor, options: options)
        let console = context.console
        if summary {
            let result = try reader.summary(LogSummaryOptions())
            printSummary(result, console: console)
            try console.emit(json: result)
            return
        }
        let report: LogReadReport
        if tail == 0 {
            // Everything in the window: streamed, so a large --max-bytes never has to fit in memory.
            let stream = JSONEntryStream(enabled: console.isJSON)
            var shown = 0
            report = try reader.forEachEntry { entry in
                shown += 1
                if console.isJSON { try stream.add(entry) } else { console.line(LogCommand.describe(entry, verbose: global.verbose)) }
            }
            try stream.finish(report: report)
            printReport(report, shown: shown, console: console)
        } else {
            let listed = try reader.entries()
            for entry in listed.entries { console.line(LogCommand.describe(entry, verbose: global.verbose)) }
            printReport(listed.report, shown: listed.entries.count, console: console)
            try console.emit(json: listed)
            report = listed.report
        }
        guard follow else { return }
        let follower = LogFollower(fileSystem: site.fileSystem, path: path, startOffset: report.endOffset,
                                   attributor: attributor, localTimeZone: options.localTimeZone)
        console.note("Following \(path); Ctrl-C to stop.")
        while true {
            let update = try follower.poll()
            if update.restartedFromStart { console.note("\(path) was truncated or rotated; reading it from the start.") }
            for entry in update.entries where options.minimumLevel.map({ entry.level >= $0 }) ?? true {
                if console.isJSON { try console.emit(json: entry) } else { console.line(LogCommand.describe(entry, verbose: global.verbose)) }
            }
            Thread.sleep(forTimeInterval: 1)
        }
    }

    private func printSummary(_ summary: LogSummary, console: Console) {
        let formatter = LogCommand.timeFormatter
        console.table(["COUNT", "LEVEL", "KIND", "SOURCE", "LAST SEEN", "MESSAGE"], summary.groups.prefix(40).map { group in
            [String(group.count), group.level.rawValue, group.kind.name, LogCommand.source(group.attribution),
             group.lastSeen.map(formatter.string(from:)) ?? "-", String(group.sampleMessage.prefix(100))]
        })
        if summary.groups.count > 40 { console.line("… and \(summary.groups.count - 40) more groups (--format json lists all).") }
        let levels = summary.entriesByLevel.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        console.line("\(summary.totalEntries) entries (\(levels)) in \(summary.groups.count) groups.")
        printReport(summary.report, shown: nil, console: console)
    }

    private func printReport(_ report: LogReadReport, shown: Int?, console: Console) {
        let read = LogCommand.size(report.bytesRead), total = LogCommand.size(report.fileSize)
        var line = report.reachedStartOfFile || report.bytesRead >= report.fileSize ? "Read all of \(report.path) (\(total))." : "Read the last \(read) of \(report.path) (\(total))."
        if report.limitedByMaxBytes { line += " Use --max-bytes to read further back." }
        if report.shrankWhileReading { line += " The file shrank while being read (rotated?)." }
        if let shown, shown == 0 { line += " No entries matched." }
        console.line(line)
    }

    static func describe(_ entry: LogEntry, verbose: Bool) -> String {
        let time = entry.timestamp.map(timeFormatter.string(from:)) ?? "-"
        let place = entry.file.map { " (\($0)\(entry.line.map { ":\($0)" } ?? ""))" } ?? ""
        var text = "\(time)  \(entry.level.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(source(entry.attribution).padding(toLength: 24, withPad: " ", startingAt: 0)) \(entry.message)\(place)"
        if verbose { for frame in entry.stackFrames { text += "\n      #\(frame.index) \(frame.call) \(frame.file ?? "")\(frame.line.map { ":\($0)" } ?? "")" } }
        return text
    }

    static func source(_ attribution: LogAttribution) -> String {
        attribution.source.name.map { "\(attribution.source.typeName) \($0)" } ?? attribution.source.typeName
    }

    static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

    static func bytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let trimmed = text.uppercased().replacingOccurrences(of: "B", with: "")
        if let unit = trimmed.last, let multiplier = units[unit], let value = Int(trimmed.dropLast()), value > 0 { return value * multiplier }
        return Int(trimmed).flatMap { $0 > 0 ? $0 : nil }
    }

    static func date(_ text: String, now: Date = Date()) -> Date? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let seconds = units[unit], let value = Double(text.dropLast()), value >= 0 {
            return now.addingTimeInterval(-value * seconds)
        }
        return ISO8601DateFormatter().date(from: text)
    }

    static func size(_ bytes: UInt64) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GB", Double(bytes) / Double(1 << 30))
            : bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) : "\(bytes) bytes"
    }
}

/// `{"entries": [...], "report": {...}}`, the shape `log --format json` always has, written one
/// entry at a time.
private final class JSONEntryStream {
    private let enabled: Bool
    private let encoder = Console.jsonEncoder(pretty: false)
    private var buffer = Data()
    private var count = 0

    init(enabled: Bool) { self.enabled = enabled }

    func add(_ entry: LogEntry) throws {
        guard enabled else { return }
        buffer.append(contentsOf: Array((count == 0 ? "{\"entries\":[\n" : ",\n").utf8))
        buffer.append(try encoder.encode(entry))
        count += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    func finish(report: LogReadReport) throws {
        guard enabled else { return }
        buffer.append(contentsOf: Array((count == 0 ? "{\"entries\":[],\"report\":" : "\n],\"report\":").utf8))
        buffer.append(try encoder.encode(report))
        buffer.append(contentsOf: Array("}\n".utf8))
        flush()
    }

    private func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
