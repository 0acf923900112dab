import Foundation
import Testing
@testable import WPRescueKit

/// WordPress's password hashes, against vectors made by the test bed's PHP with the
/// class-phpass.php that Debian's WordPress 6.1 ships (`crypt_private` with a fixed setting).
struct PasswordHashTests {
    @Test(arguments: [
        ("correct horse battery staple", "$P$BabcdEFGH", "$P$BabcdEFGHOLnSzOk6FdLpLPq203S/E."),
        ("pässwörd", "$P$B12345678", "$P$B123456782zUyhj61U38xYLIOumYrp/"),
        ("x", "$P$B./Zz09aZ", "$P$B./Zz09aZt4hoowQAzD5YxRD.batgZ."),
    ])
    func `the portable hash is phpass's, byte for byte`(password: String, setting: String, expected: String) {
        #expect(PortableHash.crypt(password, setting: setting) == expected)
    }

    @Test func `the salt is encoded the way gensalt_private encodes it`() {
        // php: (new PasswordHash(8, true))->gensalt_private("\x00\x01\x02\xfd\xfe\xff") and ->encode64("\xff\xfe\xfd\x00\x01", 5)
        let hash = PortableHash.hash("x", salt: [0x00, 0x01, 0x02, 0xfd, 0xfe, 0xff])
        #expect(hash.hasPrefix("$P$B.2U.xvzz"))
        #expect(hash.count == 34)
        #expect(PortableHash.encode64([0xff, 0xfe, 0xfd, 0x00, 0x01], count: 5) == "zvTz.2.")
    }

    @Test func `WordPress trims the password before hashing it, as PHP's trim does`() throws {
        let salt: [UInt8] = [1, 2, 3, 4, 5, 6]
        #expect(PasswordHash.hash(" \tsecret\n", format: .phpass, random: { _ in salt })
                == PortableHash.hash("secret", salt: salt))
        #expect(PasswordHash.trimmed("\u{0B}\0 a b \r") == "a b")
        #expect(PasswordHash.trimmed("\u{A0}a") == "\u{A0}a", "a no-break space is not PHP whitespace")
    }

    @Test(arguments: [("6.1.9", PasswordHash.Format.phpass), ("6.7.2", .phpass), ("6.8", .wordpressBcrypt),
                      ("6.8.1", .wordpressBcrypt), ("7.0-beta1", .wordpressBcrypt), ("5.9", .phpass)])
    func `the format follows the WordPress version`(version: String, format: PasswordHash.Format) {
        #expect(PasswordHash.format(forWordPress: version) == format)
    }

    @Test func `the version is read from version.php without running it`() {
        let source = "<?php\n/**\n * @global string $wp_version\n */\n$wp_version = '6.1.9';\n$wp_db_version = 53496;\n"
        #expect(WordPressVersion.parse(source) == "6.1.9")
        #expect(WordPressVersion.parse("<?php $wp_version = \"6.8-RC1\";") == "6.8-RC1")
        #expect(WordPressVersion.parse("<?php $wp_version = get_version();") == nil)
    }

    @Test func `generated passwords are long, varied and from the plain alphabet`() {
        let passwords = (0..<50).map { _ in ResetPassword.generate() }
        #expect(Set(passwords).count == 50)
        #expect(passwords.allSatisfy { $0.count == 24 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
    }
}

/// What wp-login.php hands to the password check: the password with WordPress's slashes on.
struct LoginFormPasswordTests {
    @Test func `quotes, backslashes and NUL are slashed as addslashes does; the rest is untouched`() {
        #expect(PasswordHash.asTypedInTheLoginForm(#"it's "a" \ test"#) == #"it\'s \"a\" \\ test"#)
        #expect(PasswordHash.asTypedInTheLoginForm("a\0b") == "a\\0b")
        #expect(PasswordHash.asTypedInTheLoginForm("ünïcode plain") == "ünïcode plain")
    }

    @Test func `the stored hash is of the slashed password`() throws {
        let salt: [UInt8] = [9, 8, 7, 6, 5, 4]
        #expect(PasswordHash.hash("o'k", format: .phpass, random: { _ in salt }) == PortableHash.hash("o\\'k", salt: salt))
    }
}
