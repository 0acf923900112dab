import Testing
@testable import WPRescueKit

struct PHPUnserializerTests {
    typealias Value = PHPSerializedValue

    @Test(arguments: [
        ("N;", Value.null),
        ("b:1;", .bool(true)),
        ("b:0;", .bool(false)),
        ("i:42;", .int(42)),
        ("i:-7;", .int(-7)),
        ("i:+5;", .int(5)),
        ("d:1.5;", .double(1.5)),
        ("d:1e3;", .double(1000)),
        ("d:-INF;", .double(-.infinity)),
        ("s:0:\"\";", .string("")),
        ("s:5:\"hello\";", .string("hello")),
        ("s:4:\"a\"b\"\";", .string("a\"b\"")),
        ("s:3:\"a;}\";", .string("a;}")),
        ("E:11:\"Suit:Hearts\";", .enumCase("Suit:Hearts")),
        ("a:0:{}", .array([])),
    ])
    func `reads every scalar type`(text: String, expected: Value) throws {
        #expect(try PHPUnserializer.unserialize(text) == expected)
    }

    @Test func `reads active_plugins as WordPress stores it`() throws {
        let stored = "a:2:{i:0;s:19:\"akismet/akismet.php\";i:1;s:9:\"hello.php\";}"
        let value = try PHPUnserializer.unserialize(stored)
        #expect(value == .array([
            .init(key: .int(0), value: .string("akismet/akismet.php")),
            .init(key: .int(1), value: .string("hello.php")),
        ]))
    }

    @Test func `reads nested arrays and objects with string keys`() throws {
        let stored = "a:2:{s:4:\"list\";a:1:{i:0;a:1:{s:1:\"x\";b:1;}}s:3:\"obj\";O:8:\"stdClass\":1:{s:4:\"name\";N;}}"
        let value = try PHPUnserializer.unserialize(stored)
        #expect(value == .array([
            .init(key: .string("list"), value: .array([.init(key: .int(0), value: .array([.init(key: .string("x"), value: .bool(true))]))])),
            .init(key: .string("obj"), value: .object(className: "stdClass", properties: [.init(key: .string("name"), value: .null)])),
        ]))
    }

    @Test func `counts string lengths in bytes, not characters`() throws {
        // "café" is 5 bytes, "日本" 6, "👍" 4.
        #expect(try PHPUnserializer.unserialize("s:5:\"café\";") == .string("café"))
        #expect(try PHPUnserializer.unserialize("a:1:{i:0;s:6:\"日本\";}") == .array([.init(key: .int(0), value: .string("日本"))]))
        #expect(try PHPUnserializer.unserialize("s:4:\"👍\";") == .string("👍"))
        // A character count where bytes are due is an error, as in PHP.
        #expect(throws: PHPUnserializeError.self) { try PHPUnserializer.unserialize("s:4:\"café\";") }
    }

    @Test func `reads custom-serialized objects and references without running anything`() throws {
        #expect(try PHPUnserializer.unserialize("C:11:\"ArrayObject\":4:{x:i;}") == .customObject(className: "ArrayObject", payload: "x:i;"))
        #expect(try PHPUnserializer.unserialize("a:2:{i:0;a:0:{}i:1;R:2;}") == .array([
            .init(key: .int(0), value: .array([])), .init(key: .int(1), value: .reference(2)),
        ]))
    }

    @Test func `ignores bytes after a complete value, like PHP`() throws {
        #expect(try PHPUnserializer.unserialize("i:1;xyz") == .int(1))
    }

    @Test func `clamps an out-of-range integer, like PHP`() throws {
        #expect(try PHPUnserializer.unserialize("i:99999999999999999999;") == .int(Int.max))
        #expect(try PHPUnserializer.unserialize("i:-99999999999999999999;") == .int(Int.min))
    }

    static func failure(_ text: String) -> PHPUnserializeError? {
        do {
            _ = try PHPUnserializer.unserialize(text)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        "a:2:{i:0;s:19:\"akismet/akismet.php\";i:1;s:9:\"hel",
        "a:2:{i:0;s:19:\"akismet/akismet.php\";",
        "a:1:{i:0;s:3:\"abc\";",
        "s:5:\"abc",
        "i:12",
        "a:3",
        "",
    ])
    func `reports a cut-off value as truncated`(text: String) throws {
        let error = try #require(Self.failure(text))
        #expect(error.reason == .truncated)
        #expect(error.total == text.utf8.count)
        #expect(error.description.contains("cut off"))
    }

    @Test func `reports a string whose declared length is wrong, as after a naive search-and-replace`() throws {
        // "http://old.example" (18 bytes) replaced by a longer address without fixing s:18.
        let text = "a:2:{s:3:\"url\";s:18:\"https://new.example.com\";s:1:\"n\";i:1;}"
        let error = try #require(Self.failure(text))
        #expect(error.reason == .stringLengthMismatch(declared: 18))
        #expect(error.description.contains("search-and-replace"))
    }

    @Test func `a too long declared length at the very end is a length mismatch, not a cut`() throws {
        let error = try #require(Self.failure("a:1:{i:0;s:40:\"short\";}"))
        #expect(error.reason == .stringLengthMismatch(declared: 40))
    }

    @Test func `reports an array with fewer entries than declared`() throws {
        let error = try #require(Self.failure("a:3:{i:0;i:1;i:1;i:2;}"))
        #expect(error.reason == .countMismatch(declared: 3, found: 2))
    }

    @Test(arguments: [
        ("x:1;", PHPUnserializeError.Reason.unknownType(UInt8(ascii: "x"))),
        ("b:2;", .unexpected(found: UInt8(ascii: "2"), expected: "0 or 1")),
        ("i:1x;", .invalidNumber),
        ("i:;", .invalidNumber),
        ("a:-1:{}", .invalidNumber),
        ("d:abc;", .invalidNumber),
        ("a:1:{a:0:{}i:1;}", .unexpected(found: UInt8(ascii: "a"), expected: "an integer or string key")),
        ("s:3:\"abc\"x", .unexpected(found: UInt8(ascii: "x"), expected: "';'")),
    ])
    func `reports malformed data with the reason`(text: String, reason: PHPUnserializeError.Reason) throws {
        #expect(try #require(Self.failure(text)).reason == reason)
    }

    @Test func `reports where the error is`() throws {
        let error = try #require(Self.failure("a:1:{i:0;Z:1;}"))
        #expect(error.offset == 9)
        #expect(error.description.contains("at byte 9 of 14"))
    }

    @Test func `refuses absurd nesting instead of overflowing the stack`() throws {
        let depth = PHPUnserializer.depthLimit + 10
        let text = String(repeating: "a:1:{i:0;", count: depth) + "N;" + String(repeating: "}", count: depth)
        let error = try #require(Self.failure(text))
        #expect(error.reason == .tooDeep(limit: PHPUnserializer.depthLimit))
    }

    @Test func `does not trust a huge declared count`() throws {
        let error = try #require(Self.failure("a:999999999999:{i:0;i:1;}"))
        #expect(error.reason == .countMismatch(declared: 999_999_999_999, found: 1))
    }

    @Test func `survives arbitrary bytes`() {
        // Every prefix of a valid value, and byte flips in it, must fail cleanly or succeed; never trap.
        let valid = Array("a:2:{s:4:\"list\";a:1:{i:0;s:5:\"café\";}s:1:\"d\";d:0.5;}".utf8)
        for length in 0...valid.count {
            _ = try? PHPUnserializer.unserialize(Array(valid.prefix(length)))
        }
        for index in valid.indices {
            for replacement: UInt8 in [0, 0x22, 0x3a, 0x3b, 0x7b, 0x7d, 0x39, 0xff] {
                var bytes = valid
                bytes[index] = replacement
                _ = try? PHPUnserializer.unserialize(bytes)
            }
        }
        #expect(throws: PHPUnserializeError.self) { try PHPUnserializer.unserialize(Array(valid.prefix(valid.count - 1))) }
    }
}

struct WordPressOptionValueTests {
    @Test func `text that does not look serialized is used as it is, like maybe_unserialize`() {
        #expect(WordPressOptionValue(stored: "http://example.com") == .plain("http://example.com"))
        #expect(WordPressOptionValue(stored: "") == .plain(""))
        // is_serialized wants the last byte to be ; or }: trailing junk makes it plain text.
        #expect(WordPressOptionValue(stored: "i:1;xyz") == .plain("i:1;xyz"))
        #expect(WordPressOptionValue(stored: "s:5:\"hello\"") == .plain("s:5:\"hello\""))
    }

    @Test func `serialized text is decoded, surrounding whitespace ignored`() {
        #expect(WordPressOptionValue(stored: "  a:0:{}\n") == .serialized(.array([])))
        #expect(WordPressOptionValue(stored: "N;") == .serialized(.null))
        #expect(WordPressOptionValue(stored: "b:1;") == .serialized(.bool(true)))
    }

    @Test func `text that looks serialized but is not readable is corrupt`() throws {
        guard case .corrupt(let error) = WordPressOptionValue(stored: "a:2:{i:0;s:19:\"akismet/akismet.php\";}") else {
            Issue.record("expected corrupt")
            return
        }
        #expect(error.reason == .countMismatch(declared: 2, found: 1))
    }
}
