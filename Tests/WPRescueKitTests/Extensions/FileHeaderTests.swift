import Foundation
import Testing
@testable import WPRescueKit

struct FileHeaderTests {
    @Test(arguments: [
        ("<?php\n/**\n * Plugin Name: Akismet Anti-Spam\n * Version: 5.0.2\n */", "Akismet Anti-Spam", "5.0.2"),
        ("<?php\n/*\nPlugin Name: Hello Dolly\nVersion: 1.7.2\n*/", "Hello Dolly", "1.7.2"),
        ("<?php // Plugin Name: One Liner */\n# Version: 2", "One Liner", "2"),
        ("<?php\r\n/*\r\n * plugin name: Lower Case\r\n * VERSION: 3.1 */\r\n", "Lower Case", "3.1"),
        ("<?php\n/* Plugin Name:    Padded   */\n", "Padded", nil),
    ] as [(String, String, String?)])
    func `reads plugin headers the way WordPress does`(source: String, name: String, version: String?) {
        let headers = FileHeader.values(in: Data(source.utf8), names: ["Plugin Name", "Version"])
        #expect(headers["Plugin Name"] == name)
        #expect(headers["Version"] == version)
    }

    @Test func `ignores headers past the first 8 KiB`() {
        let source = "<?php\n" + String(repeating: "// filler\n", count: 900) + "/* Plugin Name: Too Late */"
        #expect(FileHeader.values(in: Data(source.utf8), names: ["Plugin Name"]).isEmpty)
    }

    @Test func `an empty header value counts as missing`() {
        #expect(FileHeader.values(in: Data("<?php\n/* Plugin Name:   */".utf8), names: ["Plugin Name"]).isEmpty)
    }

    @Test func `the first occurrence wins`() {
        let source = "<?php\n/*\nPlugin Name: First\nPlugin Name: Second\n*/"
        #expect(FileHeader.values(in: Data(source.utf8), names: ["Plugin Name"])["Plugin Name"] == "First")
    }
}
