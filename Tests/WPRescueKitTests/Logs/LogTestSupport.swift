import Foundation
import Testing
@testable import WPRescueKit

/// Shared helpers for the log tests: fixtures, a standard site layout, temporary files.
enum LogFixtures {
    static let layout = SiteLayout.standard(root: "/var/www/html")
    static let attributor = LogAttributor(layout: layout)
    static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    static func path(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/Logs"))
        return url.path
    }

    static func options(_ change: (inout LogReadOptions) -> Void = { _ in }) -> LogReadOptions {
        var options = LogReadOptions(maxBytes: 1 << 30, localTimeZone: utc)
        change(&options)
        return options
    }

    static func entries(_ name: String, _ change: (inout LogReadOptions) -> Void = { _ in }) throws -> [LogEntry] {
        try LogReader(fileSystem: LocalFileSystem(), path: path(name), attributor: attributor, options: options(change)).entries().entries
    }

    static func summary(_ name: String, _ summaryOptions: LogSummaryOptions = LogSummaryOptions(),
                        _ change: (inout LogReadOptions) -> Void = { _ in }) throws -> LogSummary {
        try LogReader(fileSystem: LocalFileSystem(), path: path(name), attributor: attributor, options: options(change))
            .summary(summaryOptions)
    }

    /// `2026-11-21T<time>Z`.
    static func date(_ time: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: "2026-11-21T\(time)Z") { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return try #require(formatter.date(from: "2026-11-21T\(time)Z"))
    }
}

/// A folder under /tmp removed when the value goes away.
final class TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = SitePath.join(path, name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    func append(_ file: String, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
