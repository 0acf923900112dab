import Foundation
import Testing
@testable import WPRescueKit

/// The digests against their standards' published vectors.
struct DigestTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func `SHA-256 matches FIPS 180-4's examples`(message: String, expected: String) {
        #expect(Digest.hex(Digest.sha256(Array(message.utf8))) == expected)
    }

    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func `MD5 matches RFC 1321's test suite`(message: String, expected: String) {
        #expect(Digest.hex(Digest.md5(Array(message.utf8))) == expected)
    }

    @Test func `a million 'a's: multi-block messages hash right`() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digest.hex(Digest.sha256(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

/// BLAKE2b and WordPress 6.8's wp_fast_hash(), against RFC 7693 and PHP's libsodium
/// (`sodium_crypto_generichash`, run on the test bed's PHP to make these vectors).
struct Blake2bTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func `BLAKE2b matches RFC 7693 and libsodium, keyed and unkeyed, across block boundaries`() {
        #expect(Self.hex(Blake2b.hash(Array("abc".utf8))) == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
        #expect(Self.hex(Blake2b.hash([])) == "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce")
        #expect(Self.hex(Blake2b.hash(Array(repeating: UInt8(ascii: "y"), count: 128))) == "71a796ac8d94e4f83af8d4698529be647007fef7effd29fdbd6f121c952611452aab9034e15ade1e9931923e857bac166e9f90979354684d11e956fc2248a294")
        #expect(Self.hex(Blake2b.hash(Array(repeating: UInt8(ascii: "x"), count: 300), key: Array("0123456789abcdef".utf8), length: 32))
                == "57083bc64411a55c61b87d24e9b39edf051191c53e4e05491c865a1439cf6ead")
    }

    @Test func `wp_fast_hash is WordPress 6.8's`() {
        #expect(PasswordHash.fastHash("abcd1234EFGH5678ijkl9012") == "$generic$-r4FB5NrhNs1VZlhj9uMueqVu30SZqjhd5q-NUtA")
    }
}
