import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// diagnose on a multisite network's files: the .htaccess block must be the network's.
struct NetworkDiagnosisTests {
    static let subdirectory = """
        define( 'MULTISITE', true );
        define( 'SUBDOMAIN_INSTALL', false );
        define( 'DOMAIN_CURRENT_SITE', 'example.org' );
        define( 'PATH_CURRENT_SITE', '/' );
        """

    func diagnose(config extra: String, htaccessFor multisite: HtaccessRules.Multisite?) throws -> Diagnostician.Diagnosis {
        let (fixture, site) = try openFixtureSite()
        try fixture.write("wp-config.php", FixtureSite.config(extra: extra))
        try fixture.write(".htaccess", HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: multisite), into: nil, clean: false))
        var options = Diagnostician.Options()
        options.urls = ["https://example.org/"]
        options.searchServerLogs = false
        return Diagnostician(site: site, prober: Prober(fetcher: RuleFetcher { _ in FixturePages.ok }), options: options,
                             databaseCheck: { [] }).diagnose()
    }

    @Test func `a network with the single-site .htaccess block is told to regenerate it`() throws {
        let finding = try #require(try diagnose(config: Self.subdirectory, htaccessFor: nil).findings.first { $0.id == .htaccessSingleSite })
        #expect(finding.summary.contains("subdirectory network"))
        #expect(finding.fix == "wprescue htaccess regenerate")
    }

    @Test(arguments: [(subdirectory, HtaccessRules.Multisite.subdirectory),
                      ("define( 'MULTISITE', true );\ndefine( 'SUBDOMAIN_INSTALL', true );", .subdomain)])
    func `a network with its own rules has no such finding`(config: String, rules: HtaccessRules.Multisite) throws {
        #expect(!(try diagnose(config: config, htaccessFor: rules).findings.contains { $0.id == .htaccessSingleSite }))
    }

    @Test func `a subdomain network with subdirectory rules is told too, a single site never`() throws {
        #expect(try diagnose(config: "define( 'MULTISITE', true );\ndefine( 'SUBDOMAIN_INSTALL', true );", htaccessFor: .subdirectory)
            .findings.contains { $0.id == .htaccessSingleSite })
        #expect(!(try diagnose(config: "", htaccessFor: nil).findings.contains { $0.id == .htaccessSingleSite }))
    }
}
