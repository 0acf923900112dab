import Foundation
import Testing
@testable import WPRescueKit

struct ConfigPHPLexerTests {
    private func tokens(_ source: String) throws -> [PHPToken] {
        let bytes = Array(source.utf8)
        return try PHPLexer.tokenize(bytes, lines: LineTable(bytes))
    }

    private func texts(_ source: String, kind: PHPToken.Kind) throws -> [String] {
        let bytes = Array(source.utf8)
        return try tokens(source).filter { $0.kind == kind }.map { String(decoding: bytes[$0.range], as: UTF8.self) }
    }

    @Test(arguments: ConfigFixture.names)
    func `tokens cover every byte of a fixture in order`(name: String) throws {
        let bytes = try ConfigFixture.bytes(name)
        let tokens = try PHPLexer.tokenize(bytes, lines: LineTable(bytes))
        var expectedStart = 0
        for token in tokens {
            #expect(token.range.lowerBound == expectedStart)
            #expect(!token.range.isEmpty)
            expectedStart = token.range.upperBound
        }
        #expect(expectedStart == bytes.count)
    }

    @Test func `a question mark and angle bracket end a line comment and PHP mode`() throws {
        let source = "<?php // note ?> visible text\n<?php # hash ?>more"
        #expect(try texts(source, kind: .lineComment) == ["// note ", "# hash "])
        #expect(try texts(source, kind: .inlineHTML) == [" visible text\n", "more"])
    }

    @Test func `a close tag inside a block comment or a string does not end PHP mode`() throws {
        let source = "<?php /* ?> */ $a = '?>'; $b = \"?>\"; ?>tail"
        #expect(try texts(source, kind: .inlineHTML) == ["tail"])
        #expect(try texts(source, kind: .closeTag) == ["?>"])
    }

    @Test func `the close tag swallows one line break`() throws {
        #expect(try texts("<?php ?>\n\nafter", kind: .closeTag) == ["?>\n"])
        #expect(try texts("<?php ?>\r\n\r\nafter", kind: .closeTag) == ["?>\r\n"])
        #expect(try texts("<?php ?>\r\n\r\nafter", kind: .inlineHTML) == ["\r\nafter"])
    }

    @Test func `open tags need whitespace after php and the echo tag needs none`() throws {
        #expect(try texts("<?phpx <?php\n$a; ?><?=$a?>", kind: .inlineHTML) == ["<?phpx "])
        #expect(try texts("<?PHP\r\n$a;", kind: .openTag) == ["<?PHP\r\n"])
        #expect(try texts("<?=$a?>", kind: .openTagWithEcho) == ["<?="])
        #expect(try texts("<?php", kind: .openTag) == ["<?php"])
    }

    @Test func `strings keep escaped quotes inside them`() throws {
        let source = #"<?php $a = 'it\'s'; $b = "say \"hi\""; $c = 'ends in backslash\\';"#
        #expect(try texts(source, kind: .singleQuotedString) == [#"'it\'s'"#, #"'ends in backslash\\'"#])
        #expect(try texts(source, kind: .doubleQuotedString(interpolated: false)) == [#""say \"hi\"""#])
    }

    @Test func `double-quoted strings with embedded code in braces stay one token`() throws {
        let source = #"<?php $a = "{$map["key"]} and ${name} and $plain"; $b = 1;"#
        let interpolated = try texts(source, kind: .doubleQuotedString(interpolated: true))
        #expect(interpolated == [#""{$map["key"]} and ${name} and $plain""#])
        #expect(try texts(source, kind: .number) == ["1"])
    }

    @Test func `code embedded in a string is lexed as code, comments and all`() throws {
        // Checked against PHP 8.2's token_get_all: the brace in the comment does not end the embedded code.
        let source = #"<?php $s = "x{$a /* } */ } y"; $t = 1;"#
        #expect(try texts(source, kind: .doubleQuotedString(interpolated: true)) == [#""x{$a /* } */ } y""#])
        #expect(try texts(source, kind: .blockComment).isEmpty)
    }

    @Test func `a dollar sign not followed by a name does not interpolate`() throws {
        #expect(try texts(#"<?php $a = "costs $5 or \$x";"#, kind: .doubleQuotedString(interpolated: false)).count == 1)
    }

    @Test func `heredoc closing markers may be indented and followed by code`() throws {
        let source = "<?php\nf(<<<EOT\n    EOTX is not the end\n    EOT, 2);\n$b = <<<'RAW'\n$notvar\nRAW;\n"
        let heredocs = try texts(source, kind: .heredoc(interpolated: false))
        #expect(heredocs == ["<<<EOT\n    EOTX is not the end\n    EOT"])
        #expect(try texts(source, kind: .nowdoc) == ["<<<'RAW'\n$notvar\nRAW"])
        #expect(try texts(source, kind: .number) == ["2"])
    }

    @Test func `heredoc bodies interpolate and nowdoc bodies do not`() throws {
        let source = "<<<X\n$a\nX;<<<'Y'\n$a\nY;"
        #expect(try tokens("<?php " + source).contains { $0.kind == .heredoc(interpolated: true) })
        #expect(try tokens("<?php " + source).contains { $0.kind == .nowdoc })
    }

    @Test func `shift operators are not heredocs`() throws {
        let kinds = try tokens("<?php $a = 1 << 2; $b <<= 3;").map(\.kind)
        #expect(!kinds.contains(.heredoc(interpolated: false)))
    }

    @Test func `namespaced names and the global define are single name tokens`() throws {
        #expect(try texts("<?php \\define('A', 1); Foo\\Bar\\baz();", kind: .name) == ["\\define", "Foo\\Bar\\baz"])
    }

    @Test func `numbers in every PHP notation are one token`() throws {
        #expect(try texts("<?php f(0x1F, 0b101, 0o17, 0755, 1_000, 2.5e3, .5, 1E-3, 7.);", kind: .number)
            == ["0x1F", "0b101", "0o17", "0755", "1_000", "2.5e3", ".5", "1E-3", "7."])
    }

    @Test func `a hash followed by a square bracket is an attribute, not a comment`() throws {
        #expect(try texts("<?php #[Attr] function f() {}", kind: .lineComment).isEmpty)
    }

    @Test func `everything after halt compiler is data`() throws {
        let source = "<?php __halt_compiler(); 'unterminated \" /* junk"
        #expect(try texts(source, kind: .haltCompilerData) == [" 'unterminated \" /* junk"])
    }

    @Test(arguments: [
        ("<?php\n$a = 'open;\n", WPConfigError.unterminatedString(line: 2)),
        ("<?php\n\n$a = \"open {$b[\"x\"]};\n", WPConfigError.unterminatedString(line: 3)),
        ("<?php /* never\nclosed", WPConfigError.unterminatedComment(line: 1)),
        ("<?php\n$a = <<<EOT\ntext\nEOTX;\n", WPConfigError.unterminatedHeredoc(label: "EOT", line: 2)),
    ])
    func `unterminated strings, comments and heredocs are errors naming their first line`(source: String, expected: WPConfigError) {
        #expect(throws: expected) { try tokens(source) }
    }

    @Test func `line numbers count line feeds`() {
        let table = LineTable(Array("a\nb\r\nc\n".utf8))
        #expect(table.line(of: 0) == 1)
        #expect(table.line(of: 2) == 2)
        #expect(table.line(of: 5) == 3)
        #expect(table.line(of: 7) == 4)
    }
}
