import Testing
@testable import WPRescueKit

/// Real hosts' .htaccess files use modules beyond Apache's core: those lines are not typos,
/// and a repair keeps them.
struct HtaccessCheckRealWorldTests {
    static let hosted = """
        # BEGIN LSCACHE
        <IfModule LiteSpeed>
        CacheLookup on
        </IfModule>
        # END LSCACHE
        <IfModule mod_security2.c>
        SecRuleRemoveById 950901 981173
        SecRuleEngine Off
        </IfModule>
        suPHP_ConfigPath /home/account/public_html
        ModPagespeed off
        AuthType Basic
        AuthName "Staff"
        AuthUserFile /home/account/.htpasswd
        Require valid-user
        Header set Content-Security-Policy "default-src 'self'; \\
            img-src 'self' data:"
        RewriteEngien On
        """

    @Test func `module directives and line continuations are not reported; the typo is`() {
        let findings = HtaccessCheck.findings(in: Self.hosted)
        #expect(findings.map(\.line) == [18], "\(findings)")
        #expect(findings.first?.text == "RewriteEngien On")
    }

    @Test func `a directive continued over several lines is reported on its first line and turned off whole`() {
        let text = "Options -Indexes\nRewriteEngien On \\\n  [L]\n"
        let findings = HtaccessCheck.findings(in: text)
        #expect(findings.map(\.line) == [2])
        #expect(findings.first?.lastLine == 3)
        #expect(HtaccessCheck.disabling(findings, in: text) == """
            Options -Indexes
            # wprescue turned this line off (Apache refuses it): RewriteEngien On \\
            # wprescue turned this line off (Apache refuses it):   [L]

            """)
    }

    @Test func `turning off a line keeps every other line byte for byte`() {
        let findings = HtaccessCheck.findings(in: Self.hosted)
        let repaired = HtaccessCheck.disabling(findings, in: Self.hosted)
        let before = Self.hosted.split(separator: "\n", omittingEmptySubsequences: false)
        let after = repaired.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        for (index, line) in before.enumerated() where index != 17 { #expect(after[index] == line) }
        #expect(after[17] == "# wprescue turned this line off (Apache refuses it): RewriteEngien On")
    }
}
