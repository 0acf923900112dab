import Foundation
import Testing
@testable import WPRescueKit

/// Multisite: wp-config.php's declaration, the network's tables and each site's options.
struct NetworkTests {
    static let sitewide = #"a:1:{s:19:"akismet/akismet.php";i:1700000000;}"#

    /// A subdirectory network at example.com with a shop at /shop/, as WordPress stores it.
    static func network() -> FakeWordPressDatabase {
        let database = FakeWordPressDatabase()
        database.options["home"] = ("http://example.com", "yes")
        database.options["siteurl"] = ("http://example.com", "yes")
        database.options["active_plugins"] = (#"a:1:{i:0;s:9:"hello.php";}"#, "yes")
        database.blogs = [(1, "example.com", "/", false, false, false), (2, "example.com", "/shop/", false, false, false)]
        database.siteOptionTables["wp_2_options"] = [
            "home": "http://example.com/shop", "siteurl": "http://example.com/shop",
            "active_plugins": #"a:1:{i:0;s:13:"shop/shop.php";}"#,
        ]
        database.sitewidePlugins = sitewide
        return database
    }

    static let settings = NetworkSettings(kind: .subdirectory, domain: "example.com", path: "/")

    static func run(_ database: FakeWordPressDatabase, network: NetworkSettings? = settings) -> DatabaseReport {
        DatabaseCheckup(credentials: DatabaseCheckupTests.credentials(),
                        options: DatabaseCheckup.Options(installedThemes: ["twentytwentythree"], network: network))
            .run(using: FakeConnector(database: database)).report
    }

    @Test(arguments: [
        ("define( 'MULTISITE', true );\ndefine( 'SUBDOMAIN_INSTALL', false );\ndefine( 'DOMAIN_CURRENT_SITE', 'example.com' );\ndefine( 'PATH_CURRENT_SITE', '/' );",
         NetworkSettings(kind: .subdirectory, domain: "example.com", path: "/")),
        ("define( 'MULTISITE', true );\ndefine( 'SUBDOMAIN_INSTALL', true );\ndefine( 'SITE_ID_CURRENT_SITE', 3 );",
         NetworkSettings(kind: .subdomain, networkID: 3)),
        ("define( 'MULTISITE', false );", nil),
        ("define( 'WP_ALLOW_MULTISITE', true );", nil),
    ])
    func `wp-config.php declares a network with MULTISITE and SUBDOMAIN_INSTALL`(definitions: String, expected: NetworkSettings?) throws {
        let config = try WPConfigFile(data: Data("<?php\n\(definitions)\n$table_prefix = 'wp_';\n".utf8))
        #expect(NetworkSettings.declared(in: config) == expected)
    }

    @Test func `network-activated plugins come from the sitemeta array's keys, per-site ones from each site's options`() throws {
        let activation = try PluginActivation.read(in: Self.network(), tablePrefix: "wp_", network: Self.settings)
        #expect(activation.isNetwork)
        #expect(activation.network == ["akismet"])
        #expect(activation.sitesActivating("hello") == [1])
        #expect(activation.sitesActivating("shop") == [2])
        #expect(activation.sitesActivating("akismet") == [])
        #expect(activation.isActive("akismet") && activation.isActive("shop") && !activation.isActive("gone"))
        #expect(activation.networkSites.map(\.address) == ["example.com/", "example.com/shop/"])
    }

    @Test func `a single site reads only its own active_plugins`() throws {
        let database = FakeWordPressDatabase()
        let activation = try PluginActivation.read(in: database, tablePrefix: "wp_", network: nil)
        #expect(!activation.isNetwork && activation.network.isEmpty)
        #expect(activation.sites == [1: ["akismet", "hello"]])
        #expect(!database.statements.contains { $0.contains("sitemeta") || $0.contains("blogs") })
    }

    @Test(arguments: ["", "a:1:{s:19:\"akismet/akismet.php\";i:17", "s:3:\"abc\";"])
    func `a damaged active_sitewide_plugins is a network problem that says what WordPress does`(stored: String) throws {
        #expect(throws: WordPressOptions.Damage.self) { try WordPressNetwork.sitewidePlugins(fromStored: stored).get() }
        let database = Self.network()
        database.sitewidePlugins = stored
        let check = try #require(Self.run(database).check(.network))
        #expect(check.status == .problem)
        #expect(check.summary.hasPrefix("The active_sitewide_plugins site option is damaged"))
        #expect(!check.summary.contains(".."))
    }

    @Test func `a healthy network passes both network checks and names its network-activated plugins`() throws {
        let report = Self.run(Self.network())
        let network = try #require(report.check(.network))
        #expect(network.status == .ok, "\(network.summary)")
        #expect(network.evidence.contains("1 network-activated: akismet/akismet.php"))
        let sites = try #require(report.check(.networkSites))
        #expect(sites.status == .ok, "\(sites.summary)")
        #expect(sites.evidence.contains { $0.hasPrefix("site 2 (example.com/shop/): home 'http://example.com/shop'") })
    }

    @Test func `a site whose home is not where wp_blogs puts it is a problem naming the site`() throws {
        let database = Self.network()
        database.siteOptionTables["wp_2_options"]?["home"] = "http://example.com/store"
        let check = try #require(Self.run(database).check(.networkSites))
        #expect(check.status == .problem)
        #expect(check.summary.contains("Site 2 (example.com/shop/): home is http://example.com/store"))
        #expect(!check.summary.contains("siteurl"), "siteurl's path is not compared: WordPress may live in a subfolder")

        let moved = Self.network()
        moved.siteOptionTables["wp_2_options"]?["siteurl"] = "http://old.example.net/shop"
        #expect(try #require(Self.run(moved).check(.networkSites)).summary.contains("siteurl is http://old.example.net/shop"))
    }

    @Test func `a domain with a port, as HTTP_HOST carries it, is compared with the home's port`() throws {
        let database = Self.network()
        database.blogs = [(1, "example.com:8080", "/", false, false, false), (2, "example.com:8080", "/shop/", false, false, false)]
        database.options["home"] = ("http://example.com:8080", "yes")
        database.options["siteurl"] = ("http://example.com:8080", "yes")
        database.siteOptionTables["wp_2_options"]?["home"] = "http://example.com:8080/shop"
        database.siteOptionTables["wp_2_options"]?["siteurl"] = "http://example.com:8080/shop"
        let ported = NetworkSettings(kind: .subdirectory, domain: "example.com:8080", path: "/")
        let report = Self.run(database, network: ported)
        #expect(report.check(.network)?.status == .ok)
        #expect(report.check(.networkSites)?.status == .ok, "\(report.check(.networkSites)?.summary ?? "")")

        database.siteOptionTables["wp_2_options"]?["home"] = "http://example.com/shop"
        let check = try #require(Self.run(database, network: ported).check(.networkSites))
        #expect(check.status == .problem)
        #expect(check.summary.contains("Site 2 (example.com:8080/shop/): home is http://example.com/shop"))
    }

    @Test func `a site without its options table is a problem, an archived one is skipped`() throws {
        let database = Self.network()
        database.blogs.append((3, "example.com", "/blog/", false, false, false))
        database.blogs.append((4, "example.com", "/old/", true, false, false))
        let check = try #require(Self.run(database).check(.networkSites))
        #expect(check.status == .problem)
        #expect(check.summary.contains("Site 3 (example.com/blog/): its options table wp_3_options cannot be read"))
        #expect(!check.summary.contains("site 4"))
        #expect(check.evidence.contains("site 4 (example.com/old/): archived, not served"))
    }

    @Test func `a main site missing from wp_blogs, or no wp_blogs at all, is a network problem`() throws {
        let elsewhere = NetworkSettings(kind: .subdirectory, domain: "www.example.com", path: "/")
        let missingMain = try #require(Self.run(Self.network(), network: elsewhere).check(.network))
        #expect(missingMain.status == .problem)
        #expect(missingMain.summary.contains("No site in wp_blogs is at www.example.com/"))

        let database = Self.network()
        database.failures["SELECT blog_id"] = FakeWordPressDatabase.error(1146, "Table 'wordpress.wp_blogs' doesn't exist")
        let report = Self.run(database)
        let check = try #require(report.check(.network))
        #expect(check.status == .problem)
        #expect(check.summary.contains("MULTISITE on but WordPress cannot read wp_blogs"))
        #expect(report.check(.networkSites) == nil)
    }

    @Test func `diagnose hears of network problems as database findings`() throws {
        let database = Self.network()
        database.siteOptionTables["wp_2_options"]?["home"] = "http://example.com/store"
        let findings = DatabaseFindings.findings(from: Self.run(database))
        #expect(findings.contains { $0.severity == .critical && $0.summary.contains("Site 2 (example.com/shop/)") })
    }
}
