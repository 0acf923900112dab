import Foundation
import Testing
@testable import WPRescueKit

/// bcrypt and WordPress 6.8's password format, against PHP's own crypt() (run on the test bed's
/// PHP) and hashes made by WordPress 6.8's wp_hash_password().
struct BcryptTests {
    @Test(arguments: [
        ("abc", "$2y$04$abcdefghijklmnopqrstuu", "$2y$04$abcdefghijklmnopqrstuuCi15uRb1eH7NAlJ/TgeJertyknQpYn2"),
        ("", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"),
        ("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
    ])
    func `bcrypt matches PHP's crypt`(password: String, setting: String, expected: String) {
        #expect(Bcrypt.hash(Array(password.utf8), setting: setting) == expected)
    }

    @Test func `SHA-384 and the HMAC WordPress pre-hashes with match PHP's hash functions`() {
        #expect(Digest.hex(Digest.sha384(Array("abc".utf8)))
                == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(PasswordHash.wordpressPrehash("secret") == "qbkKVZK1/fCOPlGm5IxC1KnGqNkFSywLf79RNfTtmzevzNwKU1eXGFovQ4UXkLyH")
    }

    @Test(arguments: [
        ("BigBike@2026", "$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm"),
    ])
    func `a hash WordPress 6.8 made is reproduced from its salt`(password: String, stored: String) throws {
        let bcrypt = String(stored.dropFirst(3))
        let salt = try #require(Bcrypt.decode(Array(bcrypt.utf8.dropFirst(7).prefix(22)), count: 16))
        #expect(PasswordHash.wordpressBcrypt(password, salt: salt, cost: 10) == stored)
    }

    @Test func `the salt round-trips through bcrypt's base 64`() throws {
        let salt: [UInt8] = (0..<16).map { UInt8($0 * 17) }
        let encoded = Bcrypt.encode(salt)
        #expect(encoded.count == 22)
        #expect(Bcrypt.decode(Array(encoded.utf8), count: 16) == salt)
    }
}

/// A hash made here, checked by PHP the way WordPress 6.8's wp_check_password() checks it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/php")))
struct WordPressBcryptAgainstPHPTests {
    @Test func `PHP's password_verify accepts the 6.8 hash of a password with quotes, as wp-login.php sends it`() throws {
        let password = #"it's "quoted" \ ünïcode"#
        let stored = PasswordHash.hash(password, format: .wordpressBcrypt)
        #expect(stored.hasPrefix("$wp$2y$10$") && stored.count == 63)
        let php = Process()
        php.executableURL = URL(fileURLWithPath: "/usr/bin/php")
        // Password and hash on standard input, never in argv; addslashes() is what WordPress's $_POST holds.
        php.arguments = ["-r", #"[$p, $h] = explode("\n", stream_get_contents(STDIN)); echo password_verify(base64_encode(hash_hmac('sha384', trim(addslashes($p)), 'wp-sha384', true)), substr($h, 3)) ? 'yes' : 'no';"#]
        let input = Pipe(), output = Pipe()
        php.standardInput = input
        php.standardOutput = output
        try php.run()
        input.fileHandleForWriting.write(Data("\(password)\n\(stored)".utf8))
        try input.fileHandleForWriting.close()
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        php.waitUntilExit()
        #expect(answer == "yes")
    }
}
