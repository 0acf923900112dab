import Foundation
import Testing
@testable import WPRescueKit

struct ConfigPHPValueTests {
    /// The literal value of a PHP expression, read the way the config parser reads a define's value.
    private func decode(_ expression: String) throws -> PHPValue {
        let file = try WPConfigFile(contents: "<?php define( 'X', \(expression) );")
        return try #require(file.value(of: "X"))
    }

    @Test(arguments: [
        (PHPValue.string("plain"), "'plain'"),
        (.string("it's"), #"'it\'s'"#),
        (.string(#"C:\path\"#), #"'C:\\path\\'"#),
        (.string(#"\'"#), #"'\\\''"#),
        (.string(""), "''"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.null, "null"),
        (.int(-42), "-42"),
        (.int(Int.min), "PHP_INT_MIN"),
        (.float(2.5), "2.5"),
        (.float(3), "3.0"),
        (.float(.infinity), "INF"),
        (.expression("__DIR__ . '/x'"), "__DIR__ . '/x'"),
    ])
    func `values render as PHP source`(value: PHPValue, source: String) {
        #expect(value.phpSource == source)
    }

    @Test(arguments: [
        "plain", "it's", #"back\slash"#, #"trailing\"#, #"\\double"#, "semi;colon // and ); and # too",
        "new\nline", "ünïcödé ✓", "$dollar {$brace}", "'", "",
    ])
    func `strings survive rendering and reading back`(text: String) throws {
        #expect(try decode(PHPValue.string(text).phpSource) == .string(text))
    }

    @Test(arguments: [PHPValue.bool(true), .bool(false), .null, .int(0), .int(-7), .int(Int.max), .float(0.1), .float(-1.5e-7)])
    func `scalars survive rendering and reading back`(value: PHPValue) throws {
        #expect(try decode(value.phpSource) == value)
    }

    @Test(arguments: [
        (#""tab\tnew\nline""#, "tab\tnew\nline"),
        (#""\x41\101\u{e9}\u{1F600}""#, "AAé😀"),
        (#""\$notvar \"quoted\" \\ back""#, #"$notvar "quoted" \ back"#),
        (#""unknown \q escape""#, #"unknown \q escape"#),
        (#""\e\v\f\r""#, "\u{1B}\u{0B}\u{0C}\r"),
        (#"'single \n stays'"#, #"single \n stays"#),
        (#"b'binary prefix'"#, "binary prefix"),
    ])
    func `quoted strings decode their escapes like PHP`(source: String, expected: String) throws {
        #expect(try decode(source) == .string(expected))
    }

    @Test(arguments: [
        (#""hello $name""#, true),
        (#""hello {$user->name}""#, true),
        (#""hello ${name}""#, true),
        ("<<<EOT\n$name\nEOT", true),
        (#""\u{110000}""#, true),
        ("'a' . 'b'", true),
        ("(true)", true),
        ("FOO", true),
        (#""plain""#, false),
    ])
    func `interpolation and anything but a lone literal stay an expression`(source: String, isExpression: Bool) throws {
        let value = try decode(source)
        #expect(!value.isLiteral == isExpression)
        if isExpression { #expect(value == .expression(source)) }
    }

    @Test(arguments: [
        ("0x1F", PHPValue.int(31)), ("0b101", .int(5)), ("0o17", .int(15)), ("0755", .int(493)), ("1_000", .int(1000)),
        ("-1", .int(-1)), ("+3", .int(3)), ("- 4", .int(-4)), ("2.5e3", .float(2500)), (".5", .float(0.5)),
        ("9223372036854775808", .float(9_223_372_036_854_775_808)), ("TRUE", .bool(true)), ("\\false", .bool(false)),
        ("NULL", .null),
    ])
    func `numbers and keywords decode like PHP`(source: String, expected: PHPValue) throws {
        #expect(try decode(source) == expected)
    }

    @Test func `heredoc and nowdoc bodies lose the closing marker's indentation`() throws {
        let file = try WPConfigFile(contents: "<?php\ndefine( 'A', <<<'RAW'\n    one\n\n      two\n    RAW );\ndefine( 'B', <<<EOT\n\tTab\\t\\\"x\\\"\n\tEOT\n);\n")
        #expect(file.value(of: "A") == .string("one\n\n  two"))
        #expect(file.value(of: "B") == .string("Tab\t\\\"x\\\""))
    }

    @Test func `a heredoc line indented less than its marker is not a trusted literal`() throws {
        let file = try WPConfigFile(contents: "<?php\ndefine( 'A', <<<RAW\n  one\n    RAW );\n")
        #expect(file.value(of: "A")?.isLiteral == false)
    }

    @Test func `a string literal that decodes to invalid UTF-8 stays an expression`() throws {
        #expect(try decode(#""\xff""#) == .expression(#""\xff""#))
    }
}

struct ConfigUserInputTests {
    @Test(arguments: [
        ("WP_DEBUG", "false", PHPValue.bool(false)),
        ("WP_DEBUG", "TRUE", .bool(true)),
        ("WP_DEBUG", "on", .bool(true)),
        ("WP_DEBUG", "0", .bool(false)),
        ("WP_DEBUG_LOG", "true", .bool(true)),
        ("WP_DEBUG_LOG", "/var/log/wp/debug.log", .string("/var/log/wp/debug.log")),
        ("WP_DEBUG_DISPLAY", "null", .null),
        ("WP_AUTO_UPDATE_CORE", "Minor", .string("minor")),
        ("WP_AUTO_UPDATE_CORE", "false", .bool(false)),
        ("WP_POST_REVISIONS", "3", .int(3)),
        ("WP_POST_REVISIONS", "false", .bool(false)),
        ("EMPTY_TRASH_DAYS", "30", .int(30)),
        ("WP_MEMORY_LIMIT", "256M", .string("256M")),
        ("WP_MAX_MEMORY_LIMIT", "-1", .string("-1")),
        ("WP_HOME", "https://example.org", .string("https://example.org")),
        ("DB_PASSWORD", "true", .string("true")),
        ("DB_PASSWORD", "", .string("")),
        ("DB_HOST", "localhost:3307", .string("localhost:3307")),
        ("FS_METHOD", "DIRECT", .string("direct")),
        ("MY_PLUGIN_FLAG", "false", .bool(false)),
        ("MY_PLUGIN_FLAG", "Null", .null),
        ("MY_PLUGIN_COUNT", "42", .int(42)),
        ("MY_PLUGIN_COUNT", "-42", .int(-42)),
        ("MY_PLUGIN_CODE", "007", .string("007")),
        ("MY_PLUGIN_RATIO", "1.5", .string("1.5")),
        ("MY_PLUGIN_TEXT", "hello world", .string("hello world")),
    ])
    func `command-line input becomes the constant's type`(name: String, input: String, expected: PHPValue) throws {
        #expect(try PHPValue.parse(userInput: input, forConstant: name) == expected)
    }

    @Test(arguments: [
        ("WP_MEMORY_LIMIT", "lots"), ("WP_MEMORY_LIMIT", "0"), ("WP_MEMORY_LIMIT", "256MB"), ("WP_DEBUG", "maybe"),
        ("EMPTY_TRASH_DAYS", "soon"), ("WP_HOME", "example.org"), ("WP_SITEURL", "ftp://example.org"),
        ("WP_AUTO_UPDATE_CORE", "nightly"), ("WP_DEBUG_LOG", ""), ("DB_NAME", ""), ("WP_CACHE", "2"),
    ])
    func `invalid input for a known constant is refused`(name: String, input: String) {
        #expect(throws: WPConfigError.self) { try PHPValue.parse(userInput: input, forConstant: name) }
    }

    @Test func `the refusal names the constant, the input and what is expected`() throws {
        let error = try #require(throws: WPConfigError.self) { try PHPValue.parse(userInput: "lots", forConstant: "WP_MEMORY_LIMIT") }
        #expect(error.errorDescription == "WP_MEMORY_LIMIT must be a memory size such as 256M or 1G, or -1 for no limit, not `lots`.")
    }

    @Test func `a refused secret is not repeated in the message`() throws {
        let error = try #require(throws: WPConfigError.self) { try PHPValue.parse(userInput: "x", forConstant: "WP_CACHE") }
        #expect(error.errorDescription?.contains("`x`") == true)
        let secret = WPConfigError.invalidValue(constant: "DB_PASSWORD", input: nil, expected: "a string")
        #expect(secret.errorDescription == "DB_PASSWORD must be a string; the value given is not.")
    }
}

struct ConfigKnownConstantsTests {
    @Test(arguments: ["DB_PASSWORD", "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                      "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT", "STRIPE_SECRET", "MAILGUN_API_KEY",
                      "GITHUB_TOKEN", "SMTP_PASSWORD", "WPMS_SMTP_PASS", "db_password", "DB_PASSWORD_OLD"])
    func `credentials are secrets`(name: String) {
        #expect(KnownConstants.isSecret(name))
    }

    @Test(arguments: ["DB_NAME", "DB_USER", "DB_HOST", "WP_DEBUG", "WP_HOME", "WP_MEMORY_LIMIT", "KEYBOARD", "SALTY_SNACKS"])
    func `ordinary settings are not secrets`(name: String) {
        #expect(!KnownConstants.isSecret(name))
    }

    @Test func `secret values are masked for display and others are shown`() throws {
        let file = try ConfigFixture.file("standard.php")
        let password = try #require(file.definition(of: "DB_PASSWORD"))
        #expect(password.isSecret)
        #expect(password.displaySource == KnownConstants.mask)
        #expect(!password.displaySource.contains("p4ss"))
        #expect(try #require(file.definition(of: "DB_NAME")).displaySource == "'shop_live'")
        #expect(KnownConstants.displaySource("'x'", forConstant: "NONCE_SALT") == "********")
    }

    @Test(arguments: [
        ("256M", Int64(256 << 20)), ("1g", Int64(1 << 30)), ("512K", Int64(512 << 10)), ("134217728", Int64(134_217_728)),
    ])
    func `memory sizes convert units to bytes`(text: String, bytes: Int64) throws {
        #expect(try #require(PHPMemorySize(text)).bytes == bytes)
    }

    @Test func `memory sizes compare across units with unlimited largest`() throws {
        let small = try #require(PHPMemorySize("512M")), large = try #require(PHPMemorySize("1G"))
        let same = try #require(PHPMemorySize("1024M")), unlimited = try #require(PHPMemorySize("-1"))
        #expect(small < large)
        #expect(large == same)
        #expect(large < unlimited)
        #expect(!(unlimited < large))
        #expect(unlimited.isUnlimited)
        #expect(PHPMemorySize("12T") == nil && PHPMemorySize("M") == nil && PHPMemorySize("-2") == nil)
    }
}
