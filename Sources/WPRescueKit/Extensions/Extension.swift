import Foundation

/// A plugin or theme as wprescue sees it on disk.
public struct Extension: Equatable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// In WP_PLUGIN_DIR: a folder, or a single file such as hello.php.
        case plugin
        /// A PHP file in WPMU_PLUGIN_DIR, loaded on every request and not switchable in wp-admin.
        case mustUse = "must-use"
        /// A file in wp-content that replaces or extends core (object-cache.php, db.php, ...).
        case dropIn = "drop-in"
        case theme
    }

    public enum State: String, Sendable, Codable {
        /// In place, so WordPress loads it (if it is active in the database, for plugins and themes).
        case enabled
        /// Moved into wprescue's quarantine folder, so WordPress cannot load it.
        case disabled
    }

    /// Folder name, or file name without `.php`; drop-ins keep their file name.
    public var slug: String
    public var kind: Kind
    public var state: State
    /// From the plugin header or style.css; nil when the header is missing.
    public var name: String?
    public var version: String?
    /// For child themes: the parent theme's folder.
    public var parentTheme: String?
    /// Where it is now (the folder or file that moves).
    public var path: String
    /// Where it goes when enabled (for disabled entries) or disabled (for enabled entries).
    public var counterpartPath: String
    public var modified: Date
    /// For plugins: the entry WordPress's active_plugins option uses (`akismet/akismet.php`, `hello.php`).
    public var pluginFile: String?

    public init(slug: String, kind: Kind, state: State, name: String?, version: String?, parentTheme: String? = nil,
                path: String, counterpartPath: String, modified: Date, pluginFile: String? = nil) {
        self.slug = slug
        self.kind = kind
        self.state = state
        self.name = name
        self.version = version
        self.parentTheme = parentTheme
        self.path = path
        self.counterpartPath = counterpartPath
        self.modified = modified
        self.pluginFile = pluginFile
    }

    public var enabledPath: String { state == .enabled ? path : counterpartPath }
    public var disabledPath: String { state == .disabled ? path : counterpartPath }
}
