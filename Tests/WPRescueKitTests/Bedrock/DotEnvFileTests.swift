import Foundation
import Testing
@testable import WPRescueKit

/// `.env` as phpdotenv 5 reads it, and edits that change one value and nothing else.
struct DotEnvFileTests {
    func values(_ text: String, over environment: [String: String] = [:]) throws -> [String: String] {
        DotEnvFile.values(of: [try DotEnvFile(data: Data(text.utf8))], over: environment)
    }

    @Test(arguments: [
        ("A=plain", "plain"),
        ("A = spaced ", "spaced"),
        ("export   A=exported", "exported"),
        ("A='single # not a comment $ {x} \\n'", "single # not a comment $ {x} \\n"),
        ("A=\"double \\\"quoted\\\" \\\\ \\$HOME\"", "double \"quoted\" \\ $HOME"),
        ("A=\"tab\\tnewline\\n\"", "tab\tnewline\n"),
        ("A=value # comment", "value"),
        ("A=value#comment", "value"),
        ("A='quoted' # comment", "quoted"),
        ("A=", ""),
        ("A=''", ""),
        ("'A'=quoted-name", "quoted-name"),
    ])
    func `values are decoded as phpdotenv decodes them`(line: String, expected: String) throws {
        #expect(try values(line + "\n")["A"] == expected)
    }

    @Test(arguments: [
        ("A=two words", "unexpected whitespace"),
        ("A='open", "a missing closing quote"),
        ("A=\"bad \\q\"", "an unexpected escape sequence"),
        ("=value", "an unexpected equals"),
        ("A-B=1", "an invalid name"),
        // phpdotenv strips `export` only from a name longer than 8 bytes.
        ("export A=1", "an invalid name"),
    ])
    func `what phpdotenv refuses is refused with its reason`(line: String, reason: String) throws {
        #expect(throws: DotEnvFile.Failure.self) { try DotEnvFile(data: Data((line + "\n").utf8)) }
        do { _ = try DotEnvFile(data: Data((line + "\n").utf8)) } catch {
            #expect(error.errorDescription?.contains(reason) == true, "\(error)")
        }
    }

    @Test func `a ${NAME} reference expands from what is loaded so far, and an unknown name stays as written`() throws {
        let loaded = try values("""
            WP_HOME='http://example.test'
            WP_SITEURL="${WP_HOME}/wp"
            UNQUOTED=${WP_HOME}/x
            LITERAL='${WP_HOME}'
            LATER=${NEXT}
            NEXT=1
            ESCAPED="\\${WP_HOME}"

            """)
        #expect(loaded["WP_SITEURL"] == "http://example.test/wp")
        #expect(loaded["UNQUOTED"] == "http://example.test/x")
        #expect(loaded["LITERAL"] == "${WP_HOME}")
        #expect(loaded["LATER"] == "${NEXT}")
        #expect(loaded["ESCAPED"] == "${WP_HOME}")
    }

    @Test func `a later line wins, but never over a variable the environment already has`() throws {
        let loaded = try values("A=1\nA=2\nB=file\n", over: ["B": "server"])
        #expect(loaded["A"] == "2")
        #expect(loaded["B"] == "server")
        let local = try DotEnvFile(data: Data("A=local\n".utf8))
        let main = try DotEnvFile(data: Data("A=main\nC=${A}\n".utf8))
        #expect(DotEnvFile.values(of: [main, local])["A"] == "local", ".env.local comes after .env")
    }

    @Test func `a double-quoted value may span lines, and comments and blank lines are skipped`() throws {
        let file = try DotEnvFile(data: Data("# comment\n\nKEY=\"line one\nline two\"\nNEXT=x\r\n".utf8))
        #expect(file.entries.map(\.name) == ["KEY", "NEXT"])
        #expect(DotEnvFile.values(of: [file])["KEY"] == "line one\nline two")
    }

    @Test func `setting a value changes only its bytes, in the entry's own quoting`() throws {
        let text = "# Database\r\nDB_NAME='wordpress'   # the name\r\nDB_USER=wp\r\nDB_PASSWORD=\"old\"\r\n"
        let file = try DotEnvFile(data: Data(text.utf8))
        let renamed = try file.setting("DB_NAME", to: "shop")
        #expect(String(decoding: renamed.data, as: UTF8.self) == text.replacingOccurrences(of: "'wordpress'", with: "'shop'"))
        let user = try file.setting("DB_USER", to: "has space")
        #expect(String(decoding: user.data, as: UTF8.self).contains("DB_USER='has space'\r\n"))
        let password = try file.setting("DB_PASSWORD", to: "q\"uote$ \\ it's")
        #expect(DotEnvFile.values(of: [password])["DB_PASSWORD"] == "q\"uote$ \\ it's")
        let added = try file.setting("WP_ENV", to: "staging")
        #expect(String(decoding: added.data, as: UTF8.self) == text + "WP_ENV=staging\r\n", "new lines take the file's line ending")
    }

    @Test func `removing drops the entry's line and keeps every other byte`() throws {
        let file = try DotEnvFile(data: Data("A=1\nB=2 # two\nC=3\n".utf8))
        #expect(String(decoding: try file.removing("B").data, as: UTF8.self) == "A=1\nC=3\n")
        #expect(throws: DotEnvFile.Failure.notDefined("D")) { try file.removing("D") }
    }

    @Test(arguments: [
        ("true", PHPValue.bool(true)), ("FALSE", .bool(false)), ("null", .null), ("42", .int(42)),
        ("-1", .string("-1")), ("'quoted'", .string("quoted")), ("256M", .string("256M")), ("", .string("")),
    ])
    func `env() converts text as oscarotero/env does with Bedrock's options`(text: String, value: PHPValue) {
        #expect(BedrockEnvValue.convert(text) == value)
    }

    @Test func `a value env() would read back differently cannot be written to .env`() {
        #expect(BedrockEnvValue.text(for: .string("true")) == nil)
        #expect(BedrockEnvValue.text(for: .string("123")) == nil)
        #expect(BedrockEnvValue.text(for: .bool(true)) == "true")
        #expect(BedrockEnvValue.text(for: .expression("getenv('X')")) == nil)
    }
}
