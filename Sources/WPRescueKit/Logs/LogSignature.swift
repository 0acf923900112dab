#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        if entry.kind == .databaseError, let madeBy = message.byteRange(of: " made by ") {
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
        var text = text
        return text.withUTF8 { input in
            let output = UnsafeMutablePointer<UInt8>.allocate(capacity: outputCapacity(for: input.count))
            defer { output.deallocate() }
            let count = normalize(input, into: output, normalizeQuotedStrings: normalizeQuotedStrings, forCacheKey: false)
            return String(decoding: UnsafeBufferPointer(start: output, count: count), as: UTF8.self)
        }
    }

    /// Room `normalize(_:into:...)` needs for `inputCount` bytes (an empty quoted string `''` grows to `'*'`).
    static func outputCapacity(for inputCount: Int) -> Int { inputCount * 2 + 16 }

    /// The normalization on bytes, shared by signatures and by the summary's cache key so the two cannot drift
    /// apart. Writes to `output` (at least `outputCapacity(for:)` bytes) and returns the count written.
    ///
    /// With `forCacheKey`, only a subset is replaced, so that two texts with the same key always parse to the same
    /// signature, level, kind and source: whitespace-separated tokens holding `/`, `\`, `[` or `]` (paths,
    /// escapes, timestamps) stay as they are; numbers with dots or more than 18 digits stay; the numbers after
    /// `size of ` and `time of ` stay (they are the memory and time limits the kind carries); quotes stay; and
    /// nothing is cut.
    static func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>,
                          normalizeQuotedStrings: Bool, forCacheKey: Bool) -> Int {
        byteClasses.withUnsafeBufferPointer { classes in
            normalize(input, into: output, normalizeQuotedStrings: normalizeQuotedStrings, forCacheKey: forCacheKey, classes: classes)
        }
    }

    private static let whitespaceClass: UInt8 = 1
    private static let keepWholeClass: UInt8 = 2
    private static let digitClass: UInt8 = 4
    /// Per byte: whitespace; `/`, `\`, `[`, `]` (a token holding one stays whole in a cache key); digit.
    private static let byteClasses: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        if byte.isWhitespace { return whitespaceClass }
        if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") {
            return keepWholeClass
        }
        return byte.isASCIIDigit ? digitClass : 0
    }

    private static func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>,
                                  normalizeQuotedStrings: Bool, forCacheKey: Bool, classes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = input.baseAddress, let classes = classes.baseAddress else { return 0 }
        let count = input.count
        let limit = forCacheKey ? Int.max : maximumLength
        // Unchanged bytes are not copied one by one: `copyFrom` marks where the pending unchanged run starts,
        // and it is copied in one go before each replacement and at the end.
        var written = 0
        var copyFrom = 0
        var index = 0
        func replace(upTo end: Int, with replacement: StaticString) {
            let pending = index - copyFrom
            if pending > 0 { memcpy(output + written, base + copyFrom, pending) }
            written += pending
            let length = replacement.utf8CodeUnitCount
            memcpy(output + written, replacement.utf8Start, length)
            written += length
            index = end
            copyFrom = end
        }
        while index < count, written + (index - copyFrom) < limit {
            let byte = base[index]
            if forCacheKey, index == 0 || base[index - 1].isWhitespace, !byte.isWhitespace {
                var end = index
                var seen: UInt8 = 0
                while end < count {
                    let byteClass = classes[Int(base[end])]
                    if byteClass == whitespaceClass { break }
                    seen |= byteClass
                    end += 1
                }
                // Without a digit no rule below can apply (quotes stay in keys), so such a token stays whole too.
                if seen & keepWholeClass != 0 || seen & digitClass == 0
                    || (byte.isASCIIDigit && (input.hasPrefix("size of ", endingAt: index) || input.hasPrefix("time of ", endingAt: index))) {
                    index = end
                    continue
                }
            }
            guard index == 0 || !continuesWord(input, index) else {
                index += 1
                continue
            }
            if normalizeQuotedStrings, byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\""),
               let close = input[(index + 1)...].firstIndex(where: { $0 == byte || $0 == UInt8(ascii: "\n") }), base[close] == byte {
                replace(upTo: close + 1, with: byte == UInt8(ascii: "'") ? "'*'" : "\"*\"")
                continue
            }
            if byte == UInt8(ascii: "0"), index + 2 < count, base[index + 1] == UInt8(ascii: "x"), base[index + 2].isHexDigit {
                var end = index + 2
                while end < count, base[end].isHexDigit { end += 1 }
                if end == count || !base[end].isWordByte {
                    replace(upTo: end, with: "0xN")
                    continue
                }
            }
            if byte.isHexDigit {
                var end = index
                var sawDigit = false
                var sawLetter = false
                while end < count, base[end].isHexDigit {
                    if base[end].isASCIIDigit { sawDigit = true } else { sawLetter = true }
                    end += 1
                }
                if end - index >= 8, sawDigit, sawLetter, end == count || !base[end].isWordByte {
                    replace(upTo: end, with: "H")
                    continue
                }
            }
            if byte.isASCIIDigit {
                // A number, with decimals or dotted parts (1.5, 127.0.0.1).
                var end = index
                var dotted = false
                while end < count {
                    if base[end].isASCIIDigit {
                        end += 1
                    } else if base[end] == UInt8(ascii: "."), end + 1 < count, base[end + 1].isASCIIDigit {
                        dotted = true
                        end += 1
                    } else {
                        break
                    }
                }
                if end == count || !(base[end].isASCIILetter || base[end] == UInt8(ascii: "_")) {
                    if forCacheKey && (dotted || end - index > 18) {
                        index = end
                    } else {
                        replace(upTo: end, with: "N")
                    }
                    continue
                }
                // Digits that start a word (`2fa-login`): keep the word.
                while end < count, base[end].isWordByte { end += 1 }
                index = end
                continue
            }
            index += 1
        }
        let pending = min(index, count) - copyFrom
        if pending > 0 { memcpy(output + written, base + copyFrom, pending) }
        written += max(0, pending)
        return min(written, limit)
    }

    /// True when the byte at `index` continues a word begun before it (so its digits are part of a name).
    private static func continuesWord(_ input: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
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

    @inline(__always) var isWhitespace: Bool {
        self == UInt8(ascii: " ") || self == UInt8(ascii: "\t") || self == UInt8(ascii: "\n") || self == UInt8(ascii: "\r")
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// True when the bytes just before `end` are `suffix` (ASCII).
    func hasPrefix(_ suffix: StaticString, endingAt end: Int) -> Bool {
        let length = suffix.utf8CodeUnitCount
        return end >= length && hasPrefix(suffix, at: end - length)
    }
}
