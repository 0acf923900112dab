import Testing
@testable import WPRescueKit

struct SitePathTests {
    @Test(arguments: [
        ("/var/www/html/", "/var/www/html"),
        ("/var/www/./html/../html//wp-content", "/var/www/html/wp-content"),
        ("/..", "/"),
    ])
    func `normalize folds dots and slashes`(input: String, expected: String) {
        #expect(SitePath.normalize(input) == expected)
    }

    @Test func `parent and name split the last component`() {
        #expect(SitePath.parent("/var/www/html/wp-config.php") == "/var/www/html")
        #expect(SitePath.name("/var/www/html/wp-config.php") == "wp-config.php")
        #expect(SitePath.parent("/wp-config.php") == "/")
    }

    @Test func `isInside does not confuse sibling prefixes`() {
        #expect(SitePath.isInside("/var/www/html/wp-content", root: "/var/www/html"))
        #expect(!SitePath.isInside("/var/www/html2", root: "/var/www/html"))
    }
}
