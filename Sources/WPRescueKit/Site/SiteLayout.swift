/// Where a WordPress site keeps its parts, as found by `SiteDiscovery`.
/// All paths are absolute, on the machine that holds the site.
public struct SiteLayout: Equatable, Sendable, Codable {
    /// ABSPATH: the folder holding wp-settings.php.
    public var root: String
    /// wp-config.php: in ABSPATH, or one level above it as WordPress allows.
    public var configFile: String
    /// WP_CONTENT_DIR, usually `root/wp-content`.
    public var contentDirectory: String
    /// WP_PLUGIN_DIR, usually `contentDirectory/plugins`.
    public var pluginDirectory: String
    /// WPMU_PLUGIN_DIR, usually `contentDirectory/mu-plugins`.
    public var mustUsePluginDirectory: String
    /// `contentDirectory/themes` (WordPress's default theme root).
    public var themeDirectory: String

    public init(root: String, configFile: String, contentDirectory: String, pluginDirectory: String,
                mustUsePluginDirectory: String, themeDirectory: String) {
        self.root = root
        self.configFile = configFile
        self.contentDirectory = contentDirectory
        self.pluginDirectory = pluginDirectory
        self.mustUsePluginDirectory = mustUsePluginDirectory
        self.themeDirectory = themeDirectory
    }

    /// The default layout for a site whose ABSPATH is `root`.
    public static func standard(root: String, configFile: String? = nil) -> SiteLayout {
        let content = SitePath.join(root, "wp-content")
        return SiteLayout(root: root, configFile: configFile ?? SitePath.join(root, "wp-config.php"),
                          contentDirectory: content, pluginDirectory: SitePath.join(content, "plugins"),
                          mustUsePluginDirectory: SitePath.join(content, "mu-plugins"),
                          themeDirectory: SitePath.join(content, "themes"))
    }

    /// The files WordPress loads straight from wp-content when present, each replacing or extending core.
    public static let dropInNames = [
        "advanced-cache.php", "object-cache.php", "db.php", "db-error.php", "maintenance.php",
        "php-error.php", "fatal-error-handler.php", "sunrise.php",
    ]
}
