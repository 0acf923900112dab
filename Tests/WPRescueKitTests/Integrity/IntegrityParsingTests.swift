import Foundation
import Testing
@testable import WPRescueKit

/// version.php and WordPress.org's checksum lists, from fixture files.
struct IntegrityParsingTests {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/Integrity"))
        return try Data(contentsOf: url)
    }

    @Test func `version.php of a 6.1 release reads as 6.1.9 en_US`() throws {
        #expect(CoreRelease.parse(try Self.fixture("version-6.1.9.php")) == CoreRelease(version: "6.1.9", locale: "en_US"))
    }

    @Test func `a localized package names its locale in $wp_local_package`() throws {
        #expect(CoreRelease.parse(try Self.fixture("version-de_DE.php")) == CoreRelease(version: "6.4.2", locale: "de_DE"))
    }

    @Test func `comments, conditional blocks and look-alike names are not the version; the last top-level assignment is`() throws {
        #expect(CoreRelease.parse(try Self.fixture("version-tricky.php"))?.version == "9.9")
    }

    @Test func `a version that is not a plain name is refused, since it ends up in URLs and file names`() throws {
        #expect(CoreRelease.parse(try Self.fixture("version-hostile.php")) == nil)
        #expect(CoreRelease.parse(Data("<?php $wp_version = get_version();".utf8)) == nil)
    }

    @Test func `core checksums: the flat shape, with MD5 values`() throws {
        let list = try ChecksumList.parseCore(try Self.fixture("core-checksums-flat.json"), version: "6.1.9", source: "test")
        #expect(list.count == 4)
        #expect(list["index.php"] == ExpectedDigest(md5: ["926dd0f95df723f9ed934eb058882cc8"]))
        #expect(list["index.php"]?.prefersSHA256 == false)
    }

    @Test func `core checksums keyed by version first`() throws {
        let list = try ChecksumList.parseCore(try Self.fixture("core-checksums-by-version.json"), version: "6.1.9", source: "test")
        #expect(Set(list.keys) == ["index.php", "wp-load.php"])
    }

    @Test func `no checksums for a release ("checksums": false) is an error that says so`() throws {
        #expect(throws: ChecksumList.ParseError.noChecksums(source: "test")) {
            try ChecksumList.parseCore(try Self.fixture("core-checksums-none.json"), version: "6.1.9", source: "test")
        }
        #expect(throws: ChecksumList.ParseError.notJSON(source: "test")) {
            try ChecksumList.parseCore(Data("<html>502</html>".utf8), version: "6.1.9", source: "test")
        }
    }

    @Test func `a path with .. refuses the whole list`() throws {
        #expect(throws: ChecksumList.ParseError.unsafePath(source: "test", path: "wp-includes/../../../../etc/cron.d/evil")) {
            try ChecksumList.parseCore(try Self.fixture("core-checksums-dotdot.json"), version: "6.1.9", source: "test")
        }
    }

    @Test(arguments: ["/etc/passwd", "../x", "a/./b", "a//b", "a/", "", "a\\b", "a\u{0}b", "wp-includes/.."])
    func `unsafe paths`(path: String) {
        #expect(!ChecksumList.isSafeRelativePath(path))
    }

    @Test(arguments: ["index.php", "wp-includes/js/dist/block-editor.js", ".htaccess", "wp-admin/css/colors/blue/colors-rtl.min.css"])
    func `plain paths`(path: String) {
        #expect(ChecksumList.isSafeRelativePath(path))
    }

    @Test func `a digest that is not hex is refused`() {
        #expect(throws: ChecksumList.ParseError.badDigest(source: "test", path: "index.php")) {
            try ChecksumList.parseCore(Data(#"{"checksums":{"index.php":"<script>"}}"#.utf8), version: "1", source: "test")
        }
    }

    @Test func `plugin checksums: md5 and sha256, single or several per file; SHA-256 is preferred`() throws {
        let list = try ChecksumList.parsePlugin(try Self.fixture("plugin-checksums.json"), source: "test")
        let readme = try #require(list["readme.txt"])
        #expect(readme.md5.count == 2 && readme.sha256.count == 2)
        #expect(readme.prefersSHA256)
        #expect(readme.matches(FileDigest(isSHA256: true, value: "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100")))
        #expect(!readme.matches(FileDigest(isSHA256: false, value: "0a1b2c3d4e5f60718293a4b5c6d7e8f8")))
    }

    @Test func `digests are those of PHP's md5() and hash('sha256')`() {
        #expect(FileDigest(Data("abc".utf8), sha256: false).value == "900150983cd24fb0d6963f7d28e17f72")
        #expect(FileDigest(Data("abc".utf8), sha256: true).value == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var hasher = FileDigest.Hasher(sha256: false)
        hasher.add(Data("a".utf8))
        hasher.add(Data("bc".utf8))
        #expect(hasher.finish().value == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func `injected-code patterns are found with their line, whatever the spacing and case`() {
        let source = Data("<?php\n// fine\n@EVAL ( base64_decode ( 'Zm9v' ) );\nassert($_POST['x']);\n$x = base64_decode('ok');\n".utf8)
        #expect(InjectedCode.scan(source) == [InjectedCode.Hit(line: 3, pattern: "eval(base64_decode("), InjectedCode.Hit(line: 4, pattern: "assert($_")])
        #expect(InjectedCode.scan(Data("<?php echo 'hello';\n".utf8)).isEmpty)
    }
}
