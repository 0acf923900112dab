import Foundation

/// Decides, on bytes, whether a line starts a new entry or continues the one above it.
///
/// A line continues the entry above when it has no timestamp (`Stack trace:`, `#0 ...`, `  thrown in ...`),
/// and also when it has one but only carries the next piece of the same report: xdebug's
/// `PHP Stack trace:` / `PHP   1. {main}() ...` lines, and PHP-FPM's one-line-per-stderr-line copies of a
/// worker's stack trace (`child 12 said into stderr: "#0 ..."`).
struct LogLineClassifier {
    var recognizer: LogHeadRecognizer

    init(localZone: TimeZone) {
        recognizer = LogHeadRecognizer(localZone: localZone)
    }

    /// The head when `line` starts an entry, nil when it continues the previous one.
    mutating func head(of line: UnsafeBufferPointer<UInt8>) -> LogLineHead? {
        guard let head = recognizer.recognize(line) else { return nil }
        switch head.format {
        case .phpErrorLog:
            if Self.isXdebugTraceLine(line, from: head.bodyStart) { return nil }
        case .phpFPM:
            if let text = Self.workerOutput(line, from: head.bodyStart), Self.isTraceContinuation(line, from: text) { return nil }
        case .nginx, .apache, .unrecognized:
            break
        }
        return head
    }

    static func isXdebugTraceLine(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        if line.hasPrefix("PHP Stack trace:", at: start) { return true }
        // `PHP   1. {main}() /var/www/html/index.php:0`
        if line.hasPrefix("PHP   ", at: start) {
            var index = start + 6
            while index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
            return index < line.count && line[index].isASCIIDigit
        }
        return false
    }

    /// Index of the text PHP-FPM quotes after `said into stderr: "` (or `stdout`), if the line is such a copy.
    static func workerOutput(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        // The marker sits after `WARNING: [pool NAME] child PID `, well within the first 200 bytes.
        let limit = min(line.count, start + 200)
        var index = start
        while index + 8 < limit {
            if line[index] == UInt8(ascii: "s"), line.hasPrefix("said into std", at: index) {
                var quote = index + 13
                while quote < line.count, quote < index + 24, line[quote] != UInt8(ascii: "\"") { quote += 1 }
                return quote < line.count && line[quote] == UInt8(ascii: "\"") ? quote + 1 : nil
            }
            index += 1
        }
        return nil
    }

    /// True for the lines of a PHP stack trace that follow the message: `Stack trace:`, `#N ...`,
    /// `  thrown in ...`, `Next Exception...`, and xdebug's `PHP Stack trace:` / `PHP   N.` lines.
    static func isTraceContinuation(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        guard start < line.count else { return false }
        switch line[start] {
        case UInt8(ascii: "#"):
            return start + 1 < line.count && line[start + 1].isASCIIDigit
        case UInt8(ascii: "S"):
            return line.hasPrefix("Stack trace:", at: start)
        case UInt8(ascii: " "):
            return line.hasPrefix("  thrown in ", at: start)
        case UInt8(ascii: "N"):
            return line.hasPrefix("Next ", at: start)
        case UInt8(ascii: "P"):
            return isXdebugTraceLine(line, from: start)
        default:
            return false
        }
    }
}

extension UInt8 {
    @inline(__always) var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Byte-wise prefix test at `index`; `prefix` is ASCII.
    @inline(__always) func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard index >= 0, index + length <= count else { return false }
        let expected = prefix.utf8Start
        for offset in 0..<length where self[index + offset] != expected[offset] { return false }
        return true
    }
}
