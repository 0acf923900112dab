import Foundation

extension Digest {
    /// SHA-384 of `message` (FIPS 180-4: SHA-512's compression with its own initial state, cut to 48 bytes).
    public static func sha384(_ message: [UInt8]) -> [UInt8] {
        var state = SHA512Tables.sha384Initial
        var padded = message
        padded.append(0x80)
        while padded.count % 128 != 112 { padded.append(0) }
        padded += [UInt8](repeating: 0, count: 8)
        let bitLength = UInt64(message.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var schedule = [UInt64](repeating: 0, count: 80)
        func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value >> count) | (value << (64 - count)) }
        for blockStart in stride(from: 0, to: padded.count, by: 128) {
            for index in 0..<16 {
                schedule[index] = (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(padded[blockStart + index * 8 + $1]) }
            }
            for index in 16..<80 {
                let s0 = rotate(schedule[index - 15], 1) ^ rotate(schedule[index - 15], 8) ^ (schedule[index - 15] >> 7)
                let s1 = rotate(schedule[index - 2], 19) ^ rotate(schedule[index - 2], 61) ^ (schedule[index - 2] >> 6)
                schedule[index] = schedule[index - 16] &+ s0 &+ schedule[index - 7] &+ s1
            }
            var a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7]
            for index in 0..<80 {
                let sum1 = rotate(e, 14) ^ rotate(e, 18) ^ rotate(e, 41)
                let choice = (e & f) ^ (~e & g)
                let temporary1 = h &+ sum1 &+ choice &+ SHA512Tables.roundConstants[index] &+ schedule[index]
                let sum0 = rotate(a, 28) ^ rotate(a, 34) ^ rotate(a, 39)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                h = g; g = f; f = e; e = d &+ temporary1
                d = c; c = b; b = a; a = temporary1 &+ sum0 &+ majority
            }
            state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
            state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
        }
        return Array(state.prefix(6).flatMap { word in stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt64($0)) } })
    }

    /// HMAC-SHA384 (RFC 2104, block size 128).
    public static func hmacSHA384(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 128 ? sha384(key) : key
        block += [UInt8](repeating: 0, count: 128 - block.count)
        let inner = sha384(block.map { $0 ^ 0x36 } + message)
        return sha384(block.map { $0 ^ 0x5c } + inner)
    }
}

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
