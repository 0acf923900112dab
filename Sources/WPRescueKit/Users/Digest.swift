import Crypto
import Foundation

/// The digests the login helper and WordPress's password hashes need, from swift-crypto (MD5
/// only for phpass, which WordPress before 6.8 still verifies with it).
public enum Digest {
    public static func sha256(_ message: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: message)) }

    public static func sha384(_ message: [UInt8]) -> [UInt8] { Array(SHA384.hash(data: message)) }

    public static func md5(_ message: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: message)) }

    /// HMAC-SHA384 (RFC 2104), as WordPress 6.8's `wp_hash_password` pre-hashes with key `wp-sha384`.
    public static func hmacSHA384(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA384>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Lower-case hexadecimal, as PHP's `hash()` returns it.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
