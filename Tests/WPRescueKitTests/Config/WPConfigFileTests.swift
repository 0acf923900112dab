import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

struct WPConfigFileTests {
    @Test func `a standard file exposes constants, the table prefix and the two anchors`() throws {
        let file = try ConfigFixture.file("standard.php")
        #expect(file.constants.count == 18)
        #expect(file.value(of: "DB_NAME") == .string("shop_live"))
        #expect(file.value(of: "WP_DEBUG") == .bool(false))
        #expect(file.value(of: "ABSPATH") == .expression("__DIR__ . '/'"))
        let debug = try #require(file.definition(of: "WP_DEBUG"))
        #expect(debug.line == 49)
        #expect(debug.form == .define)
        #expect(!debug.isConditional)
        #expect(file.text(of: debug.valueRange) == "false")
        #expect(file.text(of: debug.statementRange) == "define( 'WP_DEBUG', false );")
        #expect(String(file.contents[file.characterRange(of: debug.valueRange)]) == "false")
        #expect(try #require(file.definition(of: "ABSPATH")).isConditional)
        #expect(file.tablePrefix?.value == .string("shp_"))
        #expect(file.tablePrefix?.line == 44)
        #expect(file.text(of: try #require(file.tablePrefix).valueRange) == "'shp_'")
        #expect(file.stopEditingComment?.line == 56)
        #expect(file.wpSettingsRequire?.line == 64)
        #expect(file.text(of: try #require(file.wpSettingsRequire).byteRange) == "require_once ABSPATH . 'wp-settings.php';")
        #expect(file.duplicates.isEmpty)
        #expect(file.lineEnding == .lf)
        #expect(!file.hasByteOrderMark)
        #expect(file.outputOutsidePHP.isEmpty)
    }

    @Test func `values with semicolons, comment markers and parentheses are read whole`() throws {
        let file = try ConfigFixture.file("tricky.php")
        #expect(file.value(of: "DB_PASSWORD") == .string("semi;colon//slashes);paren#hash"))
        #expect(file.value(of: "DB_HOST") == .string("localhost:/run/mysqld/mysqld.sock"))
        #expect(file.value(of: "AUTH_KEY") == .string(#"it's a \ backslash"#))
        #expect(file.value(of: "SECURE_AUTH_KEY") == .string("tab\there AA é $notvar"))
        #expect(file.value(of: "LOGGED_IN_KEY") == .expression(#"'a' . 'b' . "c""#))
        #expect(file.value(of: "LOGGED_IN_SALT") == .expression(#""interpolated $table_prefix value""#))
        #expect(file.value(of: "WP_DEBUG_LOG") == .expression("__DIR__ . '/logs/debug;1.log'"))
        #expect(file.value(of: "WP_MEMORY_LIMIT") == .string("512M"))
        #expect(try #require(file.definition(of: "WP_MEMORY_LIMIT")).valueSource == "'512M'")
        #expect(file.value(of: "MY_CALL") == .expression("sprintf( '%s;%s', 'a', 'b' )"))
        #expect(file.value(of: "WP_POST_REVISIONS") == .int(-1))
        #expect(file.value(of: "EMPTY_TRASH_DAYS") == .int(1000))
        #expect(file.value(of: "SCRIPT_DEBUG") == .bool(true))
        #expect(file.value(of: "MY_RATIO") == .float(2500))
        #expect(file.value(of: "MY_NOTHING") == .null)
        #expect(file.value(of: "MY_OCTAL") == .int(493))
        #expect(file.tablePrefix?.value == .string("tr_"))
    }

    @Test func `every spelling of define and top-level const count as definitions`() throws {
        let file = try ConfigFixture.file("tricky.php")
        #expect(file.value(of: "DB_USER") == .string("tricky"))
        #expect(file.value(of: "DB_CHARSET") == .string("utf8mb4"))
        #expect(file.text(of: try #require(file.definition(of: "DB_CHARSET")).statementRange) == "\\define ( 'DB_CHARSET' , 'utf8mb4' , ) ;")
        let nonce = try #require(file.definition(of: "NONCE_KEY"))
        #expect(nonce.form == .const)
        #expect(nonce.value == .string("from a const"))
        #expect(file.value(of: "AUTH_SALT") == .string("one"))
        #expect(file.value(of: "SECURE_AUTH_SALT") == .string("two"))
        #expect(try #require(file.definition(of: "SECURE_AUTH_SALT")).line == 17)
        let environment = try #require(file.definition(of: "WP_ENVIRONMENT_TYPE"))
        #expect(environment.isConditional)
        #expect(file.text(of: environment.statementRange) == "defined( 'WP_ENVIRONMENT_TYPE' ) || define( 'WP_ENVIRONMENT_TYPE', 'staging' );")
    }

    @Test func `defines in comments and heredocs are ignored`() throws {
        let tricky = try ConfigFixture.file("tricky.php")
        #expect(tricky.definition(of: "DISALLOW_FILE_EDIT") == nil)
        #expect(tricky.definitions(of: "WP_CACHE").count == 1)
        #expect(tricky.definition(of: "WP_CACHE")?.line == 19)
        let heredoc = try ConfigFixture.file("heredoc.php")
        #expect(heredoc.definitions(of: "WP_DEBUG").count == 1)
        #expect(heredoc.value(of: "WP_DEBUG") == .bool(false))
    }

    @Test func `duplicates are reported with every line and the first definition wins`() throws {
        let file = try ConfigFixture.file("tricky.php")
        #expect(file.duplicates == [DuplicateDefinition(name: "WP_DEBUG", lines: [26, 28])])
        #expect(file.value(of: "WP_DEBUG") == .bool(false))
        #expect(file.definitions(of: "WP_DEBUG").map(\.value) == [.bool(false), .bool(true)])
    }

    @Test func `heredoc and nowdoc values decode`() throws {
        let file = try ConfigFixture.file("heredoc.php")
        #expect(file.value(of: "MY_NOWDOC") == .string("line one; with // slashes\n  line two ); still text"))
        #expect(file.value(of: "MY_HEREDOC") == .string("Tab\there and $dollar"))
        #expect(file.value(of: "MY_TEMPLATE") == .expression("<<<HTML\n  <p>{$greeting}</p>\n  HTML"))
        #expect(file.stopEditingComment?.line == 17)
    }

    @Test func `a Debian master file keeps its guarded defaults and conditional table prefix`() throws {
        let file = try ConfigFixture.file("debian.php")
        #expect(file.stopEditingComment == nil)
        #expect(file.wpSettingsRequire?.line == 53)
        #expect(file.value(of: "WP_AUTO_UPDATE_CORE") == .bool(false))
        #expect(file.value(of: "wp_auto_update_core") == .bool(false))
        #expect(try #require(file.definition(of: "DB_HOST")).isConditional)
        #expect(file.duplicates == [DuplicateDefinition(name: "DEBIAN_FILE", lines: [20, 23])])
        let prefix = try #require(file.tablePrefix)
        #expect(prefix.value == .string("wp_"))
        #expect(prefix.isConditional)
        #expect(file.variables.filter { $0.name == "debian_host" }.count == 2)
    }

    @Test func `a Bitnami file reads expressions built from the request`() throws {
        let file = try ConfigFixture.file("bitnami.php")
        #expect(file.value(of: "WP_HOME") == .expression("'http://' . $_SERVER['HTTP_HOST'] . '/'"))
        #expect(file.value(of: "WP_AUTO_UPDATE_CORE") == .string("minor"))
        #expect(file.definition(of: "WP_TEMP_DIR")?.line == 68)
        #expect(file.wpSettingsRequire?.line == 66)
        #expect(file.stopEditingComment?.line == 41)
        #expect(file.definitionsAfterWPSettings.map(\.name) == ["WP_TEMP_DIR"])
        #expect(try ConfigFixture.file("standard.php").definitionsAfterWPSettings.isEmpty)
    }

    @Test func `CRLF files and a byte order mark are recognised`() throws {
        let crlf = try ConfigFixture.file("crlf.php")
        #expect(crlf.lineEnding == .crlf)
        #expect(crlf.value(of: "DB_PASSWORD") == .string("Pa$$w0rd!"))
        #expect(crlf.definition(of: "WP_DEBUG_LOG")?.line == 13)
        let bom = try ConfigFixture.file("bom.php")
        #expect(bom.hasByteOrderMark)
        #expect(bom.value(of: "DB_NAME") == .string("bom_site"))
        #expect(bom.outputOutsidePHP.map(\.byteRange) == [0..<3])
    }

    @Test func `text outside PHP tags is reported, and echo tags are not statements`() throws {
        let closing = try ConfigFixture.file("closing-tag.php")
        let output = try #require(closing.outputOutsidePHP.first)
        #expect(closing.text(of: output.byteRange).hasPrefix("\n<!-- Trailing markup"))
        #expect(output.line == 20)
        let inline = try ConfigFixture.file("inline-html.php")
        #expect(inline.constants.map(\.name) == ["DB_NAME", "WP_DEBUG", "WP_CACHE"])
        #expect(try #require(inline.definition(of: "WP_CACHE")).isConditional)
    }

    @Test(arguments: ConfigFixture.names)
    func `reading keeps the exact bytes`(name: String) throws {
        let data = try ConfigFixture.data(name)
        let file = try WPConfigFile(data: data)
        #expect(file.data == data)
        #expect(try WPConfigFile(contents: file.contents).data == data)
    }

    @Test func `method calls, functions named define and dynamic names are not definitions`() throws {
        let file = try WPConfigFile(contents: """
        <?php
        $registry->define( 'A', 1 );
        Config::define( 'B', 2 );
        $name = 'C';
        define( $name, 3 );
        define( 'D' . 'E', 4 );
        My\\define( 'F', 5 );
        define( value: 6, constant_name: 'G' );
        """)
        #expect(file.constants.map(\.name) == ["G"])
        #expect(file.value(of: "G") == .int(6))
    }

    @Test func `a define without a value is refused with its line`() {
        #expect(throws: WPConfigError.malformedDefine(name: "WP_DEBUG", line: 3)) {
            try WPConfigFile(contents: "<?php\n\ndefine( 'WP_DEBUG' );\n")
        }
    }

    @Test func `the last unconditional table prefix assignment is the one in force`() throws {
        let file = try WPConfigFile(contents: "<?php\nif ( $x ) { $table_prefix = 'a_'; }\n$table_prefix = 'b_';\n$table_prefix = 'c_';\n")
        #expect(file.tablePrefix?.value == .string("c_"))
        #expect(file.variables.map(\.isConditional) == [true, false, false])
    }
}

struct ConfigRefusedInputTests {
    @Test(arguments: [
        ("", WPConfigError.empty),
        ("  \n\t\n", .empty),
        ("<?php\ndefine('A', 1);\n\0\0\0", .binary(line: 3)),
        ("This is a note about the site.\nNothing to see.\n", .noOpenTag),
        ("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body></html>\n", .noOpenTag),
        ("<? echo 'short tags are off'; ?>", .noOpenTag),
        ("<?php\ndefine( 'DB_NAME', 'wordpr", .unterminatedString(line: 2)),
        ("<?php\n/* a comment that\nnever ends", .unterminatedComment(line: 2)),
        ("<?php\nif ( true ) {\n  define( 'A', 1 );\n", .unclosedBracket(bracket: "brace", line: 2)),
        ("<?php\ndefine( 'A', max(1, 2 );\n", .unclosedBracket(bracket: "parenthesis", line: 2)),
        ("<?php\ndefine( 'A', 1 ));\n", .unexpectedClosingBracket(bracket: "parenthesis", line: 2)),
        ("<?php\n$a = [1, 2);\n", .unexpectedClosingBracket(bracket: "parenthesis", line: 2)),
    ])
    func `input that is not editable PHP is refused naming the problem`(source: String, expected: WPConfigError) {
        #expect(throws: expected) { try WPConfigFile(contents: source) }
    }

    @Test func `invalid UTF-8 is refused with its line`() {
        var bytes = Array("<?php\n// caf".utf8)
        bytes.append(0xE9)
        bytes += Array("\ndefine('A', 1);\n".utf8)
        #expect(throws: WPConfigError.notUTF8(line: 2)) { try WPConfigFile(data: Data(bytes)) }
    }

    @Test func `random binary data is refused`() {
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(throws: WPConfigError.self) { try WPConfigFile(data: Data(bytes)) }
    }

    @Test(arguments: ConfigFixture.names)
    func `a fixture cut inside a string, comment or block is refused`(name: String) throws {
        let bytes = try ConfigFixture.bytes(name)
        let text = String(decoding: bytes, as: UTF8.self)
        // Cut right after the first quote of the last define: always inside a string.
        let cut = try #require(text.range(of: "define", options: .backwards)).upperBound
        let quote = try #require(text[cut...].firstIndex { $0 == "'" || $0 == "\"" })
        let truncated = String(text[...quote])
        #expect(throws: WPConfigError.self) { try WPConfigFile(contents: truncated) }
    }

    @Test func `every refusal is one sentence with the line where there is one`() {
        let errors: [(WPConfigError, Int?)] = [
            (.empty, nil), (.binary(line: 3), 3), (.notUTF8(line: 4), 4), (.noOpenTag, nil), (.unterminatedString(line: 5), 5),
            (.unterminatedComment(line: 6), 6), (.unterminatedHeredoc(label: "EOT", line: 7), 7),
            (.unexpectedClosingBracket(bracket: "brace", line: 8), 8), (.unclosedBracket(bracket: "parenthesis", line: 9), 9),
            (.malformedDefine(name: "X", line: 10), 10), (.cannotRemove(constant: "X", line: 11), 11), (.noInsertionPoint(line: 12), 12),
        ]
        for (error, line) in errors {
            let text = error.errorDescription ?? ""
            #expect(text.hasSuffix("."))
            #expect(!text.contains(". "))
            if let line { #expect(text.lowercased().contains("line \(line)")) }
        }
        #expect(WPConfigError.unterminatedString(line: 5).errorDescription
            == "The quoted string starting on line 5 is never closed; PHP cannot load the file until the missing quote is added.")
    }
}
