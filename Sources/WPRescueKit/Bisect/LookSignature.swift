import Crypto
/// Signs the plugin set each header-method look asks for, so that the companion must-use plugin
/// obeys wprescue's requests only: HMAC-SHA256 with the run's secret over the look's number and
/// the set. Someone who sees one request's header can replay that one set, never ask for another.
struct LookSignature {
    /// The run's secret, as the companion holds it (hex); never printed, never in argv.
    let secretHex: String

    static func newSecret() -> String {
        (0..<4).map { _ in
            let word = UInt64.random(in: 0...UInt64.max)
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The text that is signed; the companion builds the same text from the header's fields.
    static func message(counter: UInt64, mask: String) -> String { "wprescue-bisect|v1|\(counter)|\(mask)" }

    /// `v1.<counter>.<mask>.<hmac>`: what the `X-WPRescue-Bisect` header carries.
    func header(counter: UInt64, mask: String) -> String {
        "v1.\(counter).\(mask).\(Self.hex(Self.hmac(key: Array(secretHex.utf8), message: Array(Self.message(counter: counter, mask: mask).utf8))))"
    }

    /// Bit i set (little-endian within each byte) when candidate i is hidden, as hex.
    static func mask(hidden: some Sequence<Int>, count: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: max(1, (count + 7) / 8))
        for index in hidden { bytes[index >> 3] |= 1 << UInt8(index & 7) }
        return hex(bytes)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    /// HMAC-SHA256 (RFC 2104), from swift-crypto.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
