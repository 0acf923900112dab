import Foundation

/// A value in PHP's `serialize()` format, as WordPress stores arrays and objects in options.
public indirect enum PHPSerializedValue: Equatable, Sendable {
    public enum Key: Hashable, Sendable, CustomStringConvertible {
        case int(Int)
        case string(String)

        public var description: String {
            switch self {
            case .int(let value): return String(value)
            case .string(let value): return value
            }
        }
    }

    public struct Entry: Equatable, Sendable {
        public var key: Key
        public var value: PHPSerializedValue

        public init(key: Key, value: PHPSerializedValue) {
            self.key = key
            self.value = value
        }
    }

    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// The string's bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    case string(String)
    /// Keys in stored order; PHP arrays are ordered maps.
    case array([Entry])
    case object(className: String, properties: [Entry])
    /// `C:` objects that serialize themselves: the class and its raw payload.
    case customObject(className: String, payload: String)
    /// `E:` (PHP 8.1 enums): `Class:Case`.
    case enumCase(String)
    /// `r:`/`R:` back-references to an earlier value by position.
    case reference(Int)

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayEntries: [Entry]? {
        if case .array(let entries) = self { return entries }
        return nil
    }

    /// A few words for messages: "an array of 3", "the string 'x'", "an integer".
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int: return "an integer"
        case .double: return "a float"
        case .string: return "a string"
        case .array(let entries): return "an array of \(entries.count)"
        case .object(let className, _), .customObject(let className, _): return "an object of class \(className)"
        case .enumCase(let name): return "the enum case \(name)"
        case .reference: return "a reference"
        }
    }
}

/// Why a serialized value could not be read; `offset` counts bytes from the start.
public struct PHPUnserializeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The data ends before the value does (a cut-off write, a column too short).
        case truncated
        /// A different byte was expected here.
        case unexpected(found: UInt8, expected: String)
        /// A string's declared byte length does not end where its closing quote is.
        case stringLengthMismatch(declared: Int)
        /// An array or object holds fewer entries than it declares.
        case countMismatch(declared: Int, found: Int)
        case unknownType(UInt8)
        case invalidNumber
        case tooDeep(limit: Int)
    }

    public let offset: Int
    public let total: Int
    public let reason: Reason

    public var description: String {
        let place = "at byte \(offset) of \(total)"
        switch reason {
        case .truncated:
            return "it is cut off: the data ends \(place) in the middle of a value"
        case .unexpected(let found, let expected):
            return "expected \(expected) \(place) but found \(Self.show(found))"
        case .stringLengthMismatch(let declared):
            return "a string declared as \(declared) bytes does not end with its closing quote \(place) (typical of a search-and-replace that ignored serialized lengths)"
        case .countMismatch(let declared, let found):
            return "an array declared with \(declared) entries holds only \(found) \(place)"
        case .unknownType(let byte):
            return "\(Self.show(byte)) \(place) is not a PHP serialized type"
        case .invalidNumber:
            return "a number \(place) is not valid"
        case .tooDeep(let limit):
            return "it nests deeper than \(limit) levels \(place)"
        }
    }

    private static func show(_ byte: UInt8) -> String {
        (0x21...0x7e).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02x", byte)
    }
}

/// Reads PHP's serialize() format without running PHP: never traps on bad input, reports
/// where it went wrong instead. String lengths count bytes, as PHP does.
public enum PHPUnserializer {
    public static let depthLimit = 256

    /// The first value in `bytes`. Like PHP's unserialize(), bytes after a complete value are ignored.
    public static func unserialize(_ bytes: [UInt8]) throws(PHPUnserializeError) -> PHPSerializedValue {
        var reader = Reader(bytes: bytes)
        return try reader.value(depth: 0)
    }

    public static func unserialize(_ text: String) throws(PHPUnserializeError) -> PHPSerializedValue {
        try unserialize(Array(text.utf8))
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        func failure(_ reason: PHPUnserializeError.Reason, at offset: Int? = nil) -> PHPUnserializeError {
            PHPUnserializeError(offset: offset ?? position, total: bytes.count, reason: reason)
        }

        mutating func next() throws(PHPUnserializeError) -> UInt8 {
            guard position < bytes.count else { throw failure(.truncated) }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func expect(_ byte: UInt8) throws(PHPUnserializeError) {
            let found = try next()
            guard found == byte else {
                throw failure(.unexpected(found: found, expected: "'\(Character(Unicode.Scalar(byte)))'"), at: position - 1)
            }
        }

        /// Bytes up to (not including) `terminator`, which is consumed.
        mutating func token(until terminator: UInt8) throws(PHPUnserializeError) -> ArraySlice<UInt8> {
            let start = position
            while true {
                if try next() == terminator { return bytes[start..<(position - 1)] }
            }
        }

        /// A length or count: decimal digits only, as PHP requires.
        mutating func length(until terminator: UInt8) throws(PHPUnserializeError) -> Int {
            let start = position
            let digits = try token(until: terminator)
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }),
                  let value = Int(String(decoding: digits, as: UTF8.self)) else {
                throw failure(.invalidNumber, at: start)
            }
            return value
        }

        mutating func integer() throws(PHPUnserializeError) -> Int {
            let start = position
            var digits = try token(until: UInt8(ascii: ";"))
            var negative = false
            if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw failure(.invalidNumber, at: start)
            }
            // PHP clamps an out-of-range integer (with a warning) rather than failing.
            var value = 0
            for digit in digits {
                let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int(digit - 0x30))
                if overflowTimes || overflowSum { return negative ? Int.min : Int.max }
                value = sum
            }
            return negative ? -value : value
        }

        /// `LEN:"bytes"`, positioned after the type letter's colon.
        mutating func quoted() throws(PHPUnserializeError) -> String {
            let declared = try length(until: UInt8(ascii: ":"))
            try expect(UInt8(ascii: "\""))
            let start = position
            guard declared <= bytes.count - start else {
                // Data that still ends like a complete value had a wrong length written into it;
                // data that stops mid-way was cut off.
                let endsComplete = bytes.last == UInt8(ascii: ";") || bytes.last == UInt8(ascii: "}")
                throw endsComplete ? failure(.stringLengthMismatch(declared: declared), at: start) : failure(.truncated, at: bytes.count)
            }
            position += declared
            guard position < bytes.count else { throw failure(.truncated) }
            guard bytes[position] == UInt8(ascii: "\"") else { throw failure(.stringLengthMismatch(declared: declared)) }
            position += 1
            return String(decoding: bytes[start..<(start + declared)], as: UTF8.self)
        }

        mutating func entries(depth: Int) throws(PHPUnserializeError) -> [PHPSerializedValue.Entry] {
            let declared = try length(until: UInt8(ascii: ":"))
            try expect(UInt8(ascii: "{"))
            // No reserveCapacity: the declared count is untrusted.
            var entries: [PHPSerializedValue.Entry] = []
            while entries.count < declared {
                guard position < bytes.count else { throw failure(.truncated) }
                if bytes[position] == UInt8(ascii: "}") {
                    throw failure(.countMismatch(declared: declared, found: entries.count))
                }
                let keyOffset = position
                let key: PHPSerializedValue.Key
                switch try value(depth: depth + 1) {
                case .int(let number): key = .int(number)
                case .string(let text): key = .string(text)
                default: throw failure(.unexpected(found: bytes[keyOffset], expected: "an integer or string key"), at: keyOffset)
                }
                entries.append(.init(key: key, value: try value(depth: depth + 1)))
            }
            try expect(UInt8(ascii: "}"))
            return entries
        }

        mutating func value(depth: Int) throws(PHPUnserializeError) -> PHPSerializedValue {
            guard depth <= PHPUnserializer.depthLimit else { throw failure(.tooDeep(limit: PHPUnserializer.depthLimit)) }
            let typeOffset = position
            let type = try next()
            if type == UInt8(ascii: "N") {
                try expect(UInt8(ascii: ";"))
                return .null
            }
            try expect(UInt8(ascii: ":"))
            switch type {
            case UInt8(ascii: "b"):
                let flag = try next()
                guard flag == UInt8(ascii: "0") || flag == UInt8(ascii: "1") else {
                    throw failure(.unexpected(found: flag, expected: "0 or 1"), at: position - 1)
                }
                try expect(UInt8(ascii: ";"))
                return .bool(flag == UInt8(ascii: "1"))
            case UInt8(ascii: "i"):
                return .int(try integer())
            case UInt8(ascii: "d"):
                let start = position
                let text = String(decoding: try token(until: UInt8(ascii: ";")), as: UTF8.self)
                switch text {
                case "INF": return .double(.infinity)
                case "-INF": return .double(-.infinity)
                case "NAN": return .double(.nan)
                default:
                    guard let number = Double(text), number.isFinite else { throw failure(.invalidNumber, at: start) }
                    return .double(number)
                }
            case UInt8(ascii: "s"):
                let text = try quoted()
                try expect(UInt8(ascii: ";"))
                return .string(text)
            case UInt8(ascii: "a"):
                return .array(try entries(depth: depth))
            case UInt8(ascii: "O"):
                let className = try quoted()
                try expect(UInt8(ascii: ":"))
                return .object(className: className, properties: try entries(depth: depth))
            case UInt8(ascii: "C"):
                let className = try quoted()
                try expect(UInt8(ascii: ":"))
                let declared = try length(until: UInt8(ascii: ":"))
                try expect(UInt8(ascii: "{"))
                let start = position
                guard declared <= bytes.count - start else { throw failure(.truncated, at: bytes.count) }
                position += declared
                try expect(UInt8(ascii: "}"))
                return .customObject(className: className, payload: String(decoding: bytes[start..<(start + declared)], as: UTF8.self))
            case UInt8(ascii: "E"):
                let name = try quoted()
                try expect(UInt8(ascii: ";"))
                return .enumCase(name)
            case UInt8(ascii: "r"), UInt8(ascii: "R"):
                return .reference(try integer())
            default:
                throw failure(.unknownType(type), at: typeOffset)
            }
        }
    }
}
