/// Where a WordPress site keeps its parts, as found by `SiteDiscovery`.
/// All paths are absolute, on the machine that holds the site.
public struct SiteLayout: Equatable, Sendable, Codable {
    /// ABSPATH: the folder holding wp-settings.php.
    public var root: String
    /// wp-config.php: in ABSPATH, or one level above it as WordPress allows. It may be a
    /// symbolic link (a deploy's `shared/wp-config.php`): reads go through it.
    public var configFile: String
    /// When `configFile` is a symbolic link to a regular file: that file, every link resolved.
    /// Edits write it, so the link stays a link (see `configWritePath()`).
    public var configTarget: String?
    /// WP_CONTENT_DIR, usually `root/wp-content`.
    public var contentDirectory: String
    /// WP_PLUGIN_DIR, usually `contentDirectory/plugins`.
    public var pluginDirectory: String
    /// WPMU_PLUGIN_DIR, usually `contentDirectory/mu-plugins`.
    public var mustUsePluginDirectory: String
    /// `contentDirectory/themes` (WordPress's default theme root).
    public var themeDirectory: String
    /// `ABSPATH/UPLOADS` when wp-config.php defines UPLOADS; nil: `contentDirectory/uploads`.
    public var customUploadsDirectory: String?
    /// A Bedrock project: its settings are in config/ and .env, not in wp-config.php.
    public var bedrock: BedrockLayout?

    public init(root: String, configFile: String, contentDirectory: String, pluginDirectory: String,
                mustUsePluginDirectory: String, themeDirectory: String, configTarget: String? = nil,
                customUploadsDirectory: String? = nil) {
        self.root = root
        self.configFile = configFile
        self.configTarget = configTarget
        self.customUploadsDirectory = customUploadsDirectory
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

    /// The folder the web server serves: ABSPATH, or Bedrock's web/ (where .htaccess goes).
    public var documentRoot: String { bedrock?.webRoot ?? root }

    /// Where WordPress puts uploads (wp_upload_dir()'s basedir, without the per-site folders of a network).
    public var uploadsDirectory: String { customUploadsDirectory ?? SitePath.join(contentDirectory, "uploads") }

    /// The file an edit of wp-config.php writes: `configFile`, or the file its link points to
    /// when that file belongs to the site (inside the root, or in a deploy's shared folder).
    /// A link elsewhere is refused: wprescue does not write outside the site on a link's say-so.
    public func configWritePath() throws -> String {
        guard let target = configTarget else { return configFile }
        guard SiteLinks.allows(target: target, siteRoot: root) else {
            throw SiteError.configLinkOutsideSite(link: configFile, target: target)
        }
        return target
    }

    /// The files WordPress loads straight from wp-content when present, each replacing or extending core.
    public static let dropInNames = [
        "advanced-cache.php", "object-cache.php", "db.php", "db-error.php", "maintenance.php",
        "php-error.php", "fatal-error-handler.php", "sunrise.php",
    ]
}
