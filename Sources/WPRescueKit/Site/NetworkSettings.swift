/// A multisite network as wp-config.php declares it: MULTISITE, SUBDOMAIN_INSTALL and the
/// main site's address (DOMAIN_CURRENT_SITE, PATH_CURRENT_SITE), as ms-settings.php reads them.
public struct NetworkSettings: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// Sites at example.com/shop/.
        case subdirectory
        /// Sites at shop.example.com.
        case subdomain
    }

    public var kind: Kind
    /// DOMAIN_CURRENT_SITE; nil when not a plain string.
    public var domain: String?
    /// PATH_CURRENT_SITE; nil when not a plain string.
    public var path: String?
    /// SITE_ID_CURRENT_SITE: the network's row in wp_site and its site_id in wp_sitemeta (1 unless set).
    public var networkID: Int

    public init(kind: Kind, domain: String? = nil, path: String? = nil, networkID: Int = 1) {
        self.kind = kind
        self.domain = domain
        self.path = path
        self.networkID = networkID
    }

    /// The network wp-config.php declares, nil for a single site (MULTISITE not true).
    public static func declared(in config: WPConfigFile) -> NetworkSettings? {
        guard config.value(of: "MULTISITE")?.boolValue == true else { return nil }
        var networkID = 1
        if case .int(let id)? = config.value(of: "SITE_ID_CURRENT_SITE"), id > 0 { networkID = id }
        return NetworkSettings(kind: config.value(of: "SUBDOMAIN_INSTALL")?.boolValue == true ? .subdomain : .subdirectory,
                               domain: config.value(of: "DOMAIN_CURRENT_SITE")?.stringValue,
                               path: config.value(of: "PATH_CURRENT_SITE")?.stringValue, networkID: networkID)
    }

    /// The network of `site`, nil for a single site or when wp-config.php cannot be read.
    public static func declared(by site: Site) -> NetworkSettings? {
        (try? SiteConfig.read(site)).flatMap(declared(in:))
    }
}
