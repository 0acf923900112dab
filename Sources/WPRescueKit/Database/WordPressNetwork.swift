import Foundation

/// One site of a multisite network: its row in `<prefix>blogs` and the options WordPress
/// reads from its own options table.
public struct NetworkSite: Equatable, Sendable {
    public var id: Int
    public var domain: String
    public var path: String
    public var archived: Bool
    public var spam: Bool
    public var deleted: Bool
    /// `<prefix>options` for the main site (blog 1), `<prefix>N_options` for the others.
    public var optionsTable: String
    /// siteurl and home as stored; nil when missing (or when the options table could not be read).
    public var siteURL: String?
    public var home: String?
    /// The stored active_plugins value; nil when missing.
    public var activePlugins: String?
    /// Why the options table could not be read, nil when it was.
    public var optionsError: String?

    /// The address wp_blogs gives the site, as a visitor types it (no scheme).
    public var address: String { domain + path }

    /// True when WordPress serves the site (not archived, spam or deleted).
    public var isLive: Bool { !archived && !spam && !deleted }
}

/// Reading a multisite network's own tables (`<prefix>blogs`, `<prefix>sitemeta`) and each
/// site's options, the way ms-load.php and get_site_option() find them. Reads only.
public enum WordPressNetwork {
    /// The options table of site `id` (`wp_options` for the main site, `wp_2_options`...).
    public static func optionsTable(site id: Int, tablePrefix: String) -> String {
        id == 1 ? tablePrefix + "options" : "\(tablePrefix)\(id)_options"
    }

    /// Every site of network `networkID`, in blog_id order, each with its siteurl, home and active_plugins.
    /// Throws when `<prefix>blogs` cannot be read; a site whose options cannot be read carries the error.
    public static func sites(in database: WordPressDatabase, tablePrefix: String, networkID: Int = 1) throws -> [NetworkSite] {
        let blogs = try database.query(
            "SELECT blog_id, domain, path, archived, spam, deleted FROM \(SQLText.identifier(tablePrefix + "blogs")) "
                + "WHERE site_id = \(networkID) ORDER BY blog_id")
        var sites: [NetworkSite] = []
        for row in blogs.rows.indices {
            guard let id = blogs.value("blog_id", row: row).flatMap({ Int($0) }) else { continue }
            func flag(_ column: String) -> Bool { (blogs.value(column, row: row).flatMap { Int($0) } ?? 0) != 0 }
            var site = NetworkSite(id: id, domain: blogs.value("domain", row: row) ?? "", path: blogs.value("path", row: row) ?? "/",
                                   archived: flag("archived"), spam: flag("spam"), deleted: flag("deleted"),
                                   optionsTable: optionsTable(site: id, tablePrefix: tablePrefix))
            do {
                let values = try WordPressOptions.read(["siteurl", "home", "active_plugins"], from: database, table: site.optionsTable)
                site.siteURL = values["siteurl"]
                site.home = values["home"]
                site.activePlugins = values["active_plugins"]
            } catch let error as DatabaseError {
                site.optionsError = "error \(error.code): \(error.serverMessage)"
            } catch {
                site.optionsError = error.localizedDescription
            }
            sites.append(site)
        }
        return sites
    }

    /// The stored active_sitewide_plugins site option of network `networkID`; nil when there is none.
    public static func storedSitewidePlugins(in database: WordPressDatabase, tablePrefix: String, networkID: Int = 1) throws -> String? {
        let result = try database.query(
            "SELECT meta_value FROM \(SQLText.identifier(tablePrefix + "sitemeta")) "
                + "WHERE meta_key = \(SQLText.literal("active_sitewide_plugins")) AND site_id = \(networkID) ORDER BY meta_id LIMIT 1")
        guard !result.rows.isEmpty else { return nil }
        return result.value("meta_value", row: 0) ?? ""
    }

    /// The plugin files of a stored active_sitewide_plugins value: an array keyed by plugin
    /// file (`akismet/akismet.php` => activation time), unlike active_plugins' list.
    public static func sitewidePlugins(fromStored stored: String) -> Result<[String], WordPressOptions.Damage> {
        let consequence = "WordPress activates no plugin for the whole network from it; network-activating a plugin writes it anew."
        switch WordPressOptionValue(stored: stored) {
        case .plain(let text):
            // WordPress stores an empty array when nothing is network-active; anything else plain is damage.
            return .failure(WordPressOptions.Damage(option: "active_sitewide_plugins",
                                                    detail: text.isEmpty ? "it is empty" : "it is not serialized PHP data",
                                                    consequence: consequence))
        case .corrupt(let error):
            return .failure(WordPressOptions.Damage(option: "active_sitewide_plugins", detail: "PHP cannot unserialize it: \(error)",
                                                    consequence: consequence))
        case .serialized(let value):
            guard let entries = value.arrayEntries else {
                return .failure(WordPressOptions.Damage(option: "active_sitewide_plugins",
                                                        detail: "it holds \(value.kindDescription), not an array", consequence: consequence))
            }
            return .success(entries.map { $0.key.description })
        }
    }
}

/// Where each plugin is active: on a single site, its active_plugins; on a network, the
/// plugins active for the whole network and those each site activated itself.
public struct PluginActivation: Equatable, Sendable {
    /// Slugs network-activated (active_sitewide_plugins); empty on a single site.
    public var network: Set<String>
    /// Slugs in each site's active_plugins, by blog id (1 alone on a single site).
    public var sites: [Int: Set<String>]
    /// The network's sites (empty on a single site), for naming them.
    public var networkSites: [NetworkSite]
    public var isNetwork: Bool

    public init(network: Set<String> = [], sites: [Int: Set<String>], networkSites: [NetworkSite] = [], isNetwork: Bool = false) {
        self.network = network
        self.sites = sites
        self.networkSites = networkSites
        self.isNetwork = isNetwork
    }

    /// Active anywhere: for the network or on at least one site.
    public func isActive(_ slug: String) -> Bool {
        network.contains(slug) || sites.values.contains { $0.contains(slug) }
    }

    /// The sites (blog ids, ascending) that activated `slug` themselves.
    public func sitesActivating(_ slug: String) -> [Int] {
        sites.filter { $0.value.contains(slug) }.map(\.key).sorted()
    }

    /// Reads the activation of a single site or, with `network`, of the network and every site in it.
    /// Throws `WordPressOptions.Damage` when the main option is unreadable, `DatabaseError` when the database is.
    public static func read(in database: WordPressDatabase, tablePrefix: String, network: NetworkSettings?) throws -> PluginActivation {
        guard let network else {
            return PluginActivation(sites: [1: Set(try WordPressOptions.activePluginSlugs(in: database, tablePrefix: tablePrefix))])
        }
        var sitewide: Set<String> = []
        if let stored = try WordPressNetwork.storedSitewidePlugins(in: database, tablePrefix: tablePrefix, networkID: network.networkID) {
            sitewide = Set(try WordPressNetwork.sitewidePlugins(fromStored: stored).get().map(WordPressOptions.pluginSlug(fromActiveEntry:)))
        }
        let networkSites = try WordPressNetwork.sites(in: database, tablePrefix: tablePrefix, networkID: network.networkID)
        var sites: [Int: Set<String>] = [:]
        for site in networkSites {
            guard let stored = site.activePlugins, case .success(let files) = WordPressOptions.activePlugins(fromStored: stored) else { continue }
            sites[site.id] = Set(files.filter { $0.hasSuffix(".php") }.map(WordPressOptions.pluginSlug(fromActiveEntry:)))
        }
        return PluginActivation(network: sitewide, sites: sites, networkSites: networkSites, isNetwork: true)
    }
}
