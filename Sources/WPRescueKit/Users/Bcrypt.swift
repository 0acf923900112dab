import Foundation

/// bcrypt as PHP's `password_hash(…, PASSWORD_BCRYPT)` writes it (`$2y$`, the same algorithm as
/// OpenBSD's `$2b$`): EksBlowfish with the password (NUL-terminated, at most 72 bytes) and a
/// 16-byte salt, then "OrpheanBeholderScryDoubt" encrypted 64 times.
public enum Bcrypt {
    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public static func hash(_ password: [UInt8], salt: [UInt8], cost: Int) -> String {
        precondition(salt.count == 16 && (4...31).contains(cost))
        let key = Array((password + [0]).prefix(72))
        var state = Blowfish()
        state.expand(salt: salt, key: key)
        for _ in 0..<(1 << cost) {
            state.expand(key: key)
            state.expand(key: salt)
        }
        var words = [UInt32](repeating: 0, count: 6)
        var position = 0
        let text = Array("OrpheanBeholderScryDoubt".utf8)
        for index in 0..<6 { words[index] = Blowfish.streamToWord(text, &position) }
        for _ in 0..<64 {
            for pair in stride(from: 0, to: 6, by: 2) {
                var left = words[pair], right = words[pair + 1]
                state.encipher(&left, &right)
                words[pair] = left; words[pair + 1] = right
            }
        }
        let bytes = words.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
        return "$2y$" + (cost < 10 ? "0" : "") + String(cost) + "$" + encode(salt) + encode(Array(bytes.prefix(23)))
    }

    /// The `$2y$` hash of `password` under `setting` (`$2y$NN$` + 22 salt characters), nil when malformed.
    public static func hash(_ password: [UInt8], setting: String) -> String? {
        let parts = setting.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 4, ["2y", "2b"].contains(parts[1]), let cost = Int(parts[2]), (4...31).contains(cost),
              parts[3].utf8.count >= 22, let salt = decode(Array(parts[3].utf8.prefix(22)), count: 16) else { return nil }
        return hash(password, salt: salt, cost: cost)
    }

    /// bcrypt's base 64: its own alphabet, most significant bits first, no padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            output.append(alphabet[Int(first >> 2)])
            var carry = (first & 0x03) << 4
            guard index + 1 < bytes.count else { output.append(alphabet[Int(carry)]); break }
            let second = bytes[index + 1]
            output.append(alphabet[Int(carry | second >> 4)])
            carry = (second & 0x0f) << 2
            guard index + 2 < bytes.count else { output.append(alphabet[Int(carry)]); break }
            let third = bytes[index + 2]
            output.append(alphabet[Int(carry | third >> 6)])
            output.append(alphabet[Int(third & 0x3f)])
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: [UInt8], count: Int) -> [UInt8]? {
        var bits: UInt32 = 0, held = 0
        var output: [UInt8] = []
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = bits << 6 | UInt32(value)
            held += 6
            if held >= 8 {
                held -= 8
                output.append(UInt8(truncatingIfNeeded: bits >> UInt32(held)))
                if output.count == count { return output }
            }
        }
        return output.count == count ? output : nil
    }
}

/// Blowfish's state, keyed the expensive way bcrypt needs.
struct Blowfish {
    var p = BlowfishTables.pArray
    var s = BlowfishTables.sBoxes

    static func streamToWord(_ data: [UInt8], _ position: inout Int) -> UInt32 {
        var word: UInt32 = 0
        for _ in 0..<4 {
            word = word << 8 | UInt32(data[position])
            position = (position + 1) % data.count
        }
        return word
    }

    func round(_ x: UInt32) -> UInt32 {
        ((s[Int(x >> 24)] &+ s[256 + Int((x >> 16) & 0xff)]) ^ s[512 + Int((x >> 8) & 0xff)]) &+ s[768 + Int(x & 0xff)]
    }

    func encipher(_ left: inout UInt32, _ right: inout UInt32) {
        var l = left, r = right
        for index in stride(from: 0, to: 16, by: 2) {
            l ^= p[index]
            r ^= round(l)
            r ^= p[index + 1]
            l ^= round(r)
        }
        left = r ^ p[17]
        right = l ^ p[16]
    }

    /// ExpandKey(state, salt, key).
    mutating func expand(salt: [UInt8], key: [UInt8]) {
        var position = 0
        for index in 0..<18 { p[index] ^= Self.streamToWord(key, &position) }
        var left: UInt32 = 0, right: UInt32 = 0
        position = 0
        for index in stride(from: 0, to: 18, by: 2) {
            left ^= Self.streamToWord(salt, &position)
            right ^= Self.streamToWord(salt, &position)
            encipher(&left, &right)
            p[index] = left; p[index + 1] = right
        }
        for index in stride(from: 0, to: 1024, by: 2) {
            left ^= Self.streamToWord(salt, &position)
            right ^= Self.streamToWord(salt, &position)
            encipher(&left, &right)
            s[index] = left; s[index + 1] = right
        }
    }

    /// ExpandKey(state, 0, key).
    mutating func expand(key: [UInt8]) {
        var position = 0
        for index in 0..<18 { p[index] ^= Self.streamToWord(key, &position) }
        var left: UInt32 = 0, right: UInt32 = 0
        for index in stride(from: 0, to: 18, by: 2) {
            encipher(&left, &right)
            p[index] = left; p[index + 1] = right
        }
        for index in stride(from: 0, to: 1024, by: 2) {
            encipher(&left, &right)
            s[index] = left; s[index + 1] = right
        }
    }
}
