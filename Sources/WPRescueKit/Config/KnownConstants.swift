import Foundation

/// What WordPress expects in the constants it reads, so `config set WP_DEBUG false` writes
/// the boolean `false` and `config set WP_MEMORY_LIMIT lots` is refused before it breaks a site.
public enum KnownConstants {
    /// The values one constant accepts.
    public struct ValueType: Equatable, Sendable {
        public var allowsBool: Bool
        public var allowsInt: Bool
        public var allowsNull: Bool
        /// nil when strings are not accepted.
        public var stringFormat: StringFormat?
        /// What is accepted, for messages: "true or false".
        public var summary: String

        public init(allowsBool: Bool = false, allowsInt: Bool = false, allowsNull: Bool = false,
                    stringFormat: StringFormat? = nil, summary: String) {
            self.allowsBool = allowsBool
            self.allowsInt = allowsInt
            self.allowsNull = allowsNull
            self.stringFormat = stringFormat
            self.summary = summary
        }
    }

    public enum StringFormat: Equatable, Sendable {
        case any
        case nonEmpty
        /// PHP's shorthand: `256M`, `1G`, `512K`, a byte count, or `-1` for no limit.
        case memorySize
        /// An `http://` or `https://` address with a host.
        case url
        /// A file-system path.
        case path
        /// One of a fixed set of words, matched case-insensitively and written as listed.
        case oneOf([String])
    }

    static let boolean = ValueType(allowsBool: true, summary: "true or false")
    static let integer = ValueType(allowsInt: true, summary: "a whole number")
    static let memorySize = ValueType(stringFormat: .memorySize, summary: "a memory size such as 256M or 1G, or -1 for no limit")
    static let url = ValueType(stringFormat: .url, summary: "an address starting with http:// or https://")
    static let path = ValueType(stringFormat: .path, summary: "a path to a folder")
    static let anyString = ValueType(stringFormat: .any, summary: "a string")
    static let nonEmptyString = ValueType(stringFormat: .nonEmpty, summary: "a non-empty string")

    static let table: [String: ValueType] = {
        var table: [String: ValueType] = [:]
        for name in ["WP_DEBUG", "SCRIPT_DEBUG", "WP_CACHE", "DISALLOW_FILE_EDIT", "DISALLOW_FILE_MODS",
                     "AUTOMATIC_UPDATER_DISABLED", "MULTISITE", "SUBDOMAIN_INSTALL", "WP_ALLOW_MULTISITE",
                     "FORCE_SSL_ADMIN", "FORCE_SSL_LOGIN", "CONCATENATE_SCRIPTS", "COMPRESS_CSS", "COMPRESS_SCRIPTS",
                     "ENFORCE_GZIP", "WP_DISABLE_FATAL_ERROR_HANDLER", "SAVEQUERIES", "DISABLE_WP_CRON",
                     "ALTERNATE_WP_CRON", "WP_HTTP_BLOCK_EXTERNAL", "IMAGE_EDIT_OVERWRITE", "WP_ALLOW_REPAIR",
                     "DO_NOT_UPGRADE_GLOBAL_TABLES", "CORE_UPGRADE_SKIP_NEW_BUNDLED", "MEDIA_TRASH", "RELOCATE"] {
            table[name] = boolean
        }
        // null leaves PHP's display_errors setting alone, which WordPress documents as a choice.
        table["WP_DEBUG_DISPLAY"] = ValueType(allowsBool: true, allowsNull: true, summary: "true, false or null")
        table["WP_DEBUG_LOG"] = ValueType(allowsBool: true, stringFormat: .path,
                                          summary: "true, false or the path of the log file")
        table["WP_AUTO_UPDATE_CORE"] = ValueType(
            allowsBool: true, stringFormat: .oneOf(["minor", "beta", "rc", "development", "branch-development"]),
            summary: "true, false, minor, beta, rc, development or branch-development")
        table["WP_POST_REVISIONS"] = ValueType(allowsBool: true, allowsInt: true,
                                               summary: "true, false or the number of revisions to keep")
        for name in ["EMPTY_TRASH_DAYS", "AUTOSAVE_INTERVAL", "WP_CRON_LOCK_TIMEOUT", "SITE_ID_CURRENT_SITE",
                     "BLOG_ID_CURRENT_SITE"] {
            table[name] = integer
        }
        table["WP_MEMORY_LIMIT"] = memorySize
        table["WP_MAX_MEMORY_LIMIT"] = memorySize
        for name in ["WP_HOME", "WP_SITEURL", "WP_CONTENT_URL", "WP_PLUGIN_URL", "WPMU_PLUGIN_URL"] {
            table[name] = url
        }
        for name in ["WP_CONTENT_DIR", "WP_PLUGIN_DIR", "WPMU_PLUGIN_DIR", "WP_TEMP_DIR", "WP_LANG_DIR", "ABSPATH", "UPLOADS"] {
            table[name] = path
        }
        for name in ["DB_NAME", "DB_USER", "DB_HOST", "DB_CHARSET", "DOMAIN_CURRENT_SITE", "WP_DEFAULT_THEME"] {
            table[name] = nonEmptyString
        }
        for name in ["DB_PASSWORD", "DB_COLLATE", "PATH_CURRENT_SITE", "COOKIE_DOMAIN", "WPLANG", "NOBLOGREDIRECT"] + saltNames {
            table[name] = anyString
        }
        table["FS_METHOD"] = ValueType(stringFormat: .oneOf(["direct", "ssh2", "ftpext", "ftpsockets"]),
                                       summary: "direct, ssh2, ftpext or ftpsockets")
        table["WP_ENVIRONMENT_TYPE"] = ValueType(stringFormat: .oneOf(["local", "development", "staging", "production"]),
                                                 summary: "local, development, staging or production")
        table["WP_DEVELOPMENT_MODE"] = ValueType(stringFormat: .oneOf(["core", "plugin", "theme", "all", ""]),
                                                 summary: "core, plugin, theme, all or an empty string")
        return table
    }()

    /// The eight authentication keys and salts from https://api.wordpress.org/secret-key/1.1/salt/.
    public static let saltNames = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
                                   "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"]

    /// Constants whose values are credentials and must never be shown or logged in full.
    public static let secretNames: Set<String> = Set(["DB_PASSWORD"] + saltNames)

    /// The accepted values of a constant WordPress knows, or nil for any other name.
    public static func valueType(of name: String) -> ValueType? {
        table[name]
    }

    /// True for the known secrets and for any name that reads like one (ending in `_KEY`,
    /// `_SALT`, `PASSWORD`, `_PASS`, `SECRET` or `TOKEN`): plugins keep API keys in wp-config.php too.
    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        if secretNames.contains(upper) { return true }
        return ["_KEY", "_SALT", "PASSWORD", "_PASS", "SECRET", "TOKEN"].contains { upper.hasSuffix($0) }
            || upper.contains("PASSWORD")
    }

    /// What `config list` shows in place of a secret's value: fixed, so it reveals nothing, not even the length.
    public static let mask = "********"

    /// `source` for ordinary constants, the mask for secrets.
    public static func displaySource(_ source: String, forConstant name: String) -> String {
        isSecret(name) ? mask : source
    }

    static func validate(_ text: String, as format: StringFormat) -> String? {
        switch format {
        case .any:
            return text
        case .nonEmpty:
            return text.isEmpty ? nil : text
        case .memorySize:
            return PHPMemorySize(text) == nil ? nil : text
        case .url:
            guard !text.contains(where: \.isWhitespace),
                  let components = URLComponents(string: text),
                  let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = components.host, !host.isEmpty else { return nil }
            return text
        case .path:
            return text.isEmpty || text.contains("\0") || text.contains("\n") || text.contains("\r") ? nil : text
        case .oneOf(let words):
            return words.first { $0.lowercased() == text.lowercased() }
        }
    }
}

extension PHPValue {
    /// Turns what someone typed after `config set NAME` into the value to write.
    ///
    /// Known constants get their documented type (`WP_DEBUG false` is the boolean, `WP_MEMORY_LIMIT lots`
    /// is an error); for any other name `true`, `false` and `null` are those literals, a plain
    /// integer is an int, and everything else is a string.
    public static func parse(userInput: String, forConstant name: String) throws(WPConfigError) -> PHPValue {
        let word = userInput.trimmingCharacters(in: .whitespaces).lowercased()
        guard let type = KnownConstants.valueType(of: name) else {
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: return plainInteger(word).map(PHPValue.int) ?? .string(userInput)
            }
        }
        if type.allowsInt, let number = plainInteger(word) {
            return .int(number)
        }
        if type.allowsBool {
            // With strings also allowed, only the literal words count: `on` could be a log file name.
            let truths = type.stringFormat == nil ? ["true", "yes", "on", "1"] : ["true"]
            let falsehoods = type.stringFormat == nil ? ["false", "no", "off", "0"] : ["false"]
            if truths.contains(word) { return .bool(true) }
            if falsehoods.contains(word) { return .bool(false) }
        }
        if type.allowsNull, word == "null" { return .null }
        if let format = type.stringFormat, let accepted = KnownConstants.validate(userInput, as: format) {
            return .string(accepted)
        }
        throw .invalidValue(constant: name, input: KnownConstants.isSecret(name) ? nil : userInput, expected: type.summary)
    }

    /// Decimal integers as people type them: no sign but `-`, no leading zeros, no spaces.
    private static func plainInteger(_ text: String) -> Int? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              digits == "0" || !digits.hasPrefix("0") else { return nil }
        return Int(text)
    }
}

/// A PHP memory size (`memory_limit`, `WP_MEMORY_LIMIT`), comparable across units.
public struct PHPMemorySize: Comparable, Sendable, CustomStringConvertible {
    /// nil means unlimited (`-1`).
    public let bytes: Int64?
    /// The size as written, such as `256M`.
    public let text: String

    /// Accepts `-1`, a byte count, or a count followed by K, M or G (either case); refuses zero.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "-1" {
            bytes = nil
            self.text = trimmed
            return
        }
        var digits = Substring(trimmed)
        var multiplier: Int64 = 1
        if let unit = digits.last, !unit.isNumber {
            switch unit {
            case "k", "K": multiplier = 1 << 10
            case "m", "M": multiplier = 1 << 20
            case "g", "G": multiplier = 1 << 30
            default: return nil
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits), count > 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        bytes = product
        self.text = trimmed
    }

    public var isUnlimited: Bool { bytes == nil }

    public var description: String { text }

    public static func < (lhs: PHPMemorySize, rhs: PHPMemorySize) -> Bool {
        switch (lhs.bytes, rhs.bytes) {
        case (nil, _): return false
        case (_?, nil): return true
        case (let left?, let right?): return left < right
        }
    }

    /// Sizes are equal when they mean the same number of bytes (`1G` == `1024M`).
    public static func == (lhs: PHPMemorySize, rhs: PHPMemorySize) -> Bool {
        lhs.bytes == rhs.bytes
    }
}
