/// Reduces a message to what stays the same each time the same problem recurs, so repeats group together.
///
/// - paths inside the site become relative to ABSPATH (`wp-content/plugins/bar/bar.php`);
/// - free-standing numbers (line numbers, byte counts, pids, request and connection ids, IP addresses,
///   durations) become `N`; digits inside words (`php8.2-fpm`, `utf8mb4`, `AH00124`, `seo-2`) stay;
/// - `0x...` addresses become `0xN`, other hex runs of 8 or more characters with a digit (hashes, ids) become `H`;
/// - optionally, the contents of quoted strings become `*` (`Undefined array key "a"` and `"b"` then group together);
/// - WordPress database errors lose their `made by ...` call chain, which differs per request.
public enum LogSignature {
    /// Longer signatures are cut: a message that long (an SQL query, a dump) is already distinctive.
    public static let maximumLength = 512

    public static func signature(for entry: LogEntry, attributor: LogAttributor?, normalizeQuotedStrings: Bool) -> String {
        var message = entry.message
        if entry.kind == .databaseError, let madeBy = message.range(of: " made by ") {
            message = String(message[..<madeBy.lowerBound])
        }
        if let attributor { message = attributor.relativizing(message) }
        var result = normalize(message, normalizeQuotedStrings: normalizeQuotedStrings)
        if let file = entry.file {
            result += " @ " + (attributor.map { $0.relativizing(file) } ?? file)
        }
        return result
    }

    public static func normalize(_ text: String, normalizeQuotedStrings: Bool) -> String {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(min(input.count, maximumLength))
        var index = 0
        while index < input.count, output.count < maximumLength {
            let byte = input[index]
            let atBoundary = index == 0 || !continuesWord(input, index)
            guard atBoundary else {
                output.append(byte)
                index += 1
                continue
            }
            if normalizeQuotedStrings, byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\""),
               let close = input[(index + 1)...].firstIndex(where: { $0 == byte || $0 == UInt8(ascii: "\n") }), input[close] == byte {
                output.append(contentsOf: [byte, UInt8(ascii: "*"), byte])
                index = close + 1
                continue
            }
            if byte == UInt8(ascii: "0"), index + 2 < input.count, input[index + 1] == UInt8(ascii: "x"), input[index + 2].isHexDigit {
                var end = index + 2
                while end < input.count, input[end].isHexDigit { end += 1 }
                if end == input.count || !input[end].isWordByte {
                    output.append(contentsOf: Array("0xN".utf8))
                    index = end
                    continue
                }
            }
            if byte.isHexDigit {
                var end = index
                var sawDigit = false
                var sawLetter = false
                while end < input.count, input[end].isHexDigit {
                    if input[end].isASCIIDigit { sawDigit = true } else { sawLetter = true }
                    end += 1
                }
                let endsWord = end == input.count || !input[end].isWordByte
                if endsWord, sawDigit, sawLetter, end - index >= 8 {
                    output.append(UInt8(ascii: "H"))
                    index = end
                    continue
                }
            }
            if byte.isASCIIDigit {
                // A number, with decimals or dotted parts (1.5, 127.0.0.1).
                var end = index
                while end < input.count {
                    if input[end].isASCIIDigit {
                        end += 1
                    } else if input[end] == UInt8(ascii: "."), end + 1 < input.count, input[end + 1].isASCIIDigit {
                        end += 1
                    } else {
                        break
                    }
                }
                if end == input.count || !(input[end].isASCIILetter || input[end] == UInt8(ascii: "_")) {
                    output.append(UInt8(ascii: "N"))
                    index = end
                    continue
                }
                // Digits that start a word (`2fa-login`): keep the word.
                while end < input.count, input[end].isWordByte { end += 1 }
                output.append(contentsOf: input[index..<end])
                index = end
                continue
            }
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// True when the byte at `index` continues a word begun before it (so its digits are part of a name).
    private static func continuesWord(_ input: [UInt8], _ index: Int) -> Bool {
        let previous = input[index - 1]
        if previous.isASCIILetter || previous.isASCIIDigit || previous == UInt8(ascii: "_") || previous == UInt8(ascii: "$")
            || previous == UInt8(ascii: "\\") || previous >= 0x80 {
            return true
        }
        if previous == UInt8(ascii: ".") || previous == UInt8(ascii: "-") {
            return index >= 2 && (input[index - 2].isASCIILetter || input[index - 2].isASCIIDigit)
        }
        return false
    }
}

extension UInt8 {
    @inline(__always) var isASCIILetter: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
    }

    @inline(__always) var isHexDigit: Bool {
        isASCIIDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }

    @inline(__always) var isWordByte: Bool { isASCIILetter || isASCIIDigit || self == UInt8(ascii: "_") }
}
