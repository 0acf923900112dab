import Foundation

/// BLAKE2b (RFC 7693), keyed, with any output length up to 64 bytes: what libsodium's
/// `crypto_generichash` computes, and so what WordPress 6.8's `wp_fast_hash()` stores for
/// recovery keys, reset keys and application passwords. swift-crypto has no BLAKE2.
public enum Blake2b {
    private static let iv: [UInt64] = [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ]

    private static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4], [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13], [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11], [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5], [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]

    /// The `length`-byte digest (1...64) of `message` under `key` (0...64 bytes).
    public static func hash(_ message: [UInt8], key: [UInt8] = [], length: Int = 64) -> [UInt8] {
        precondition((1...64).contains(length) && key.count <= 64)
        var state = iv
        state[0] ^= 0x0101_0000 ^ (UInt64(key.count) << 8) ^ UInt64(length)
        // A key is one block of its own, zero-padded, in front of the message.
        var input = key.isEmpty ? message : key + [UInt8](repeating: 0, count: 128 - key.count) + message
        let total = input.count
        if input.isEmpty || input.count % 128 != 0 { input += [UInt8](repeating: 0, count: 128 - input.count % 128) }
        let blocks = input.count / 128
        for block in 0..<blocks {
            let last = block == blocks - 1
            let counter = last ? UInt64(total) : UInt64((block + 1) * 128)
            compress(&state, Array(input[(block * 128)..<((block + 1) * 128)]), counter: counter, last: last)
        }
        var output: [UInt8] = []
        for word in state { for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) } }
        return Array(output.prefix(length))
    }

    private static func compress(_ state: inout [UInt64], _ block: [UInt8], counter: UInt64, last: Bool) {
        var m = [UInt64](repeating: 0, count: 16)
        for index in 0..<16 {
            for byte in 0..<8 { m[index] |= UInt64(block[index * 8 + byte]) << UInt64(byte * 8) }
        }
        var v = state + iv
        v[12] ^= counter
        if last { v[14] = ~v[14] }
        func mix(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
            v[a] = v[a] &+ v[b] &+ x; v[d] = rotate(v[d] ^ v[a], 32)
            v[c] = v[c] &+ v[d]; v[b] = rotate(v[b] ^ v[c], 24)
            v[a] = v[a] &+ v[b] &+ y; v[d] = rotate(v[d] ^ v[a], 16)
            v[c] = v[c] &+ v[d]; v[b] = rotate(v[b] ^ v[c], 63)
        }
        for round in 0..<12 {
            let s = sigma[round % 10]
            mix(0, 4, 8, 12, m[s[0]], m[s[1]]); mix(1, 5, 9, 13, m[s[2]], m[s[3]])
            mix(2, 6, 10, 14, m[s[4]], m[s[5]]); mix(3, 7, 11, 15, m[s[6]], m[s[7]])
            mix(0, 5, 10, 15, m[s[8]], m[s[9]]); mix(1, 6, 11, 12, m[s[10]], m[s[11]])
            mix(2, 7, 8, 13, m[s[12]], m[s[13]]); mix(3, 4, 9, 14, m[s[14]], m[s[15]])
        }
        for index in 0..<8 { state[index] ^= v[index] ^ v[index + 8] }
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value >> count) | (value << (64 - count)) }
}

extension PasswordHash {
    /// WordPress 6.8's `wp_fast_hash()`: `'$generic$'` + unpadded URL-safe base64 of the 30-byte
    /// BLAKE2b of the message keyed `wp_fast_hash_6.8+`.
    public static func fastHash(_ message: String) -> String {
        let digest = Blake2b.hash(Array(message.utf8), key: Array("wp_fast_hash_6.8+".utf8), length: 30)
        return "$generic$" + Data(digest).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
