/// What PHP (or WordPress through PHP) reported in one message, whichever log carried it.
struct PHPReport: Equatable {
    var label: String?
    var level: LogLevel
    var kind: LogEntryKind
    var message: String
    var file: String?
    var line: Int?
    var stackFrames: [LogStackFrame]
    /// Absolute paths the message text mentions besides its location (`output started at ...`, `called in ...`).
    var messagePaths: [String]
}

/// Reads PHP's own wording: `PHP Fatal error:  Uncaught Error: ... in /path:12`, `Stack trace:`, `#0 ...`,
/// `  thrown in /path on line 12`, and `PHP Warning:  ... in /path on line N`.
enum PHPReportParser {
    /// `text`: the message as PHP wrote it, starting at `PHP ` (or at WordPress's / the site's own text),
    /// with any stack trace on the following lines.
    static func parse(_ text: Substring) -> PHPReport {
        var lines = text.byteLines().map { trimmingCarriageReturn($0) }
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        // The message runs until the trace starts; an exception message may span lines.
        let traceStart = lines.indices.dropFirst().first { isTraceLine(lines[$0]) } ?? lines.endIndex
        let messageLines = lines[..<traceStart]
        let traceLines = lines[traceStart...]

        var body = messageLines.joined(separator: "\n")[...]
        var label: String?
        var level = LogLevel.info
        var kind = LogEntryKind.loggedMessage
        if body.hasPrefix("PHP "), let colon = body.firstIndex(ofByte: UInt8(ascii: ":")),
           body.distance(from: body.startIndex, to: colon) <= 32 {
            let word = body[body.index(body.startIndex, offsetBy: 4)..<colon]
            if let mapped = levelForLabel(word) {
                label = String(word)
                level = mapped
                kind = word == "Parse error" ? .parseError : .phpError
                body = body[body.index(after: colon)...].drop { $0 == " " }
            }
        } else if body.hasPrefix("WordPress database error") {
            level = .error
            kind = .databaseError
        }

        var file: String?
        var line: Int?
        if kind != .loggedMessage && kind != .databaseError, let location = trailingLocation(body) {
            file = location.file
            line = location.line
            body = body[..<location.start]
        }

        var frames: [LogStackFrame] = []
        for traceLine in traceLines {
            if let frame = stackFrame(traceLine) {
                frames.append(frame)
            } else if file == nil, traceLine.hasPrefix("  thrown in "), let location = trailingLocation(traceLine) {
                file = location.file
                line = location.line
            }
        }

        let message = String(body)
        if kind == .phpError {
            kind = specificKind(message) ?? kind
        }
        var paths = absolutePaths(in: message)
        paths.removeAll { $0 == file }
        return PHPReport(label: label, level: level, kind: kind, message: message, file: file, line: line,
                         stackFrames: frames, messagePaths: paths)
    }

    /// PHP's severity words (`error_log` writes `PHP <label>:  <message>`).
    static func levelForLabel(_ label: Substring) -> LogLevel? {
        switch label {
        case "Fatal error", "Parse error", "Recoverable fatal error", "Catchable fatal error", "Core error", "Compile error":
            return .fatal
        case "Warning", "Core warning", "Compile warning": return .warning
        case "Notice": return .notice
        case "Deprecated", "Strict Standards": return .deprecated
        case "Unknown error": return .error
        default: return nil
        }
    }

    /// Memory, time and uncaught-throwable messages, which say more than their severity.
    static func specificKind(_ message: String) -> LogEntryKind? {
        if message.hasPrefix("Allowed memory size of ") {
            let rest = message.utf8.dropFirst("Allowed memory size of ".utf8.count)
            if let limit = leadingNumber(rest) { return .memoryExhausted(limitBytes: limit) }
        }
        if message.hasPrefix("Out of memory (allocated ") {
            // PHP hit the system's limit rather than memory_limit; the limit is unknown.
            return .memoryExhausted(limitBytes: 0)
        }
        if message.hasPrefix("Maximum execution time of ") {
            let rest = message.utf8.dropFirst("Maximum execution time of ".utf8.count)
            if let seconds = leadingNumber(rest) { return .timeLimit(seconds: Int(seconds)) }
        }
        if message.hasPrefix("Uncaught ") {
            let rest = message.dropFirst("Uncaught ".count)
            let name = rest.prefix { $0 != ":" && $0 != " " && $0 != "\n" }
            if !name.isEmpty { return .uncaughtThrowable(className: String(name)) }
        }
        return nil
    }

    static func isTraceLine(_ line: Substring) -> Bool {
        line.hasPrefix("Stack trace:") || line.hasPrefix("PHP Stack trace:") || stackFrame(line) != nil
            || line.hasPrefix("  thrown in ") || line.hasPrefix("Next ")
    }

    /// `#3 /path/file.php(123): Class->method()`, `#4 [internal function]: foo()`, `#5 {main}`,
    /// and xdebug's `PHP   3. foo() /path/file.php:123`.
    static func stackFrame(_ line: Substring) -> LogStackFrame? {
        if line.hasPrefix("#") {
            let afterHash = line.dropFirst()
            let digits = afterHash.prefix { $0.isASCII && $0.isNumber }
            guard let index = Int(digits) else { return nil }
            let rest = afterHash.dropFirst(digits.count).drop { $0 == " " }
            if rest == "{main}" { return LogStackFrame(index: index, file: nil, line: nil, call: "{main}") }
            if rest.hasPrefix("[internal function]: ") {
                return LogStackFrame(index: index, file: nil, line: nil, call: String(rest.dropFirst("[internal function]: ".count)))
            }
            // The file may contain parentheses; the line number is the last `(N): ` before the call.
            guard let separator = rest.byteRange(of: "): ") else {
                return LogStackFrame(index: index, file: nil, line: nil, call: String(rest))
            }
            let location = rest[..<separator.lowerBound]
            let call = String(rest[separator.upperBound...])
            if let open = location.lastIndex(ofByte: UInt8(ascii: "(")), let number = Int(location[location.index(after: open)...]) {
                return LogStackFrame(index: index, file: String(location[..<open]), line: number, call: call)
            }
            return LogStackFrame(index: index, file: String(location), line: nil, call: call)
        }
        if line.hasPrefix("PHP ") {
            let rest = line.dropFirst(4).drop { $0 == " " }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let index = Int(digits), rest.dropFirst(digits.count).hasPrefix(". ") else { return nil }
            let frame = rest.dropFirst(digits.count + 2)
            // `{main}() /var/www/html/index.php:0`
            guard let space = frame.lastIndex(ofByte: UInt8(ascii: " ")) else { return LogStackFrame(index: index, file: nil, line: nil, call: String(frame)) }
            let call = String(frame[..<space])
            let location = frame[frame.index(after: space)...]
            if let colon = location.lastIndex(ofByte: UInt8(ascii: ":")), let number = Int(location[location.index(after: colon)...]) {
                return LogStackFrame(index: index, file: String(location[..<colon]), line: number, call: call)
            }
            return LogStackFrame(index: index, file: String(location), line: nil, call: call)
        }
        return nil
    }

    /// ` in /path/file.php on line 12` or ` in /path/file.php:12` at the end of `text`.
    static func trailingLocation(_ text: Substring) -> (start: Substring.Index, file: String, line: Int)? {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == " " { end = text.index(before: end) }
        let trimmed = text[..<end]
        if let marker = trimmed.byteRange(of: " on line ", backwards: true) {
            guard let line = Int(trimmed[marker.upperBound...]),
                  let inMarker = trimmed[..<marker.lowerBound].byteRange(of: " in ", backwards: true) else { return nil }
            let file = trimmed[inMarker.upperBound..<marker.lowerBound]
            guard file.hasPrefix("/") || file.containsBytes(":\\") else { return nil }
            return (inMarker.lowerBound, String(file), line)
        }
        guard let colon = trimmed.lastIndex(ofByte: UInt8(ascii: ":")), let line = Int(trimmed[trimmed.index(after: colon)...]),
              let inMarker = trimmed[..<colon].byteRange(of: " in /", backwards: true) else { return nil }
        let file = trimmed[trimmed.index(inMarker.lowerBound, offsetBy: 4)..<colon]
        guard !file.containsBytes(" ") || file.hasSuffix(".php") else { return nil }
        return (inMarker.lowerBound, String(file), line)
    }

    /// Absolute paths to PHP files or .htaccess the text mentions, without a trailing `:N` or `(N)`.
    static func absolutePaths(in text: String) -> [String] {
        var paths: [String] = []
        var search = text[...]
        while let slash = search.firstIndex(ofByte: UInt8(ascii: "/")) {
            let before = slash > text.startIndex ? text[text.index(before: slash)] : " "
            let tokenEnd = search[slash...].firstIndex { $0 == " " || $0 == "'" || $0 == "\"" || $0 == ")" || $0 == "," || $0 == "\n" || $0 == "(" }
                ?? search.endIndex
            defer { search = search[tokenEnd...] }
            guard before == " " || before == "(" || before == "'" || before == "\"" || before == "=" || slash == text.startIndex else { continue }
            var token = search[slash..<tokenEnd]
            if let colon = token.lastIndex(ofByte: UInt8(ascii: ":")), token[token.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) {
                token = token[..<colon]
            }
            if token.hasSuffix(".php") || token.hasSuffix(".htaccess") || token.hasSuffix(".inc") {
                paths.append(String(token))
            }
        }
        return paths
    }

    static func leadingNumber(_ bytes: Substring.UTF8View.SubSequence) -> UInt64? {
        var value: UInt64 = 0
        var any = false
        for byte in bytes {
            guard byte.isASCIIDigit else { break }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflowTimes || overflowSum { return nil }
            value = sum
            any = true
        }
        return any ? value : nil
    }

    static func trimmingCarriageReturn(_ line: Substring) -> Substring {
        line.hasSuffix("\r") ? line.dropLast() : line
    }
}
