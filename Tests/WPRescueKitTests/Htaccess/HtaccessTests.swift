import Foundation
import Testing
@testable import WPRescueKit

struct HtaccessRulesTests {
    /// What WordPress 6.1 wrote into a new .htaccess on the test bed (home at /).
    static let wordPressNewFile = """

        # BEGIN WordPress
        # The directives (lines) between "BEGIN WordPress" and "END WordPress" are
        # dynamically generated, and should only be modified via WordPress filters.
        # Any changes to the directives between these markers will be overwritten.
        <IfModule mod_rewrite.c>
        RewriteEngine On
        RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
        RewriteBase /
        RewriteRule ^index\\.php$ - [L]
        RewriteCond %{REQUEST_FILENAME} !-f
        RewriteCond %{REQUEST_FILENAME} !-d
        RewriteRule . /index.php [L]
        </IfModule>

        # END WordPress
        """

    @Test func `a new file is byte-for-byte what WordPress writes`() {
        let written = HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: nil), into: nil, clean: false)
        #expect(written == Self.wordPressNewFile)
    }

    @Test func `rewriting WordPress's own file changes nothing`() {
        let again = HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: nil), into: Self.wordPressNewFile, clean: false)
        #expect(again == Self.wordPressNewFile)
    }

    @Test func `a site in a subfolder gets its RewriteBase and index path`() {
        let rules = HtaccessRules.rules(homePath: HtaccessRules.homePath(fromURL: "https://example.com/blog?x=1"), multisite: nil)
        #expect(rules.contains("RewriteBase /blog/"))
        #expect(rules.contains("RewriteRule . /blog/index.php [L]"))
    }

    @Test(arguments: [("https://example.com", "/"), ("http://a.b/", "/"), ("https://a.b/x/y/", "/x/y/"), ("/blog", "/blog/")])
    func `home paths are slashed on both ends`(url: String, path: String) {
        #expect(HtaccessRules.homePath(fromURL: url) == path)
    }

    @Test func `multisite variants follow Network Setup`() {
        let subdirectory = HtaccessRules.rules(homePath: "/", multisite: .subdirectory)
        #expect(subdirectory.contains("RewriteRule ^([_0-9a-zA-Z-]+/)?wp-admin$ $1wp-admin/ [R=301,L]"))
        #expect(subdirectory.contains("RewriteRule ^([_0-9a-zA-Z-]+/)?(wp-(content|admin|includes).*) $2 [L]"))
        let subdomain = HtaccessRules.rules(homePath: "/", multisite: .subdomain)
        #expect(subdomain.contains("RewriteRule ^wp-admin$ wp-admin/ [R=301,L]"))
        #expect(subdomain.contains("RewriteRule ^(.*\\.php)$ $1 [L]"))
    }

    @Test func `everything outside the markers is kept, unless clean`() {
        let existing = "# security plugin\r\nOptions -Indexes\r\n# BEGIN WordPress\r\nbroken stuff\r\n# END WordPress\r\n# after\r\n"
        let kept = HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: nil), into: existing, clean: false)
        #expect(kept.hasPrefix("# security plugin\nOptions -Indexes\n# BEGIN WordPress\n"))
        #expect(kept.hasSuffix("# END WordPress\n# after\n"))
        #expect(!kept.contains("broken stuff"))
        let clean = HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: nil), into: existing, clean: true)
        #expect(clean == Self.wordPressNewFile)
    }
}

struct HtaccessCheckTests {
    @Test func `WordPress's own file has no findings`() {
        #expect(HtaccessCheck.findings(in: HtaccessRulesTests.wordPressNewFile).isEmpty)
    }

    @Test func `a misspelled directive is named with its line`() {
        let findings = HtaccessCheck.findings(in: "# added\nRewriteEngien On\n" + HtaccessRulesTests.wordPressNewFile)
        #expect(findings.map(\.line) == [2])
        #expect(findings.first?.problem.contains("RewriteEngien") == true)
    }

    @Test func `unbalanced sections are found`() {
        #expect(HtaccessCheck.findings(in: "<IfModule mod_rewrite.c>\nRewriteEngine On\n").map(\.problem) == ["<ifmodule> is never closed"])
        #expect(HtaccessCheck.findings(in: "</Files>\n").count == 1)
    }

    @Test func `garbage bytes are findings, not crashes`() {
        #expect(!HtaccessCheck.findings(in: "\u{0}\u{1}binary\n\u{FFFD}\u{FFFD}").isEmpty)
    }
}

struct LineDiffTests {
    @Test func `shows removed and added lines with context`() {
        let diff = LineDiff.unified(from: "a\nb\nc\nd\ne\nf\ng", to: "a\nb\nc\nD\ne\nf\ng", context: 1)
        #expect(diff == ["@@ line 3 @@", " c", "-d", "+D", " e"])
    }

    @Test func `identical texts have no diff`() {
        #expect(LineDiff.unified(from: "x\ny", to: "x\ny").isEmpty)
    }
}
