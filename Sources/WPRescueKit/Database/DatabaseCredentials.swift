import Foundation

/// DB_PASSWORD. Prints as a placeholder so it cannot reach output by accident.
public struct DatabasePassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "(hidden)" }
    public var debugDescription: String { "(hidden)" }

    /// `text` with every occurrence of the password replaced: server messages and stored
    /// values can echo it back.
    public func scrub(_ text: String) -> String {
        guard !value.isEmpty else { return text }
        return text.replacingOccurrences(of: value, with: "(hidden)")
    }
}

/// How WordPress reaches its database, from wp-config.php, possibly with the user's overrides.
public struct DatabaseCredentials: Sendable, Equatable {
    public var name: String
    public var user: String
    public var password: DatabasePassword
    public var host: DatabaseHost
    /// DB_CHARSET; nil or empty means the server's default.
    public var charset: String?
    /// `$table_prefix`, e.g. `wp_`.
    public var tablePrefix: String

    public init(name: String, user: String, password: DatabasePassword, host: DatabaseHost, charset: String? = nil,
                tablePrefix: String = "wp_") {
        self.name = name
        self.user = user
        self.password = password
        self.host = host
        self.charset = charset
        self.tablePrefix = tablePrefix
    }

    /// The constants WordPress needs to connect.
    public static let constantNames = ["DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST", "DB_CHARSET"]

    /// Builds credentials from the literal values of wp-config.php's constants (see
    /// `constantNames`) and `$table_prefix`. A constant missing from `constants` was either not
    /// defined or not defined with a plain string wprescue can read without running PHP.
    public init(constants: [String: String], tablePrefix: String?, configFile: String) throws(DatabaseSettingsError) {
        func required(_ constant: String) throws(DatabaseSettingsError) -> String {
            guard let value = constants[constant] else { throw .missingConstant(constant, configFile: configFile) }
            return value
        }
        self.init(name: try required("DB_NAME"), user: try required("DB_USER"),
                  password: DatabasePassword(try required("DB_PASSWORD")), host: DatabaseHost(parsing: try required("DB_HOST")),
                  charset: constants["DB_CHARSET"], tablePrefix: tablePrefix ?? "wp_")
        tablePrefixWasRead = tablePrefix != nil
    }

    /// False when `$table_prefix` could not be read and `wp_` was assumed.
    public var tablePrefixWasRead = true

    /// Why WordPress would refuse this prefix (wpdb::set_prefix), or nil when it is fine.
    public var tablePrefixProblem: String? {
        if tablePrefix.isEmpty { return "$table_prefix is empty, which WordPress refuses" }
        if tablePrefix.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }) {
            return "$table_prefix '\(tablePrefix)' has characters other than letters, digits and underscores, which WordPress refuses"
        }
        return nil
    }

    /// The full name of a core table, e.g. `options` → `wp_options`.
    public func table(_ base: String) -> String { tablePrefix + base }
}

/// Problems getting the database settings before any connection is tried.
public enum DatabaseSettingsError: Error, Equatable, LocalizedError {
    case missingConstant(String, configFile: String)

    public var errorDescription: String? {
        switch self {
        case .missingConstant(let constant, let configFile):
            let fix = switch constant {
            case "DB_PASSWORD": "set WPRESCUE_DB_PASSWORD in the environment (or use --ask-db-password)"
            case "DB_HOST": "pass --db-host"
            case "DB_USER": "pass --db-user"
            default: "pass --db-name"
            }
            return "\(constant) is not defined with a plain string in \(configFile), so wprescue cannot read it without running PHP; \(fix)."
        }
    }
}

extension DatabaseCredentials {
    /// What the user asked to use instead of wp-config.php's values (flags and environment).
    public struct Overrides: Sendable, Equatable {
        public var host: String?
        public var user: String?
        public var name: String?
        /// Only ever from the environment or a terminal prompt, never from the command line.
        public var password: DatabasePassword?

        public init(host: String? = nil, user: String? = nil, name: String? = nil, password: DatabasePassword? = nil) {
            self.host = host
            self.user = user
            self.name = name
            self.password = password
        }
    }

    /// The credentials WordPress uses on `site`, with `overrides` applied, and the settings they
    /// came from (for WP_HOME and WP_SITEURL).
    public static func read(from site: Site, overrides: Overrides = Overrides()) throws -> (credentials: DatabaseCredentials, settings: DatabaseSettings) {
        let settings = try DatabaseSettings.read(from: site)
        return (try DatabaseCredentials(settings: settings, overrides: overrides, configFile: site.layout.configFile), settings)
    }

    /// `settings` from wp-config.php with `overrides` applied.
    public init(settings: DatabaseSettings, overrides: Overrides, configFile: String) throws(DatabaseSettingsError) {
        var constants = settings.constants
        if let host = overrides.host { constants["DB_HOST"] = host }
        if let user = overrides.user { constants["DB_USER"] = user }
        if let name = overrides.name { constants["DB_NAME"] = name }
        if let password = overrides.password { constants["DB_PASSWORD"] = password.value }
        try self.init(constants: constants, tablePrefix: settings.tablePrefix, configFile: configFile)
    }
}
