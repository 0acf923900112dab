import Foundation

/// The database settings in wp-config.php: literal DB_* constants (plus WP_HOME and WP_SITEURL)
/// and `$table_prefix`.
public struct DatabaseSettings: Equatable, Sendable {
    /// Constant name → value, for constants defined with a plain string.
    public var constants: [String: String]
    public var tablePrefix: String?

    public init(constants: [String: String], tablePrefix: String?) {
        self.constants = constants
        self.tablePrefix = tablePrefix
    }

    public static let constantNames = DatabaseCredentials.constantNames + ["WP_HOME", "WP_SITEURL"]

    /// Reads the settings from the site's wp-config.php.
    public static func read(from site: Site) throws -> DatabaseSettings {
        do {
            return read(wpConfig: try SiteConfig.contents(site))
        } catch {
            throw SiteError.unreadableConfig(path: site.layout.configFile, detail: error.localizedDescription)
        }
    }

    /// Reads the settings from wp-config.php's bytes, through the real PHP lexer. A file
    /// that is not PHP yields no settings (the connection check then says what is missing).
    public static func read(wpConfig contents: Data) -> DatabaseSettings {
        guard let config = try? WPConfigFile(data: contents) else { return DatabaseSettings(constants: [:], tablePrefix: nil) }
        var constants: [String: String] = [:]
        for name in constantNames { constants[name] = config.value(of: name)?.stringValue }
        return DatabaseSettings(constants: constants, tablePrefix: config.tablePrefix?.value.stringValue)
    }
}
