import Foundation
import Testing
@testable import WPRescueKit

/// The comparison of a folder with a checksums list, on a real folder of the local disk
/// holding what a hostile site can hold: links out of the site, a FIFO, a huge sparse file.
struct TreeVerificationTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "wprescue-tree-\(UUID().uuidString)"
        for folder in ["wp-admin", "wp-includes/js", "wp-content"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
    }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + relative))
    }

    func md5(_ text: String) -> ExpectedDigest { ExpectedDigest(md5: [FileDigest(Data(text.utf8), sha256: false).value]) }

    func verification(_ expected: [String: ExpectedDigest]) -> TreeVerification {
        var verification = TreeVerification(fileSystem: LocalFileSystem(), root: root, expected: expected,
                                            recursiveFolders: ["wp-admin", "wp-includes"], topLevelFiles: true)
        verification.isUnexpected = CoreIntegrity.isCoreLocation
        verification.ignores = { $0.hasPrefix("wp-content/") }
        verification.optional = { CoreIntegrity.optionalFiles.contains($0) }
        return verification
    }

    @Test func `modified, missing and unexpected files, with injected lines, and nothing else`() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("index.php", "<?php // index")
        try write("wp-load.php", "<?php // load")
        try write("wp-includes/a.php", "<?php // a, as released")
        try write("wp-includes/js/b.js", "var b; // changed")
        try write("wp-includes/evil.php", "<?php\n\n@eval(base64_decode('Zm9v'));\n")
        try write("wp-config.php", "<?php // the owner's")
        try write("wp-content/anything.php", "<?php // the owner's too")
        let expected = ["index.php": md5("<?php // index"), "wp-load.php": md5("<?php // load"),
                        "wp-includes/a.php": md5("<?php // a, as released"), "wp-includes/js/b.js": md5("var b;"),
                        "wp-admin/about.php": md5("<?php // about"), "readme.html": md5("<html>"),
                        "wp-content/index.php": md5("<?php // silence")]
        let report = try verification(expected).run()
        #expect(report.modified.map(\.path) == ["wp-includes/js/b.js"])
        #expect(report.missing == ["wp-admin/about.php"], "readme.html is optional, wp-content is the owner's")
        #expect(report.unexpected.map(\.path) == ["wp-includes/evil.php"])
        #expect(report.unexpected.first?.injected == [InjectedCode.Hit(line: 3, pattern: "eval(base64_decode(")])
        #expect(report.digest == "md5")
        #expect(report.networkBytes == nil)
    }

    @Test func `a link out of the site is reported, never followed, and a linked folder is not entered`() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/wp-includes/a.php", withDestinationPath: "/etc/passwd")
        try FileManager.default.removeItem(atPath: root + "/wp-admin")
        try FileManager.default.createSymbolicLink(atPath: root + "/wp-admin", withDestinationPath: "/etc")
        let report = try verification(["wp-includes/a.php": md5("x"), "wp-admin/passwd": md5("y")]).run()
        #expect(report.modified.map(\.path) == ["wp-includes/a.php"])
        #expect(report.modified.first?.detail.contains("symbolic link") == true)
        #expect(report.missing == ["wp-admin/passwd"], "not looked up through the link wp-admin → /etc")
        #expect(report.bytesRead == 0)
        #expect(!report.unexpected.contains { $0.path.hasPrefix("wp-admin/") && $0.path != "wp-admin" })
    }

    @Test func `a FIFO and a huge sparse file are not read`() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(mkfifo(root + "/wp-includes/endless.php", 0o644) == 0)
        let huge = try #require(FileHandle(forWritingAtPath: { FileManager.default.createFile(atPath: root + "/wp-includes/huge.js", contents: nil); return root + "/wp-includes/huge.js" }()))
        try huge.truncate(atOffset: 1 << 30)
        try huge.close()
        let report = try verification(["wp-includes/endless.php": md5("x"), "wp-includes/huge.js": md5("y")]).run()
        #expect(Set(report.modified.map(\.path)) == ["wp-includes/endless.php", "wp-includes/huge.js"])
        #expect(report.modified.first { $0.path == "wp-includes/huge.js" }?.detail.contains("larger than any file") == true)
        #expect(report.bytesRead == 0)
    }

    @Test func `a file is hashed in ranges and reading stops past the largest release file`() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let big = Data(repeating: 0x61, count: TreeVerification.rangeSize * 2 + 17)
        try big.write(to: URL(fileURLWithPath: root + "/wp-includes/big.js"))
        let read = try TreeVerification.read(root + "/wp-includes/big.js", sha256: true, on: LocalFileSystem()).get()
        #expect(read.digest == FileDigest(big, sha256: true))
        #expect(read.bytes == UInt64(big.count))
        #expect(!read.truncatedAtLimit)
    }
}
