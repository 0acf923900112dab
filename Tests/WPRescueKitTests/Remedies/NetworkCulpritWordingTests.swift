import Testing
@testable import WPRescueKit

/// What a rescue says about culprits on a multisite network: which sites each one was loaded on.
struct NetworkCulpritWordingTests {
    func site(_ id: Int, _ domain: String, _ path: String = "/") -> NetworkSite {
        NetworkSite(id: id, domain: domain, path: path, archived: false, spam: false, deleted: false,
                    optionsTable: id == 1 ? "wp_options" : "wp_\(id)_options", siteURL: nil, home: nil, activePlugins: nil, optionsError: nil)
    }

    @Test func `each culprit is named with the network or the sites that activated it`() {
        let activation = PluginActivation(network: ["plugin-fatal"], sites: [1: [], 2: ["white-screen"], 3: ["white-screen", "both"]],
                                          networkSites: [site(1, "example.test"), site(2, "shop.example.test"), site(3, "blog.example.test")],
                                          isNetwork: true)
        #expect(BisectPlugins.networkPlaces(of: ["plugin-fatal", "white-screen"], activation: activation)
            == "plugin-fatal: network-activated (every site); white-screen: activated by site 2 (shop.example.test/), site 3 (blog.example.test/)")
        #expect(BisectPlugins.networkPlaces(of: ["ghost"], activation: activation)?.contains("not active on any site") == true)
    }

    @Test func `a single site or an unknown activation says nothing more`() {
        #expect(BisectPlugins.networkPlaces(of: ["a"], activation: PluginActivation(sites: [1: ["a"]])) == nil)
        #expect(BisectPlugins.networkPlaces(of: ["a"], activation: nil) == nil)
    }
}
