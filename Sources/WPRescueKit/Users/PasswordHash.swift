import Foundation

/// Password hashes in the format the site's WordPress stores and checks, computed here so a
/// password can be reset with database access alone.
public enum PasswordHash {
    public enum Format: String, Sendable, Codable {
        /// phpass's portable hash (`$P$`), WordPress before 6.8.
        case phpass
        /// `$wp` + bcrypt of base64(HMAC-SHA384), WordPress 6.8 and later.
        case wordpressBcrypt = "wordpress-bcrypt"
    }

    /// The format WordPress `version` (e.g. `6.1.9`) writes.
    public static func format(forWordPress version: String) -> Format {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        let major = parts.first ?? 0, minor = parts.count > 1 ? parts[1] : 0
        return (major, minor) >= (6, 8) ? .wordpressBcrypt : .phpass
    }

    /// What WordPress hashes: the password trimmed as PHP's `trim()` trims.
    public static func trimmed(_ password: String) -> String {
        let phpWhitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\0", "\u{0B}"]
        var scalars = Substring(password).unicodeScalars[...]
        while let first = scalars.first, phpWhitespace.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, phpWhitespace.contains(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The password as WordPress checks it when it is typed in wp-login.php: `wp_signon()` takes
    /// `$_POST['pwd']` with WordPress's added slashes still on (and wp-admin's profile screen
    /// hashes it so too), so a password holding ' " \ or NUL is hashed as `addslashes()` leaves it.
    public static func asTypedInTheLoginForm(_ password: String) -> String {
        var result = ""
        for scalar in password.unicodeScalars {
            switch scalar {
            case "'", "\"", "\\": result += "\\" + String(scalar)
            case "\0": result += "\\0"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The hash WordPress with `format` stores for `password` typed in its forms
    /// (`wp_hash_password()` of the slashed, trimmed password).
    public static func hash(_ password: String, format: Format, random: (Int) -> [UInt8] = LoginLink.newSecret(count:)) -> String {
        let checked = trimmed(asTypedInTheLoginForm(password))
        switch format {
        case .phpass:
            return PortableHash.hash(checked, salt: random(6))
        case .wordpressBcrypt:
            return wordpressBcrypt(checked, salt: random(16))
        }
    }

    /// WordPress 6.8's `wp_hash_password()`: `'$wp' . password_hash(base64_encode(hash_hmac('sha384',
    /// $password, 'wp-sha384', true)), PASSWORD_BCRYPT)`, at PHP's default cost of 10 (what
    /// WordPress asks for unless a plugin filters `wp_hash_password_options`).
    public static func wordpressBcrypt(_ password: String, salt: [UInt8], cost: Int = 10) -> String {
        "$wp" + Bcrypt.hash(Array(wordpressPrehash(password).utf8), salt: salt, cost: cost)
    }

    static func wordpressPrehash(_ password: String) -> String {
        Data(Digest.hmacSHA384(key: Array("wp-sha384".utf8), message: Array(password.utf8))).base64EncodedString()
    }
}

/// phpass 0.5's portable hashes as WordPress uses them (`new PasswordHash(8, true)`): salted MD5
/// iterated 2^13 times, in phpass's own base-64 alphabet and bit order.
public enum PortableHash {
    static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    /// log2 of the iteration count: phpass adds 5 to WordPress's 8 (PHP 5 and later).
    static let iterationCountLog2 = 13

    /// `HashPassword` with the 6 random bytes `salt` (gensalt_private, then crypt_private).
    public static func hash(_ password: String, salt: [UInt8]) -> String {
        let setting = "$P$" + String(decoding: [alphabet[iterationCountLog2]], as: UTF8.self) + encode64(salt, count: 6)
        return crypt(password, setting: setting) ?? setting
    }

    /// `crypt_private`: the hash of `password` under `setting` (`$P$` + count + 8 salt characters), nil for a malformed setting.
    public static func crypt(_ password: String, setting: String) -> String? {
        let bytes = Array(setting.utf8)
        guard bytes.count >= 12, setting.hasPrefix("$P$") || setting.hasPrefix("$H$"),
              let countLog2 = alphabet.firstIndex(of: bytes[3]), (7...30).contains(countLog2) else { return nil }
        let salt = Array(bytes[4..<12])
        let secret = Array(password.utf8)
        var hash = Digest.md5(salt + secret)
        for _ in 0..<(1 << countLog2) { hash = Digest.md5(hash + secret) }
        return String(decoding: bytes[0..<12], as: UTF8.self) + encode64(hash, count: 16)
    }

    /// phpass's `encode64`: little-endian groups of 3 bytes, 6 bits at a time.
    static func encode64(_ input: [UInt8], count: Int) -> String {
        var output: [UInt8] = []
        var index = 0
        repeat {
            var value = Int(input[index]); index += 1
            output.append(alphabet[value & 0x3f])
            if index < count { value |= Int(input[index]) << 8 }
            output.append(alphabet[(value >> 6) & 0x3f])
            if index >= count { break }
            index += 1
            if index < count { value |= Int(input[index]) << 16 }
            output.append(alphabet[(value >> 12) & 0x3f])
            if index >= count { break }
            index += 1
            output.append(alphabet[(value >> 18) & 0x3f])
        } while index < count
        return String(decoding: output, as: UTF8.self)
    }
}

/// The WordPress version of a site, from `wp-includes/version.php` (lexed, never executed: `CoreRelease`).
public enum WordPressVersion {
    public static func read(from site: Site) throws -> String? {
        do {
            return try CoreRelease.read(from: site).version
        } catch is CoreRelease.ReadError {
            return nil
        }
    }

    /// The value of `$wp_version = '6.1.9';`.
    public static func parse(_ source: String) -> String? {
        CoreRelease.parse(Data(source.utf8))?.version
    }
}
