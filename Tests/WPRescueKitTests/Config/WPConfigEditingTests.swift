import Foundation
import Testing
@testable import WPRescueKit

/// One fixture and the edits to try on it.
struct EditCase: CustomTestStringConvertible, Sendable {
    var fixture: String
    /// An existing constant and its new value.
    var setName: String
    var setValue: PHPValue
    /// An existing constant and the exact text its removal must take out (once in the file).
    var removeName: String
    var removedText: String
    /// The start of the line a new definition must land in front of.
    var insertedBefore: String

    var testDescription: String { fixture }

    static let all: [EditCase] = [
        EditCase(fixture: "standard.php", setName: "WP_DEBUG", setValue: .bool(true), removeName: "WP_MEMORY_LIMIT",
                 removedText: "define( 'WP_MEMORY_LIMIT', '128M' );\n", insertedBefore: "/* That's all, stop editing!"),
        EditCase(fixture: "debian.php", setName: "DB_HOST", setValue: .string("db.example"), removeName: "WP_AUTO_UPDATE_CORE",
                 removedText: "if (!defined('WP_AUTO_UPDATE_CORE'))\n    define('WP_AUTO_UPDATE_CORE', false);\n",
                 insertedBefore: "require_once(ABSPATH . 'wp-settings.php');"),
        EditCase(fixture: "bitnami.php", setName: "WP_HOME", setValue: .string("https://shop.example"), removeName: "FS_METHOD",
                 removedText: "define( 'FS_METHOD', 'direct' );\n", insertedBefore: "/* That's all, stop editing!"),
        EditCase(fixture: "closing-tag.php", setName: "WP_DEBUG", setValue: .bool(false), removeName: "WP_DEBUG_DISPLAY",
                 removedText: "define('WP_DEBUG_DISPLAY', true); ", insertedBefore: "/* That's all, stop editing! Happy blogging. */"),
        EditCase(fixture: "fragment.php", setName: "DB_HOST", setValue: .string("10.0.0.5"), removeName: "DB_PASSWORD",
                 removedText: "define('DB_PASSWORD', 'dont-show-me');\n", insertedBefore: "?>"),
        EditCase(fixture: "crlf.php", setName: "WP_DEBUG_LOG", setValue: .string("/tmp/wp-debug.log"), removeName: "WP_DEBUG",
                 removedText: "define( 'WP_DEBUG', false );\r\n", insertedBefore: "/* That's all, stop editing!"),
        EditCase(fixture: "tricky.php", setName: "DB_PASSWORD", setValue: .string("n3w;pass//x);#'q"), removeName: "WP_ENVIRONMENT_TYPE",
                 removedText: "defined( 'WP_ENVIRONMENT_TYPE' ) || define( 'WP_ENVIRONMENT_TYPE', 'staging' );\n",
                 insertedBefore: "/* That's all, stop editing! */"),
        EditCase(fixture: "heredoc.php", setName: "MY_NOWDOC", setValue: .string("flat"), removeName: "MY_HEREDOC",
                 removedText: "define( 'MY_HEREDOC', <<<\"END\"\nTab\\there and \\$dollar\nEND\n);\n", insertedBefore: "/* That's all"),
        EditCase(fixture: "bom.php", setName: "DB_NAME", setValue: .string("renamed"), removeName: "WP_DEBUG",
                 removedText: "define( 'WP_DEBUG', false );\n", insertedBefore: "require_once __DIR__"),
        EditCase(fixture: "inline-html.php", setName: "WP_DEBUG", setValue: .bool(true), removeName: "DB_NAME",
                 removedText: "define( 'DB_NAME', 'mixed' ); ", insertedBefore: "require_once __DIR__"),
    ]
}

struct WPConfigEditingTests {
    @Test(arguments: EditCase.all)
    func `setting an existing constant changes only its value`(edit: EditCase) throws {
        let original = try ConfigFixture.bytes(edit.fixture)
        let file = try WPConfigFile(data: Data(original))
        let definition = try #require(file.definition(of: edit.setName))
        let edited = try file.setting(edit.setName, to: edit.setValue)
        #expect([UInt8](edited.data) == original.replacing(definition.valueRange, with: edit.setValue.phpSource))
        #expect(edited.value(of: edit.setName) == edit.setValue)
        #expect(try WPConfigFile(data: edited.data).value(of: edit.setName) == edit.setValue)
    }

    @Test(arguments: EditCase.all)
    func `setting a new constant inserts one line at the right place`(edit: EditCase) throws {
        let original = try ConfigFixture.bytes(edit.fixture)
        let file = try WPConfigFile(data: Data(original))
        let edited = try file.setting("WPRESCUE_TEST", to: .string("it's new"))
        let difference = ByteDifference(from: original, to: [UInt8](edited.data))
        #expect(difference.removed.isEmpty)
        #expect(difference.insertedText == #"define( 'WPRESCUE_TEST', 'it\'s new' );"# + file.lineEnding.rawValue)
        let following = String(decoding: original[difference.removed.lowerBound...], as: UTF8.self)
        #expect(following.hasPrefix(edit.insertedBefore))
        if let require = file.wpSettingsRequire {
            #expect(difference.removed.lowerBound <= require.byteRange.lowerBound)
        }
        #expect(edited.value(of: "WPRESCUE_TEST") == .string("it's new"))
        #expect(edited.constants.count == file.constants.count + 1)
    }

    @Test(arguments: EditCase.all)
    func `removing a constant takes out its statement and nothing else`(edit: EditCase) throws {
        let original = try ConfigFixture.bytes(edit.fixture)
        let file = try WPConfigFile(data: Data(original))
        let text = String(decoding: original, as: UTF8.self)
        let removed = try #require(text.range(of: edit.removedText))
        #expect(text.range(of: edit.removedText, range: removed.upperBound..<text.endIndex) == nil)
        var expected = text
        expected.removeSubrange(removed)
        let edited = try file.removing(edit.removeName)
        #expect(edited.contents == expected)
        #expect(edited.definition(of: edit.removeName) == nil)
    }

    @Test(arguments: EditCase.all)
    func `removing an inserted constant gives back the original bytes`(edit: EditCase) throws {
        let original = try ConfigFixture.data(edit.fixture)
        let file = try WPConfigFile(data: original)
        #expect(try file.setting("WPRESCUE_TEST", to: .int(1)).removing("WPRESCUE_TEST").data == original)
    }

    @Test func `a CRLF file gets CRLF on inserted lines and keeps it everywhere`() throws {
        let file = try ConfigFixture.file("crlf.php")
        let edited = try file.setting("WP_CACHE", to: .bool(true))
        let text = edited.contents
        #expect(text.contains("define( 'WP_CACHE', true );\r\n/* That's all"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func `the first of duplicate definitions is the one set`() throws {
        let file = try ConfigFixture.file("tricky.php")
        let edited = try file.setting("WP_DEBUG", to: .bool(true))
        #expect(edited.definitions(of: "WP_DEBUG").map(\.value) == [.bool(true), .bool(true)])
        #expect(edited.contents.contains("if ( ! defined( 'WP_DEBUG' ) ) {\n\tdefine( 'WP_DEBUG', true );\n}"))
    }

    @Test func `removing a duplicated constant removes every definition and an emptied guard`() throws {
        let file = try ConfigFixture.file("tricky.php")
        let edited = try file.removing("WP_DEBUG")
        #expect(edited.definition(of: "WP_DEBUG") == nil)
        #expect(!edited.contents.contains("defined( 'WP_DEBUG' )"))
        #expect(edited.contents.contains("define( 'WP_CACHE', true ); // two on one line; this ?>\n<?php\ndefine( 'WP_CONTENT_DIR'"))
        #expect(edited.constants.count == file.constants.count - 2)
    }

    @Test func `concatenations and calls are replaced as a whole`() throws {
        let file = try ConfigFixture.file("tricky.php")
        let edited = try file.setting("LOGGED_IN_KEY", to: .string("single"))
            .setting("MY_CALL", to: .int(3))
            .setting("WP_MEMORY_LIMIT", to: .string("1G"))
        #expect(edited.contents.contains("define( 'LOGGED_IN_KEY', 'single' );\nconst NONCE_KEY"))
        #expect(edited.contents.contains("define( 'MY_CALL', 3 );\n"))
        #expect(edited.contents.contains("define( 'WP_MEMORY_LIMIT', /* generous */ '1G' );"))
    }

    @Test func `one constant of a multi-constant const statement can be set but not removed`() throws {
        let file = try ConfigFixture.file("tricky.php")
        #expect(try file.setting("SECURE_AUTH_SALT", to: .string("2")).contents.contains("const AUTH_SALT = 'one', SECURE_AUTH_SALT = '2';"))
        #expect(throws: WPConfigError.cannotRemove(constant: "AUTH_SALT", line: 17)) { try file.removing("AUTH_SALT") }
        let single = try file.removing("NONCE_KEY")
        #expect(!single.contents.contains("NONCE_KEY"))
    }

    @Test func `a definition inside a larger block leaves the block in place`() throws {
        let file = try WPConfigFile(contents: "<?php\nif ( ! defined( 'A' ) ) {\n\tdefine( 'A', 1 );\n\t$b = 2;\n}\n")
        #expect(try file.removing("A").contents == "<?php\nif ( ! defined( 'A' ) ) {\n\t$b = 2;\n}\n")
    }

    @Test func `a definition in an if with an else cannot be removed safely`() throws {
        let file = try WPConfigFile(contents: "<?php\nif ( $x )\n\tdefine( 'A', 1 );\nelse\n\tdefine( 'A', 2 );\n")
        #expect(throws: WPConfigError.cannotRemove(constant: "A", line: 3)) { try file.removing("A") }
        #expect(try file.setting("A", to: .int(5)).contents == "<?php\nif ( $x )\n\tdefine( 'A', 5 );\nelse\n\tdefine( 'A', 2 );\n")
    }

    @Test func `a definition used as a value cannot be removed`() throws {
        let file = try WPConfigFile(contents: "<?php\n$ok = define( 'A', 1 );\n")
        #expect(throws: WPConfigError.cannotRemove(constant: "A", line: 2)) { try file.removing("A") }
    }

    @Test func `removing a constant that is not defined is an error`() throws {
        let file = try ConfigFixture.file("standard.php")
        #expect(throws: WPConfigError.constantNotDefined("WP_CACHE")) { try file.removing("WP_CACHE") }
    }

    @Test(arguments: ["1ABC", "A-B", "", "A B", "A'B"])
    func `a new constant needs a valid name`(name: String) throws {
        let file = try ConfigFixture.file("standard.php")
        #expect(throws: WPConfigError.invalidConstantName(name)) { try file.setting(name, to: .bool(true)) }
    }

    @Test func `without anchors a definition goes at the end, after a line break`() throws {
        let file = try WPConfigFile(contents: "<?php\ndefine( 'A', 1 );")
        #expect(try file.setting("B", to: .int(2)).contents == "<?php\ndefine( 'A', 1 );\ndefine( 'B', 2 );\n")
        let withNewline = try WPConfigFile(contents: "<?php\ndefine( 'A', 1 );\n")
        #expect(try withNewline.setting("B", to: .int(2)).contents == "<?php\ndefine( 'A', 1 );\ndefine( 'B', 2 );\n")
    }

    @Test func `without anchors a definition goes before a closing tag on the same line`() throws {
        let file = try WPConfigFile(contents: "<?php define( 'A', 1 ); ?>\n<p>html</p>\n")
        #expect(try file.setting("B", to: .int(2)).contents == "<?php define( 'A', 1 ); define( 'B', 2 );\n?>\n<p>html</p>\n")
    }

    @Test func `a file whose last statement is unfinished gets no new definition`() throws {
        let file = try WPConfigFile(contents: "<?php\ndefine( 'A', 1 );\nfoo() ?>\n")
        #expect(throws: WPConfigError.noInsertionPoint(line: 3)) { try file.setting("B", to: .int(2)) }
        #expect(try file.setting("A", to: .int(2)).contents == "<?php\ndefine( 'A', 2 );\nfoo() ?>\n")
    }

    @Test func `the require sharing a line with code gets the definition right before it`() throws {
        let file = try WPConfigFile(contents: "<?php define( 'A', 1 ); require_once ABSPATH . 'wp-settings.php';\n")
        #expect(try file.setting("B", to: .int(2)).contents
            == "<?php define( 'A', 1 ); define( 'B', 2 );\nrequire_once ABSPATH . 'wp-settings.php';\n")
    }

    @Test func `a require inside a block gets the definition before the whole block`() throws {
        let file = try WPConfigFile(contents: "<?php\n$a = 1;\nif ( file_exists( ABSPATH . 'wp-settings.php' ) ) {\n\trequire_once ABSPATH . 'wp-settings.php';\n}\n")
        #expect(try file.setting("B", to: .int(2)).contents
            == "<?php\n$a = 1;\ndefine( 'B', 2 );\nif ( file_exists( ABSPATH . 'wp-settings.php' ) ) {\n\trequire_once ABSPATH . 'wp-settings.php';\n}\n")
    }

    @Test func `a stop-editing comment after the require is not used`() throws {
        let file = try WPConfigFile(contents: "<?php\nrequire_once ABSPATH . 'wp-settings.php';\n/* That's all, stop editing! */\n")
        #expect(try file.setting("B", to: .int(2)).contents
            == "<?php\ndefine( 'B', 2 );\nrequire_once ABSPATH . 'wp-settings.php';\n/* That's all, stop editing! */\n")
    }

    @Test func `a stop-editing comment between a block and its else is skipped for a safe spot`() throws {
        let file = try WPConfigFile(contents: "<?php\n$a = 1;\nif ( $a ) {\n} /* That's all, stop editing! */ else {\n}\n")
        #expect(try file.setting("B", to: .int(2)).contents
            == "<?php\n$a = 1;\ndefine( 'B', 2 );\nif ( $a ) {\n} /* That's all, stop editing! */ else {\n}\n")
    }

    @Test func `the typographic apostrophe of translated files marks the stop-editing line too`() throws {
        let file = try WPConfigFile(contents: "<?php\n$a = 1;\n/* That\u{2019}s all, stop editing! Happy publishing. */\nrequire_once ABSPATH . 'wp-settings.php';\n")
        #expect(file.stopEditingComment?.line == 3)
    }
}

struct ConfigRawExpressionTests {
    @Test(arguments: [
        ("__DIR__ . '/logs/debug.log'", "__DIR__ . '/logs/debug.log'"),
        ("  getenv( 'DB_HOST' ) ?: 'localhost'  ", "getenv( 'DB_HOST' ) ?: 'localhost'"),
        ("[ 'a' => 1, 'b' => 2 ]", "[ 'a' => 1, 'b' => 2 ]"),
        ("'x' /* inside */ . 'y'", "'x' /* inside */ . 'y'"),
        ("<<<EOT\nmulti\nEOT", "<<<EOT\nmulti\nEOT"),
    ])
    func `raw expressions are written as given`(raw: String, written: String) throws {
        let file = try ConfigFixture.file("standard.php")
        let edited = try file.setting("WP_DEBUG_LOG", rawExpression: raw)
        #expect(edited.definition(of: "WP_DEBUG_LOG")?.valueSource == written)
        #expect(try file.setting("WP_DEBUG", rawExpression: raw).definition(of: "WP_DEBUG")?.valueSource == written)
    }

    @Test(arguments: [
        ("1; phpinfo()", "`;`"), ("1, true", "`,`"), ("max(1", "brackets"), ("'open", "string"), ("1 // comment", "comment"),
        ("1 ?> <p>", "tag"), ("", "empty"), ("   ", "empty"), ("/* only a comment */", "empty"), ("value: 1", "named"),
        ("...$args", "..."),
    ])
    func `raw text that is not one expression is refused`(raw: String, reason: String) throws {
        let file = try ConfigFixture.file("standard.php")
        let error = try #require(throws: WPConfigError.self) { try file.setting("WP_DEBUG", rawExpression: raw) }
        guard case .invalidExpression(let constant, let message) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(constant == "WP_DEBUG")
        #expect(message.contains(reason))
        #expect(throws: error) { try file.setting("WP_DEBUG", to: .expression(raw)) }
    }
}

struct ConfigValidateEditedTests {
    @Test func `an edit of the intended constant passes`() throws {
        let file = try ConfigFixture.file("standard.php")
        let edited = try file.setting("WP_DEBUG", to: .bool(true))
        #expect(try file.validateEdited(edited.data, changing: "WP_DEBUG").value(of: "WP_DEBUG") == .bool(true))
        let inserted = try file.setting("WP_CACHE", to: .bool(true))
        #expect(try file.validateEdited(inserted.data, changing: "WP_CACHE").value(of: "WP_CACHE") == .bool(true))
        let removed = try file.removing("WP_MEMORY_LIMIT")
        #expect(try file.validateEdited(removed.data, changing: "WP_MEMORY_LIMIT").definition(of: "WP_MEMORY_LIMIT") == nil)
    }

    @Test func `a change to another constant, a comment or code is refused`() throws {
        let file = try ConfigFixture.file("standard.php")
        let text = file.contents
        let changes = [
            text.replacingOccurrences(of: "'shop_live'", with: "'other'"),
            text.replacingOccurrences(of: "Happy publishing", with: "Happy hacking"),
            text.replacingOccurrences(of: "$table_prefix = 'shp_';", with: "$table_prefix = 'wp_';"),
            text.replacingOccurrences(of: "require_once ABSPATH", with: "include ABSPATH"),
            text.replacingOccurrences(of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', true ); echo 1;"),
        ]
        for changed in changes {
            #expect(changed != text)
            #expect(throws: WPConfigError.self) { try file.validateEdited(Data(changed.utf8), changing: "WP_DEBUG") }
        }
    }

    @Test func `whitespace-only changes outside the constant pass`() throws {
        let file = try ConfigFixture.file("standard.php")
        let changed = file.contents.replacingOccurrences(of: "define( 'WP_DEBUG', false );\n", with: "define( 'WP_DEBUG', true );\n\n")
        #expect(try file.validateEdited(Data(changed.utf8), changing: "WP_DEBUG").value(of: "WP_DEBUG") == .bool(true))
    }

    @Test func `a result that no longer reads as PHP is refused`() throws {
        let file = try ConfigFixture.file("standard.php")
        let broken = file.contents.replacingOccurrences(of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', 'false );")
        let error = try #require(throws: WPConfigError.self) { try file.validateEdited(Data(broken.utf8), changing: "WP_DEBUG") }
        guard case .editVerificationFailed(let constant, let detail) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(constant == "WP_DEBUG")
        #expect(detail.contains("line 49"))
    }
}
