import Foundation

/// The value of a constant or variable as written in wp-config.php: a plain literal decoded
/// to its PHP value, or any other expression kept as its exact source text.
public enum PHPValue: Equatable, Hashable, Sendable, Codable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case float(Double)
    case null
    /// Anything that is not a plain literal (`__DIR__ . '/logs'`, `getenv('DB_HOST')`, an
    /// interpolated string …), as its source text.
    case expression(String)

    /// How to write this value in PHP source. Strings are single-quoted with only `\` and `'`
    /// escaped, the form WordPress's own sample file uses.
    public var phpSource: String {
        switch self {
        case .string(let text):
            return "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        case .bool(let flag):
            return flag ? "true" : "false"
        case .int(let number):
            // PHP reads -9223372036854775808 as a float (the magnitude overflows before the minus applies).
            return number == Int.min ? "PHP_INT_MIN" : String(number)
        case .float(let number):
            if number.isNaN { return "NAN" }
            if number.isInfinite { return number > 0 ? "INF" : "-INF" }
            return "\(number)"
        case .null:
            return "null"
        case .expression(let source):
            return source
        }
    }

    /// False for `.expression`, true for every plain literal.
    public var isLiteral: Bool {
        if case .expression = self { return false }
        return true
    }

    /// The string value, when this is a string literal.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The boolean value, when this is a boolean literal.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}

// MARK: - Decoding literals from source

enum PHPLiteralDecoder {
    /// The literal value of an expression made of `tokens` (trivia already removed), or nil
    /// when it is not a single plain literal.
    static func value(of tokens: [PHPToken], in bytes: [UInt8]) -> PHPValue? {
        if tokens.count == 2, tokens[0].kind == .punctuation, tokens[1].kind == .number {
            let sign = bytes[tokens[0].range.lowerBound]
            guard tokens[0].range.count == 1, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") else { return nil }
            guard let magnitude = number(bytes[tokens[1].range]) else { return nil }
            guard sign == UInt8(ascii: "-") else { return magnitude }
            switch magnitude {
            case .int(let value): return .int(-value)
            case .float(let value): return .float(-value)
            case .string, .bool, .null, .expression: return nil
            }
        }
        guard tokens.count == 1, let token = tokens.first else { return nil }
        let text = bytes[token.range]
        switch token.kind {
        case .number:
            return number(text)
        case .name:
            var word = String(decoding: text.map(lowercased), as: UTF8.self)
            if word.hasPrefix("\\") { word.removeFirst() }
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: return nil
            }
        case .singleQuotedString, .doubleQuotedString(interpolated: false), .heredoc(interpolated: false), .nowdoc:
            return stringLiteral(token, in: bytes).flatMap { String(validating: $0, as: UTF8.self) }.map(PHPValue.string)
        case .doubleQuotedString(interpolated: true), .heredoc(interpolated: true), .inlineHTML, .openTag, .openTagWithEcho,
             .closeTag, .whitespace, .lineComment, .blockComment, .variable, .punctuation, .haltCompilerData:
            return nil
        }
    }

    /// The bytes of a non-interpolated string literal token, escapes resolved.
    static func stringLiteral(_ token: PHPToken, in bytes: [UInt8]) -> [UInt8]? {
        var text = Array(bytes[token.range])
        if let first = text.first, lowercased(first) == UInt8(ascii: "b") { text.removeFirst() }
        switch token.kind {
        case .singleQuotedString:
            guard text.count >= 2 else { return nil }
            return unescapeSingleQuoted(text[1..<(text.count - 1)])
        case .doubleQuotedString(interpolated: false):
            guard text.count >= 2, text.first == UInt8(ascii: "\"") else { return nil }
            return unescapeDoubleQuoted(text[1..<(text.count - 1)], quote: UInt8(ascii: "\""))
        case .heredoc(interpolated: false):
            return heredocBody(text).flatMap { unescapeDoubleQuoted($0[...], quote: nil) }
        case .nowdoc:
            return heredocBody(text)
        default:
            return nil
        }
    }

    private static func number(_ text: ArraySlice<UInt8>) -> PHPValue? {
        let digits = String(decoding: text.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        let lower = digits.lowercased()
        func integer(_ body: Substring, radix: Int) -> PHPValue? {
            guard !body.isEmpty else { return nil }
            if let value = Int(body, radix: radix) { return .int(value) }
            // Too large for an int: PHP silently makes it a float.
            if radix == 10 { return Double(body).map(PHPValue.float) }
            var total = 0.0
            for character in body {
                guard let digit = character.hexDigitValue, digit < radix else { return nil }
                total = total * Double(radix) + Double(digit)
            }
            return .float(total)
        }
        if lower.hasPrefix("0x") { return integer(lower.dropFirst(2), radix: 16) }
        if lower.hasPrefix("0b") { return integer(lower.dropFirst(2), radix: 2) }
        if lower.hasPrefix("0o") { return integer(lower.dropFirst(2), radix: 8) }
        if lower.contains(".") || lower.contains("e") {
            return Double(lower).map(PHPValue.float)
        }
        if lower.count > 1 && lower.hasPrefix("0") { return integer(lower.dropFirst(), radix: 8) }
        return integer(lower[...], radix: 10)
    }

    private static func unescapeSingleQuoted(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if character == UInt8(ascii: "\\"), index + 1 < body.endIndex,
               body[index + 1] == UInt8(ascii: "\\") || body[index + 1] == UInt8(ascii: "'") {
                result.append(body[index + 1])
                index += 2
            } else {
                result.append(character)
                index += 1
            }
        }
        return result
    }

    /// Double-quoted and heredoc escapes. `quote` is `"` for double-quoted strings, where `\"`
    /// is an escape; in a heredoc `\"` stays as written.
    private static func unescapeDoubleQuoted(_ body: ArraySlice<UInt8>, quote: UInt8?) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(body.count)
        var index = body.startIndex
        func at(_ position: Int) -> UInt8? { position < body.endIndex ? body[position] : nil }
        while index < body.endIndex {
            let character = body[index]
            guard character == UInt8(ascii: "\\"), let next = at(index + 1) else {
                result.append(character)
                index += 1
                continue
            }
            switch next {
            case UInt8(ascii: "n"): result.append(0x0A); index += 2
            case UInt8(ascii: "t"): result.append(0x09); index += 2
            case UInt8(ascii: "r"): result.append(0x0D); index += 2
            case UInt8(ascii: "v"): result.append(0x0B); index += 2
            case UInt8(ascii: "e"): result.append(0x1B); index += 2
            case UInt8(ascii: "f"): result.append(0x0C); index += 2
            case UInt8(ascii: "\\"), UInt8(ascii: "$"): result.append(next); index += 2
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = 0, cursor = index + 1
                while cursor < index + 4, let digit = at(cursor), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") {
                    value = value * 8 + Int(digit - UInt8(ascii: "0"))
                    cursor += 1
                }
                result.append(UInt8(value & 0xFF))
                index = cursor
            case UInt8(ascii: "x") where at(index + 2).map(isHexDigit) == true:
                var value = 0, cursor = index + 2
                while cursor < index + 4, let digit = at(cursor), isHexDigit(digit) {
                    value = value * 16 + (Character(Unicode.Scalar(digit)).hexDigitValue ?? 0)
                    cursor += 1
                }
                result.append(UInt8(value))
                index = cursor
            case UInt8(ascii: "u") where at(index + 2) == UInt8(ascii: "{"):
                var cursor = index + 3, value: UInt32 = 0, count = 0
                while let digit = at(cursor), isHexDigit(digit) {
                    value = value &* 16 &+ UInt32(Character(Unicode.Scalar(digit)).hexDigitValue ?? 0)
                    cursor += 1
                    count += 1
                    if count > 8 { return nil }
                }
                // `\u{` without a valid code point is a compile error in PHP: not a literal we can trust.
                guard count > 0, at(cursor) == UInt8(ascii: "}"), let scalar = Unicode.Scalar(value) else { return nil }
                result.append(contentsOf: Array(String(Character(scalar)).utf8))
                index = cursor + 1
            default:
                if let quote, next == quote {
                    result.append(next)
                } else {
                    result.append(character)
                    result.append(next)
                }
                index += 2
            }
        }
        return result
    }

    /// The text of a heredoc or nowdoc with the closing marker's indentation removed from
    /// every line, as PHP 7.3+ does; nil when a line is indented less than the marker.
    private static func heredocBody(_ text: [UInt8]) -> [UInt8]? {
        guard let openingEnd = text.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return nil }
        var bodyStart = openingEnd + 1
        if text[openingEnd] == UInt8(ascii: "\r"), openingEnd + 1 < text.count, text[openingEnd + 1] == UInt8(ascii: "\n") {
            bodyStart += 1
        }
        // The closing line: indentation then the label, at the very end of the token.
        var labelStart = text.count
        while labelStart > bodyStart, isNameCharacter(text[labelStart - 1]) { labelStart -= 1 }
        var closingLineStart = labelStart
        while closingLineStart > bodyStart, text[closingLineStart - 1] == UInt8(ascii: " ") || text[closingLineStart - 1] == UInt8(ascii: "\t") {
            closingLineStart -= 1
        }
        let indentation = Array(text[closingLineStart..<labelStart])
        guard closingLineStart > bodyStart else { return [] }
        var bodyEnd = closingLineStart - 1
        if text[bodyEnd] == UInt8(ascii: "\n"), bodyEnd > bodyStart, text[bodyEnd - 1] == UInt8(ascii: "\r") { bodyEnd -= 1 }
        let body = text[bodyStart..<bodyEnd]
        guard !indentation.isEmpty else { return Array(body) }

        var result: [UInt8] = []
        var index = body.startIndex
        var atLineStart = true
        while index < body.endIndex {
            if atLineStart {
                atLineStart = false
                let lineEnd = body[index...].firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) ?? body.endIndex
                let line = body[index..<lineEnd]
                if line.starts(with: indentation) {
                    index += indentation.count
                } else if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                    index = lineEnd
                } else {
                    return nil
                }
                continue
            }
            let character = body[index]
            result.append(character)
            index += 1
            if character == UInt8(ascii: "\n") || (character == UInt8(ascii: "\r") && (index >= body.endIndex || body[index] != UInt8(ascii: "\n"))) {
                atLineStart = true
            }
        }
        return result
    }
}
