import Foundation

/// An option's stored text as WordPress reads it back (`maybe_unserialize`): serialized data
/// only when it looks serialized (`is_serialized`, strict), otherwise the text itself.
public enum WordPressOptionValue: Equatable, Sendable {
    /// Not serialized: WordPress uses the text as it is.
    case plain(String)
    case serialized(PHPSerializedValue)
    /// Looks serialized but PHP's unserialize() fails on it, so WordPress gets `false`.
    case corrupt(PHPUnserializeError)

    public init(stored: String) {
        let trimmed = Self.trimmedLikePHP(stored)
        guard Self.looksSerialized(trimmed) else {
            self = .plain(stored)
            return
        }
        do {
            self = .serialized(try PHPUnserializer.unserialize(Array(trimmed.utf8)))
        } catch {
            self = .corrupt(error)
        }
    }

    /// PHP's trim(): spaces, tabs, newlines, carriage returns, NUL and vertical tabs.
    static func trimmedLikePHP(_ text: String) -> String {
        let stripped: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d, 0x00, 0x0b]
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { !stripped.contains($0) }),
              let last = bytes.lastIndex(where: { !stripped.contains($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// wp-includes/functions.php is_serialized() with $strict = true, on already trimmed text.
    static func looksSerialized(_ text: String) -> Bool {
        if text == "N;" { return true }
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes[1] == UInt8(ascii: ":"),
              let last = bytes.last, last == UInt8(ascii: ";") || last == UInt8(ascii: "}") else { return false }
        let digits = bytes.dropFirst(2)
        switch bytes[0] {
        case UInt8(ascii: "s"):
            guard bytes[bytes.count - 2] == UInt8(ascii: "\"") else { return false }
            return Self.startsWithCount(digits)
        case UInt8(ascii: "a"), UInt8(ascii: "O"), UInt8(ascii: "E"):
            return Self.startsWithCount(digits)
        case UInt8(ascii: "b"), UInt8(ascii: "i"), UInt8(ascii: "d"):
            // /^X:[0-9.E+-]+;$/
            let body = digits.dropLast()
            return !body.isEmpty && last == UInt8(ascii: ";")
                && body.allSatisfy { (0x30...0x39).contains($0) || Array(".E+-".utf8).contains($0) }
        default:
            return false
        }
    }

    /// /^X:[0-9]+:/ after the `X:`.
    private static func startsWithCount(_ bytes: ArraySlice<UInt8>) -> Bool {
        let digits = bytes.prefix { (0x30...0x39).contains($0) }
        return !digits.isEmpty && bytes.dropFirst(digits.count).first == UInt8(ascii: ":")
    }
}
