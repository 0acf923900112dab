import Foundation
import Testing
@testable import WPRescueKit

struct DebugLogScanTests {
    let layout = SiteLayout.standard(root: "/srv/site")

    @Test func `reads PHP's timestamp in the zone it names`() throws {
        let time = try #require(DebugLogScan.timestamp(of: "[21-Nov-2026 12:00:00 UTC] PHP Fatal error: x"))
        #expect(time == Date(timeIntervalSince1970: 1_795_262_400))
        #expect(DebugLogScan.timestamp(of: "PHP Fatal error: no stamp") == nil)
    }

    @Test func `finds the plugin in a folder, a single-file plugin, a must-use plugin and a theme`() {
        let text = """
            PHP Fatal error:  Uncaught Error in /srv/site/wp-content/plugins/shop/includes/cart.php:10
            PHP Fatal error:  Uncaught Error in /srv/site/wp-content/plugins/hello.php on line 3
            PHP Fatal error:  Uncaught Error in /srv/site/wp-content/mu-plugins/loader.php:2
            PHP Fatal error:  Uncaught Error in /srv/site/wp-content/themes/child/functions.php(12)
            PHP Warning:  not fatal in /srv/site/wp-content/plugins/other/x.php:1
            """
        let found = DebugLogScan.fatalErrors(in: text, layout: layout, since: nil)
        #expect(found.map(\.plugin) == ["shop", "hello", nil, nil])
        #expect(found.map(\.mustUsePlugin) == [nil, nil, "loader", nil])
        #expect(found.map(\.theme) == [nil, nil, nil, "child"])
        #expect(found.first?.text == "PHP Fatal error:  Uncaught Error in wp-content/plugins/shop/includes/cart.php:10")
    }

    @Test func `a quarantined plugin is not taken for an enabled one`() {
        let line = "PHP Fatal error: x in /srv/site/wp-content/wprescue-quarantine/plugins/shop/shop.php:1"
        #expect(DebugLogScan.fatalErrors(in: line, layout: layout, since: nil).first?.plugin == nil)
    }
}
