import Foundation

/// PHP's error settings as the site's own PHP has them, read by the companion once WordPress
/// has applied WP_DEBUG: where errors go, whether they are logged or shown, and the PHP version.
public struct PHPErrorSettings: Sendable, Codable, Equatable {
    public var version: String
    /// PHP's `error_log`: a file, `syslog`, or empty (errors go to the web server: nginx's
    /// "FastCGI sent in stderr", Apache's error log).
    public var errorLog: String
    public var logErrors: String
    public var displayErrors: String
    public var memoryLimit: String
    /// True when the host fixed `error_log` (php_admin_value), so WordPress cannot move it to debug.log.
    public var errorLogLocked: Bool?

    public init(version: String, errorLog: String, logErrors: String, displayErrors: String, memoryLimit: String,
                errorLogLocked: Bool? = nil) {
        self.errorLogLocked = errorLogLocked
        self.version = version
        self.errorLog = errorLog
        self.logErrors = logErrors
        self.displayErrors = displayErrors
        self.memoryLimit = memoryLimit
    }

    /// `8.2` of `8.2.36`.
    public var majorMinor: String { version.split(separator: ".").prefix(2).joined(separator: ".") }

    public var logsErrors: Bool { Self.isOn(logErrors) }
    public var displaysErrors: Bool { Self.isOn(displayErrors) || displayErrors.lowercased() == "stderr" || displayErrors.lowercased() == "stdout" }

    static func isOn(_ value: String) -> Bool { ["1", "on", "yes", "true"].contains(value.lowercased()) }
}

/// A request's fatal error as the companion caught it at the end of that request
/// (`error_get_last()`; an uncaught exception's message carries its stack), returned in a
/// marked block after the page of that response only. The block is site output, so it is read
/// as hostile: bounded, base64 of JSON, every field checked.
public struct CapturedError: Sendable, Codable, Equatable {
    /// PHP's error type (E_ERROR 1, E_PARSE 4, E_COMPILE_ERROR 64, ...).
    public var type: Int
    public var message: String
    public var file: String
    public var line: Int
    public var php: PHPErrorSettings?

    public init(type: Int, message: String, file: String, line: Int, php: PHPErrorSettings?) {
        self.type = type
        self.message = message
        self.file = file
        self.line = line
        self.php = php
    }

    static let opening = Data("<!--wprescue-capture:".utf8)
    static let closing = Data("-->".utf8)
    /// Longer blocks are not the companion's (it sends at most 64 KiB of message).
    static let maximumBlock = 256 * 1024

    /// The first block in `body`, if a well-formed one is there.
    public static func extract(from body: Data) -> CapturedError? {
        guard let range = blockRange(in: body) else { return nil }
        let encoded = body[range].dropFirst(opening.count).dropLast(closing.count)
        guard let json = Data(base64Encoded: Data(encoded)),
              let captured = try? JSONDecoder().decode(CapturedError.self, from: json) else { return nil }
        return captured
    }

    /// `body` without the block: what a visitor would have received, for the verdict.
    static func removingBlock(from body: Data) -> Data {
        guard let range = blockRange(in: body) else { return body }
        var stripped = body
        stripped.removeSubrange(range)
        return stripped
    }

    private static func blockRange(in body: Data) -> Range<Data.Index>? {
        guard let start = body.range(of: opening) else { return nil }
        let limit = body.index(start.lowerBound, offsetBy: min(maximumBlock, body.distance(from: start.lowerBound, to: body.endIndex)))
        guard let end = body.range(of: closing, in: start.upperBound..<limit) else { return nil }
        return start.lowerBound..<end.upperBound
    }

    /// PHP's name for the error type, as its log writes it.
    public var label: String {
        switch type {
        case 4: return "Parse error"
        case 4096: return "Recoverable fatal error"
        default: return "Fatal error"
        }
    }

    /// The line PHP would have written to its log: `PHP Fatal error:  MESSAGE in FILE on line N`.
    public var logText: String { "PHP \(label):  \(message) in \(file) on line \(line)" }

    /// The message's first line with its place, as a report quotes it.
    public var quoted: String {
        let first = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? message
        let place = first.contains(" in /") ? "" : " in \(file) on line \(line)"
        return "PHP \(label): \(first)\(place)"
    }

    /// The capture as a log entry, parsed and attributed like a debug.log line, so the same
    /// evidence rules read it.
    public func entry(attributor: LogAttributor, at time: Date) -> LogEntry {
        let report = PHPReportParser.parse(logText[...])
        return LogEntry(timestamp: time, timeZone: nil, format: .phpErrorLog, level: report.level, kind: report.kind,
                        label: report.label, message: report.message, file: report.file, line: report.line,
                        stackFrames: report.stackFrames,
                        attribution: attributor.attribute(file: report.file, stackFrames: report.stackFrames, messagePaths: report.messagePaths),
                        context: nil, raw: logText, offset: 0)
    }
}
