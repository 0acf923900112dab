import Foundation

/// Turns the bytes of one entry into `LogEntry` values: one, or several when a web server line carries
/// several PHP messages (`PHP message: ...; PHP message: ...`).
struct LogEntryParser {
    private var classifier: LogLineClassifier
    let attributor: LogAttributor?
    /// Sources of paths already attributed.
    private var sources: [String: LogSource?] = [:]

    init(localZone: TimeZone, attributor: LogAttributor?) {
        classifier = LogLineClassifier(localZone: localZone)
        self.attributor = attributor
    }

    mutating func parse(_ entry: RawLogEntry) -> [LogEntry] {
        let lines = Self.lines(entry.bytes)
        let raw = lines.map { Self.decode($0) }.joined(separator: "\n")
        guard let head = entry.head, let firstLine = lines.first else {
            return [LogEntry(timestamp: nil, timeZone: nil, format: .unrecognized, level: .info, kind: .unrecognized, label: nil,
                             message: raw, file: nil, line: nil, stackFrames: [], attribution: .unknown, context: nil,
                             raw: raw, offset: entry.offset)]
        }
        let stamp = Stamp(timestamp: Date(timeIntervalSince1970: head.seconds),
                          timeZone: head.zoneRange.isEmpty ? nil : Self.decode(UnsafeBufferPointer(rebasing: firstLine[head.zoneRange])),
                          format: head.format, raw: raw, offset: entry.offset)
        let body = Self.decode(UnsafeBufferPointer(rebasing: firstLine[min(head.bodyStart, firstLine.count)...]))
        switch head.format {
        case .phpErrorLog:
            var text = body
            for line in lines.dropFirst() {
                text += "\n"
                // xdebug's trace lines carry their own timestamp; keep only what follows it.
                if let lineHead = classifier.recognizer.recognize(line) {
                    text += Self.decode(UnsafeBufferPointer(rebasing: line[lineHead.bodyStart...]))
                } else {
                    text += Self.decode(line)
                }
            }
            return [make(stamp, PHPReportParser.parse(text[...]), context: nil)]
        case .phpFPM:
            return parseFPM(stamp, body: body, continuation: Array(lines.dropFirst()))
        case .nginx:
            let text = ([body] + lines.dropFirst().map { Self.decode($0) }).joined(separator: "\n")
            return parseNginx(stamp, text: text)
        case .apache:
            let text = ([body] + lines.dropFirst().map { Self.decode($0) }).joined(separator: "\n")
            return parseApache(stamp, text: text)
        case .unrecognized:
            return [make(stamp, Self.serverReport(.info, label: nil, kind: .unrecognized, message: body), context: nil)]
        }
    }

    // MARK: - PHP-FPM

    private mutating func parseFPM(_ stamp: Stamp, body: String, continuation: [UnsafeBufferPointer<UInt8>]) -> [LogEntry] {
        var rest = body[...]
        var label: String?
        if let colon = rest.byteRange(of: ": "), rest[..<colon.lowerBound].allSatisfy({ $0.isUppercase }), !rest[..<colon.lowerBound].isEmpty {
            label = String(rest[..<colon.lowerBound])
            rest = rest[colon.upperBound...]
        }
        let writtenLevel = label.map { Self.serverLevel($0) } ?? .info
        rest = rest.drop { $0 == " " }
        var context = LogServerContext()
        if rest.hasPrefix("[pool "), let close = rest.firstIndex(ofByte: UInt8(ascii: "]")) {
            context.pool = String(rest[rest.index(rest.startIndex, offsetBy: 6)..<close])
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        if rest.hasPrefix("child ") {
            context.processID = Int(rest.dropFirst(6).prefix { $0.isASCII && $0.isNumber })
        }

        if let marker = rest.byteRange(of: "said into stderr: \"") ?? rest.byteRange(of: "said into stdout: \"") {
            var text = Self.unquotedWorkerOutput(rest[marker.upperBound...])
            for line in continuation {
                guard let lineHead = classifier.recognizer.recognize(line),
                      let start = LogLineClassifier.workerOutput(line, from: lineHead.bodyStart) else {
                    text += "\n" + Self.decode(line)
                    continue
                }
                text += "\n" + Self.unquotedWorkerOutput(Self.decode(UnsafeBufferPointer(rebasing: line[start...]))[...])
            }
            // PHP-FPM prefixes the worker's own log level: `NOTICE: PHP message: PHP Fatal error: ...`.
            var inner = text[...]
            if let colon = inner.byteRange(of: ": "), inner[..<colon.lowerBound].allSatisfy({ $0.isUppercase }), !inner[..<colon.lowerBound].isEmpty {
                inner = inner[colon.upperBound...]
            }
            let reports = Self.phpMessages(inner)
            if !reports.isEmpty { return reports.map { make(stamp, $0, context: context) } }
            return [make(stamp, Self.serverReport(writtenLevel, label: label, kind: .serverMessage, message: String(text)), context: context)]
        }

        var report = Self.serverReport(writtenLevel, label: label, kind: .serverMessage, message: String(rest))
        if let signalRange = rest.byteRange(of: "exited on signal ") {
            let signal = Int(rest[signalRange.upperBound...].prefix { $0.isASCII && $0.isNumber }) ?? 0
            report.kind = .workerKilled(signal: signal)
            // SIGQUIT and SIGTERM are PHP-FPM's own graceful stops; any other signal killed a request.
            if signal != 3 && signal != 15 { report.level = max(report.level, .error) }
        } else if rest.containsBytes("max_children") {
            report.kind = .maxChildren
        } else if rest.containsBytes("execution timed out") {
            report.kind = .requestTerminated
            report.level = max(report.level, .error)
        } else if rest.containsBytes("executing too slow") {
            report.kind = .slowRequest
        } else if rest.hasPrefix("pid "), label == nil {
            // The slow log: `[pool www] pid 123`, `script_filename = ...`, then `[0x...] func() /path:line`.
            context.processID = Int(rest.dropFirst(4).prefix { $0.isASCII && $0.isNumber })
            report.kind = .slowRequest
            report.level = .warning
            var frames: [LogStackFrame] = []
            for line in continuation.map({ Self.decode($0) }) {
                if line.hasPrefix("script_filename = ") {
                    report.file = String(line.dropFirst("script_filename = ".count))
                } else if line.hasPrefix("[0x"), let close = line.firstIndex(ofByte: UInt8(ascii: "]")) {
                    let frame = line[line.index(after: close)...].drop { $0 == " " }
                    guard let space = frame.lastIndex(ofByte: UInt8(ascii: " ")) else { continue }
                    let location = frame[frame.index(after: space)...]
                    let colon = location.lastIndex(ofByte: UInt8(ascii: ":"))
                    frames.append(LogStackFrame(index: frames.count,
                                                file: String(colon.map { location[..<$0] } ?? location),
                                                line: colon.flatMap { Int(location[location.index(after: $0)...]) },
                                                call: String(frame[..<space])))
                }
            }
            report.stackFrames = frames
        }
        if report.file == nil, let script = rest.byteRange(of: "script '"), let close = rest[script.upperBound...].firstIndex(ofByte: UInt8(ascii: "'")) {
            report.file = String(rest[script.upperBound..<close])
        }
        if let request = rest.byteRange(of: "(request: \""), let close = rest[request.upperBound...].firstIndex(ofByte: UInt8(ascii: "\"")) {
            context.request = String(rest[request.upperBound..<close])
        }
        return [make(stamp, report, context: context)]
    }

    private static func unquotedWorkerOutput(_ text: Substring) -> String {
        String(text.hasSuffix("\"") ? text.dropLast() : text)
    }

    // MARK: - nginx

    private mutating func parseNginx(_ stamp: Stamp, text: String) -> [LogEntry] {
        var rest = text[...]
        var label: String?
        if rest.hasPrefix("["), let close = rest.firstIndex(ofByte: UInt8(ascii: "]")) {
            label = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        var context = LogServerContext()
        // `123#456: ` then an optional connection number `*5 `.
        let pid = rest.prefix { $0.isASCII && $0.isNumber }
        if !pid.isEmpty, rest.dropFirst(pid.count).hasPrefix("#"), let colon = rest.byteRange(of: ": ") {
            context.processID = Int(pid)
            rest = rest[colon.upperBound...]
        }
        if rest.hasPrefix("*"), let space = rest.firstIndex(ofByte: UInt8(ascii: " ")) {
            rest = rest[rest.index(after: space)...]
        }
        let message = Self.splittingNginxContext(rest, into: &context)
        let level = label.map { Self.serverLevel($0) } ?? .info

        if let marker = message.byteRange(of: "FastCGI sent in stderr: \"") {
            var stderr = message[marker.upperBound...]
            if let close = stderr.byteRange(of: "\" while ", backwards: true) {
                stderr = stderr[..<close.lowerBound]
            } else if stderr.hasSuffix("\"") {
                stderr = stderr.dropLast()
            }
            let unescaped = Self.unescapingNginxNewlines(stderr)
            let reports = Self.phpMessages(unescaped[...])
            if !reports.isEmpty { return reports.map { make(stamp, $0, context: context) } }
            return [make(stamp, Self.serverReport(level, label: label, kind: .serverMessage, message: String(message)), context: context)]
        }

        var kind = LogEntryKind.serverMessage
        if message.containsBytes("upstream prematurely closed connection")
            || (message.containsBytes("Connection reset by peer") && message.containsBytes("upstream")) {
            kind = .upstreamClosed
        } else if (message.hasPrefix("connect() to ") && message.containsBytes(" failed ")) || message.hasPrefix("no live upstreams") {
            kind = .fpmUnreachable
        } else if message.hasPrefix("upstream timed out") {
            kind = .upstreamTimeout
        }
        return [make(stamp, Self.serverReport(level, label: label, kind: kind, message: String(message)), context: context)]
    }

    /// Moves `, client: ..., server: ..., request: "...", upstream: "...", host: "...", referrer: "..."` into the context.
    private static func splittingNginxContext(_ text: Substring, into context: inout LogServerContext) -> Substring {
        guard let start = text.byteRange(of: ", client: ", backwards: true) else { return text }
        var rest = text[start.upperBound...]
        var key = "client"
        while true {
            var value: Substring
            if rest.hasPrefix("\"") {
                let afterQuote = rest.dropFirst()
                let close = afterQuote.byteRange(of: "\", ")?.lowerBound ?? (afterQuote.hasSuffix("\"") ? afterQuote.index(before: afterQuote.endIndex) : afterQuote.endIndex)
                value = afterQuote[..<close]
                rest = close < afterQuote.endIndex ? afterQuote[afterQuote.index(after: close)...] : afterQuote[afterQuote.endIndex...]
            } else {
                let close = rest.byteRange(of: ", ")?.lowerBound ?? rest.endIndex
                value = rest[..<close]
                rest = rest[close...]
            }
            switch key {
            case "client": context.client = String(value)
            case "server": context.server = String(value)
            case "request": context.request = String(value)
            case "upstream": context.upstream = String(value)
            case "host": context.host = String(value)
            case "referrer": context.referrer = String(value)
            default: break
            }
            guard rest.hasPrefix(", "), let colon = rest.byteRange(of: ": ") else { break }
            key = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<colon.lowerBound])
            rest = rest[colon.upperBound...]
        }
        return text[..<start.lowerBound]
    }

    /// nginx versions and log shippers differ: some keep the worker's newlines, some write `\n`. Only a `\n`
    /// that starts a stack-trace line or another message is turned back into a newline, so that a namespace
    /// like `App\newsletter` is left alone.
    static func unescapingNginxNewlines(_ text: Substring) -> String {
        guard text.containsBytes("\\n") else { return String(text) }
        var result = ""
        var rest = text
        while let escape = rest.byteRange(of: "\\n") {
            result += rest[..<escape.lowerBound]
            let after = rest[escape.upperBound...]
            let startsTraceLine = after.hasPrefix("Stack trace:") || after.hasPrefix("  thrown in ") || after.hasPrefix("Next ")
                || after.hasPrefix("PHP message: ") || (after.hasPrefix("#") && after.dropFirst().first?.isNumber == true)
            result += startsTraceLine ? "\n" : "\\n"
            rest = after
        }
        return result + rest
    }

    // MARK: - Apache

    private mutating func parseApache(_ stamp: Stamp, text: String) -> [LogEntry] {
        var rest = text[...]
        var context = LogServerContext()
        var label: String?
        var first = true
        while rest.hasPrefix("["), let close = rest.firstIndex(ofByte: UInt8(ascii: "]")) {
            let group = rest[rest.index(after: rest.startIndex)..<close]
            if first {
                // `[module:level]`, or `[level]` before Apache 2.4.
                if let colon = group.lastIndex(ofByte: UInt8(ascii: ":")) {
                    context.module = group[..<colon].isEmpty ? nil : String(group[..<colon])
                    label = String(group[group.index(after: colon)...])
                } else {
                    label = String(group)
                }
                first = false
            } else if group.hasPrefix("pid ") {
                context.processID = Int(group.dropFirst(4).prefix { $0.isASCII && $0.isNumber })
            } else if group.hasPrefix("client ") {
                context.client = String(group.dropFirst(7))
            } else if !group.hasPrefix("remote ") && !group.hasPrefix("tid ") {
                break
            }
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        // `(2)No such file or directory: [client ...] AH...`: the OS error comes before the client.
        if let client = rest.byteRange(of: ": [client "), let close = rest[client.upperBound...].firstIndex(ofByte: UInt8(ascii: "]")) {
            context.client = String(rest[client.upperBound..<close])
            rest = (rest[..<client.lowerBound] + ": " + rest[rest.index(after: close)...].drop { $0 == " " })[...]
        }
        if let referrer = rest.byteRange(of: ", referer: ", backwards: true) {
            context.referrer = String(rest[referrer.upperBound...])
            rest = rest[..<referrer.lowerBound]
        }
        let message = Self.unescapingApache(rest)
        let level = label.map { Self.serverLevel($0) } ?? .info

        if message.hasPrefix("PHP ") {
            return Self.phpMessages(message[...]).map { make(stamp, $0, context: context) }
        }
        if let marker = message.byteRange(of: "Got error '") {
            var inner = message[marker.upperBound...]
            if inner.hasSuffix("'") { inner = inner.dropLast() }
            let reports = Self.phpMessages(inner)
            if !reports.isEmpty { return reports.map { make(stamp, $0, context: context) } }
        }

        var report = Self.serverReport(level, label: label, kind: .serverMessage, message: message)
        if let htaccess = message.byteRange(of: ".htaccess: ") {
            report.kind = .htaccessInvalid
            let path = message[..<htaccess.lowerBound]
            if let start = path.lastIndex(ofByte: UInt8(ascii: " ")).map({ path.index(after: $0) }) ?? (path.hasPrefix("/") ? path.startIndex : nil) {
                report.file = String(message[start..<htaccess.lowerBound]) + ".htaccess"
            }
        } else if message.containsBytes("AH00124:") {
            report.kind = .redirectLimit
        } else if message.containsBytes("AH00161:") || message.containsBytes("MaxRequestWorkers setting") {
            report.kind = .maxChildren
        } else if message.containsBytes("AH00052:"), let open = message.byteRange(of: "(", backwards: true) {
            // `AH00052: child pid 1234 exit signal Segmentation fault (11)`
            let signal = Int(message[open.upperBound...].prefix { $0.isASCII && $0.isNumber }) ?? 0
            report.kind = .workerKilled(signal: signal)
            report.level = max(report.level, .error)
        } else if message.containsBytes("AH02454:") || message.containsBytes("AH01079:") || message.containsBytes("AH00957:")
                    || message.containsBytes("Connection refused") {
            report.kind = .fpmUnreachable
        } else if message.containsBytes("AH01075:") && message.containsBytes("timeout") {
            report.kind = .upstreamTimeout
        } else if message.containsBytes("AH01067:") || (message.containsBytes("Connection reset by peer") && (message.containsBytes("AH01075:") || message.containsBytes("AH01068:"))) {
            report.kind = .upstreamClosed
        }
        return [make(stamp, report, context: context)]
    }

    /// Apache writes control characters and bytes above 127 as `\n`, `\t`, `\xHH`, and a backslash as `\\`.
    static func unescapingApache(_ text: Substring) -> String {
        guard text.containsBytes("\\") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = iterator.first else {
                bytes.append(byte)
                continue
            }
            switch next {
            case UInt8(ascii: "n"): bytes.append(10); iterator.removeFirst()
            case UInt8(ascii: "t"): bytes.append(9); iterator.removeFirst()
            case UInt8(ascii: "r"): bytes.append(13); iterator.removeFirst()
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): bytes.append(next); iterator.removeFirst()
            case UInt8(ascii: "x"):
                let hex = iterator.dropFirst().prefix(2)
                if hex.count == 2, let value = UInt8(String(decoding: hex, as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    iterator.removeFirst(3)
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Shared

    private struct Stamp {
        var timestamp: Date
        var timeZone: String?
        var format: LogFormat
        var raw: String
        var offset: UInt64
    }

    private mutating func make(_ stamp: Stamp, _ report: PHPReport, context: LogServerContext?) -> LogEntry {
        let attribution = attributor?.attribute(file: report.file, stackFrames: report.stackFrames, messagePaths: report.messagePaths,
                                                remembering: &sources) ?? .unknown
        return LogEntry(timestamp: stamp.timestamp, timeZone: stamp.timeZone, format: stamp.format, level: report.level,
                        kind: report.kind, label: report.label, message: report.message, file: report.file, line: report.line,
                        stackFrames: report.stackFrames, attribution: attribution, context: context, raw: stamp.raw,
                        offset: stamp.offset)
    }

    private static func serverReport(_ level: LogLevel, label: String?, kind: LogEntryKind, message: String) -> PHPReport {
        PHPReport(label: label, level: level, kind: kind, message: message, file: nil, line: nil, stackFrames: [],
                  messagePaths: PHPReportParser.absolutePaths(in: message))
    }

    /// Splits `PHP message: A; PHP message: B` (how PHP-FPM hands several messages to the web server) and parses each.
    static func phpMessages(_ text: Substring) -> [PHPReport] {
        guard text.containsBytes("PHP message: ") else {
            return text.hasPrefix("PHP ") ? [PHPReportParser.parse(text)] : []
        }
        var reports: [PHPReport] = []
        var rest = text
        while !rest.isEmpty {
            let next = rest.byteRange(of: "PHP message: ")
            var piece = rest[..<(next?.lowerBound ?? rest.endIndex)]
            rest = next.map { rest[$0.upperBound...] } ?? rest[rest.endIndex...]
            while let last = piece.last, last == ";" || last == " " || last == "\n" || last == "\r" { piece = piece.dropLast() }
            if piece.isEmpty { continue }
            reports.append(PHPReportParser.parse(piece))
        }
        return reports
    }

    /// nginx, Apache and PHP-FPM severity words.
    static func serverLevel(_ word: String) -> LogLevel {
        switch word.lowercased() {
        case "emerg", "alert", "crit": return .fatal
        case "error": return .error
        case "warn", "warning": return .warning
        case "notice": return .notice
        default: return .info
        }
    }

    /// The entry's lines, each without its newline and a carriage return before it.
    static func lines(_ bytes: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
        var result: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
            var end = index
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            result.append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            start = index + 1
        }
        return result
    }

    /// Lossy: invalid UTF-8 becomes U+FFFD rather than failing the whole entry.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
