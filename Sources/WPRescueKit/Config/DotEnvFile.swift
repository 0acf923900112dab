import Foundation

/// A `.env` file read the way phpdotenv 5 (Bedrock's loader) reads it, with every byte kept.
///
/// Lines are `[export ]NAME=value`; `#` starts a comment at the beginning of a line or in an
/// unquoted value; single quotes are literal; double quotes know `\"`, `\\`, `\$`, `\f`, `\n`,
/// `\r`, `\t`, `\v` and may span lines; `${NAME}` in unquoted and double-quoted values is
/// replaced by a variable loaded earlier (or one already in the environment), and left as is
/// when there is none. A later entry of the same name replaces an earlier one, but never a
/// variable the environment already had (phpdotenv's immutable repository).
public struct DotEnvFile: Sendable {
    public struct Entry: Equatable, Sendable {
        public let name: String
        /// The value before `${…}` expansion; nil for a bare `NAME` line (no `=`).
        public let value: String?
        /// Offsets in `value` (in UTF-8 bytes) of each `$` that may start `${NAME}`.
        let variableOffsets: [Int]
        /// Bytes of the value as written (quotes included, trailing comment and spaces excluded).
        public let valueRange: Range<Int>
        /// Bytes of the whole entry, from its first to its last byte (line break excluded).
        public let entryRange: Range<Int>
        public let line: Int
    }

    public let bytes: [UInt8]
    public let entries: [Entry]
    /// The line ending new lines get: the file's own.
    public let lineEnding: WPConfigFile.LineEnding

    public enum Failure: Error, Equatable, LocalizedError {
        case invalid(line: Int, reason: String)
        case notUTF8(line: Int)
        case unrepresentable(name: String, reason: String)
        case notDefined(String)
        case verification(name: String, detail: String)

        public var errorDescription: String? {
            switch self {
            case .invalid(let line, let reason): return "line \(line) is not valid for phpdotenv: \(reason)."
            case .notUTF8(let line): return "line \(line) is not valid UTF-8."
            case .unrepresentable(let name, let reason): return "\(name) cannot be written to .env: \(reason)."
            case .notDefined(let name): return "\(name) is not set in .env."
            case .verification(let name, let detail): return "the edit of \(name) did not check out: \(detail)."
            }
        }
    }

    public init(data: Data) throws(Failure) {
        try self.init(bytes: [UInt8](data))
    }

    init(bytes: [UInt8]) throws(Failure) {
        if let invalid = WPConfigFile.firstInvalidUTF8Offset(bytes) {
            throw .notUTF8(line: bytes[..<invalid].filter { $0 == UInt8(ascii: "\n") }.count + 1)
        }
        self.bytes = bytes
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline > 0, bytes[newline - 1] == UInt8(ascii: "\r") {
            lineEnding = .crlf
        } else {
            lineEnding = .lf
        }
        entries = try Self.parse(bytes)
    }

    public var data: Data { Data(bytes) }

    /// The entry in force for `name`: the last one.
    public func entry(_ name: String) -> Entry? { entries.last { $0.name == name } }

    // MARK: Values

    /// Every variable as phpdotenv leaves it after loading `files` in order over `environment`:
    /// later entries win over earlier ones (across files too, as Bedrock's .env.local over .env),
    /// `${NAME}` is expanded from what is loaded so far, and variables `environment` already holds are kept.
    public static func values(of files: [DotEnvFile], over environment: [String: String] = [:]) -> [String: String] {
        var loaded = environment
        var ours: Set<String> = []
        for entry in files.flatMap(\.entries) {
            guard environment[entry.name] == nil || ours.contains(entry.name) else { continue }
            guard let value = entry.value else {
                loaded[entry.name] = nil
                continue
            }
            loaded[entry.name] = expand(value, at: entry.variableOffsets, from: loaded)
            ours.insert(entry.name)
        }
        return loaded
    }

    /// phpdotenv's resolver: each `${NAME}` at a recorded `$` is replaced when NAME is known, right to left.
    static func expand(_ value: String, at offsets: [Int], from variables: [String: String]) -> String {
        var bytes = Array(value.utf8)
        for offset in offsets.sorted(by: >) {
            let rest = bytes[offset...]
            guard rest.count > 3, rest[offset + 1] == UInt8(ascii: "{"),
                  let close = rest.firstIndex(of: UInt8(ascii: "}")), close > offset + 2 else { continue }
            let nameBytes = bytes[(offset + 2)..<close]
            guard nameBytes.allSatisfy(isNameByte), let name = String(bytes: nameBytes, encoding: .utf8),
                  let replacement = variables[name] else { continue }
            bytes.replaceSubrange(offset...close, with: Array(replacement.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    // MARK: Editing

    /// Sets `name` to exactly `value`: only the value of its last entry changes (in that entry's
    /// quoting when the value allows it), or `NAME=value` is added on a new line at the end.
    public func setting(_ name: String, to value: String) throws(Failure) -> DotEnvFile {
        guard !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte) else {
            throw .unrepresentable(name: name, reason: "not a variable name phpdotenv accepts")
        }
        var edited = bytes
        if let existing = entry(name), existing.value != nil {
            let original = Array(bytes[existing.valueRange])
            let encoded = try Self.encode(value, name: name, like: original.first)
            edited.replaceSubrange(existing.valueRange, with: Array(encoded.utf8))
        } else {
            let encoded = try Self.encode(value, name: name, like: nil)
            let newline = Array(lineEnding.rawValue.utf8)
            if let last = edited.last, last != UInt8(ascii: "\n"), last != UInt8(ascii: "\r") { edited += newline }
            edited += Array("\(name)=\(encoded)".utf8) + newline
        }
        let file = try reread(edited, name: name)
        try verify(file, changing: name)
        guard file.entry(name)?.value == value, file.entry(name)?.variableOffsets.isEmpty == true else {
            throw .verification(name: name, detail: "the new value does not read back as written")
        }
        return file
    }

    /// Removes every entry of `name`, with its line when nothing else is on it.
    public func removing(_ name: String) throws(Failure) -> DotEnvFile {
        let ranges = entries.filter { $0.name == name }.map(\.entryRange)
        guard !ranges.isEmpty else { throw .notDefined(name) }
        var edited = bytes
        for range in ranges.reversed() {
            var end = range.upperBound
            while end < edited.count, edited[end] == UInt8(ascii: " ") || edited[end] == UInt8(ascii: "\t") { end += 1 }
            if end < edited.count, edited[end] == UInt8(ascii: "#") {
                while end < edited.count, edited[end] != UInt8(ascii: "\n"), edited[end] != UInt8(ascii: "\r") { end += 1 }
            }
            if end < edited.count, edited[end] == UInt8(ascii: "\r") { end += 1 }
            if end < edited.count, edited[end] == UInt8(ascii: "\n") { end += 1 }
            edited.removeSubrange(range.lowerBound..<end)
        }
        let file = try reread(edited, name: name)
        try verify(file, changing: name)
        return file
    }

    /// How a value is written: unquoted when phpdotenv reads it back unchanged that way (and the
    /// entry was unquoted), else single quotes (literal), else double quotes with escapes.
    static func encode(_ value: String, name: String, like opening: UInt8?) throws(Failure) -> String {
        if value.utf8.contains(0) { throw .unrepresentable(name: name, reason: "it contains a NUL byte") }
        let plain = !value.isEmpty && value.utf8.allSatisfy { byte in
            byte > 0x20 && byte != 0x7F && !"#'\"$\\".utf8.contains(byte)
        }
        if plain, opening != UInt8(ascii: "'"), opening != UInt8(ascii: "\"") { return value }
        let singleQuotable = !value.contains("'") && !value.contains("\n") && !value.contains("\r")
        if singleQuotable, opening != UInt8(ascii: "\"") { return "'" + value + "'" }
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "$": text += "\\$"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private func reread(_ edited: [UInt8], name: String) throws(Failure) -> DotEnvFile {
        do {
            return try DotEnvFile(bytes: edited)
        } catch {
            throw .verification(name: name, detail: "the result would not read: \(error.errorDescription ?? "invalid")")
        }
    }

    /// Every other entry must be the same, byte for byte.
    private func verify(_ edited: DotEnvFile, changing name: String) throws(Failure) {
        let before = entries.filter { $0.name != name }.map { Array(bytes[$0.entryRange]) }
        let after = edited.entries.filter { $0.name != name }.map { Array(edited.bytes[$0.entryRange]) }
        guard before == after else { throw .verification(name: name, detail: "other variables would change too") }
    }

    // MARK: Parsing

    private struct Line {
        var range: Range<Int>
        var number: Int
    }

    private static func parse(_ bytes: [UInt8]) throws(Failure) -> [Entry] {
        // Split on \r\n, \n or \r, as phpdotenv does.
        var lines: [Line] = []
        var start = 0, index = 0, number = 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\r") || bytes[index] == UInt8(ascii: "\n") {
                lines.append(Line(range: start..<index, number: number))
                if bytes[index] == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                index += 1
                start = index
                number += 1
            } else {
                index += 1
            }
        }
        lines.append(Line(range: start..<bytes.count, number: number))

        // Join a double-quoted value over several lines (Lines::process), then skip blanks and comments.
        var raw: [Line] = []
        var buffer: Line?
        for line in lines {
            let text = bytes[line.range]
            if buffer == nil, startsMultiline(text) {
                buffer = line
                continue
            }
            if var open = buffer {
                open.range = open.range.lowerBound..<line.range.upperBound
                buffer = open
                if stopsMultiline(text, started: false) {
                    raw.append(open)
                    buffer = nil
                }
                continue
            }
            let trimmed = text.drop { isSpace($0) }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            raw.append(line)
        }
        if let open = buffer { raw.append(open) }
        return try raw.map { line throws(Failure) in try entry(bytes, line) }
    }

    private static func startsMultiline(_ text: ArraySlice<UInt8>) -> Bool {
        guard let equals = firstIndex(of: Array("=\"".utf8), in: text), equals >= text.startIndex else { return false }
        return !stopsMultiline(text, started: true)
    }

    /// Counts `"` not preceded by a backslash (after removing `\\` pairs), as Lines::looksLikeMultilineStop does.
    private static func stopsMultiline(_ text: ArraySlice<UInt8>, started: Bool) -> Bool {
        if Array(text) == [UInt8(ascii: "\"")] { return true }
        var cleaned: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: "\\"), index + 1 < text.endIndex, text[index + 1] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            cleaned.append(text[index])
            index += 1
        }
        var count = 0
        for position in cleaned.indices.dropFirst() where cleaned[position] == UInt8(ascii: "\"") && cleaned[position - 1] != UInt8(ascii: "\\") {
            count += 1
        }
        return started ? count > 1 : count >= 1
    }

    private static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func entry(_ bytes: [UInt8], _ line: Line) throws(Failure) -> Entry {
        let text = bytes[line.range]
        var first = text.startIndex, last = text.endIndex
        while first < last, isSpace(bytes[first]) { first += 1 }
        while last > first, isSpace(bytes[last - 1]) { last -= 1 }
        let equals = bytes[first..<last].firstIndex(of: UInt8(ascii: "="))
        var nameEnd = equals ?? last
        while nameEnd > first, isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        guard nameEnd > first else { throw .invalid(line: line.number, reason: "an unexpected equals") }
        var name = String(decoding: bytes[first..<nameEnd], as: UTF8.self)
        if name.utf8.count > 8, name.hasPrefix("export"), let space = name.utf8.dropFirst(6).first, isSpace(space) {
            name = String(name.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        }
        if name.utf8.count >= 3, let quote = name.first, quote == "'" || quote == "\"", name.last == quote {
            name = String(name.dropFirst().dropLast())
        }
        guard !name.isEmpty, name.utf8.allSatisfy(isNameByte) else { throw .invalid(line: line.number, reason: "an invalid name") }
        guard let equals else {
            return Entry(name: name, value: nil, variableOffsets: [], valueRange: last..<last, entryRange: first..<last, line: line.number)
        }
        var valueStart = equals + 1
        while valueStart < last, isSpace(bytes[valueStart]) { valueStart += 1 }
        let decoded = try decodeValue(bytes, valueStart..<last, line: line.number)
        return Entry(name: name, value: decoded.value, variableOffsets: decoded.variables,
                     valueRange: valueStart..<decoded.end, entryRange: first..<decoded.end, line: line.number)
    }

    private enum State { case initial, unquoted, singleQuoted, doubleQuoted, escape, whitespace, comment }

    /// EntryParser's transducer, byte by byte: the value, where its `$`s are, and where the value as written ends.
    private static func decodeValue(_ bytes: [UInt8], _ range: Range<Int>, line: Int) throws(Failure) -> (value: String, variables: [Int], end: Int) {
        var output: [UInt8] = []
        var variables: [Int] = []
        var state = State.initial
        var end = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            switch state {
            case .initial, .unquoted:
                if byte == UInt8(ascii: "'") && state == .initial {
                    state = .singleQuoted
                } else if byte == UInt8(ascii: "\"") && state == .initial {
                    state = .doubleQuoted
                } else if byte == UInt8(ascii: "#") {
                    state = .comment
                } else if isSpace(byte) {
                    state = .whitespace
                } else {
                    if byte == UInt8(ascii: "$") { variables.append(output.count) }
                    output.append(byte)
                    state = .unquoted
                    end = index + 1
                }
            case .singleQuoted:
                if byte == UInt8(ascii: "'") {
                    state = .whitespace
                    end = index + 1
                } else {
                    output.append(byte)
                }
            case .doubleQuoted:
                if byte == UInt8(ascii: "\"") {
                    state = .whitespace
                    end = index + 1
                } else if byte == UInt8(ascii: "\\") {
                    state = .escape
                } else {
                    if byte == UInt8(ascii: "$") { variables.append(output.count) }
                    output.append(byte)
                }
            case .escape:
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): output.append(byte)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "v"): output.append(0x0B)
                default: throw .invalid(line: line, reason: "an unexpected escape sequence")
                }
                state = .doubleQuoted
            case .whitespace:
                if byte == UInt8(ascii: "#") {
                    state = .comment
                } else if !isSpace(byte) {
                    throw .invalid(line: line, reason: "unexpected whitespace")
                }
            case .comment:
                break
            }
            if state == .comment { break }
            index += 1
        }
        switch state {
        case .singleQuoted, .doubleQuoted, .escape: throw .invalid(line: line, reason: "a missing closing quote")
        case .initial, .unquoted, .whitespace, .comment: break
        }
        return (String(decoding: output, as: UTF8.self), variables, end)
    }
}

/// What oscarotero/env's `env()` makes of a variable with Bedrock's options: `true`, `false`
/// and `null` (any case) converted, digits only made an integer, one pair of surrounding quotes stripped.
public enum BedrockEnvValue {
    public static func convert(_ text: String) -> PHPValue {
        switch text.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(text) { return .int(number) }
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return .string(String(text.dropFirst().dropLast()))
        }
        return .string(text)
    }

    /// The `.env` text `env()` turns back into `value`, nil when there is none.
    public static func text(for value: PHPValue) -> String? {
        switch value {
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number) where number >= 0: return String(number)
        case .null: return "null"
        case .string(let text):
            return convert(text) == .string(text) ? text : nil
        case .int, .float, .expression: return nil
        }
    }
}
