import Foundation

/// Core's recovery mode link without core's e-mail. WordPress (5.2+) mails the administrator a
/// link `wp-login.php?action=enter_recovery_mode&rm_token=…&rm_key=…` when a plugin or theme
/// dies on wp-admin or wp-login.php; opening it sets the recovery cookie, and from then on core
/// pauses, for that browser only, every plugin or theme that dies with a fatal error (it records
/// the error and loads the page again without it), so the owner can log in and deal with it.
/// Core needs nothing else: no error has to be recorded before the link is used.
///
/// This writes the key the way `WP_Recovery_Mode_Key_Service::generate_and_store_recovery_mode_key()`
/// does: a 22-character token and key from `wp_generate_password( 22, false )`'s alphabet, and in
/// the `recovery_keys` option `$token => ['hashed_key' => hash of the key, 'created_at' => time]`,
/// the hash being phpass's portable one before 6.8 and `wp_fast_hash()` (BLAKE2b) from 6.8, as
/// each version writes it. Core accepts a key for a day after `created_at` (its default e-mail
/// rate limit) and consumes it on use; the record is dated so the link expires after `lifetime`.
/// Only the hash is written; the key is in the link alone.
public struct RecoveryLink {
    public struct Facts: Sendable {
        /// The link. It carries the key: show it once, write it nowhere.
        public var url: String
        public var expires: Date
    }

    public enum Failure: Error, Equatable, LocalizedError {
        case tooOld(String)
        case network
        case handlerDisabled

        public var errorDescription: String? {
            switch self {
            case .tooOld(let version):
                return "WordPress \(version) has no recovery mode (it came with 5.2); use `wprescue login` and `wprescue plugins disable SLUG`."
            case .network:
                return "Core's recovery mode does not work on a multisite network; use `wprescue plugins disable SLUG` and `wprescue login`."
            case .handlerDisabled:
                return "wp-config.php sets WP_DISABLE_FATAL_ERROR_HANDLER, which turns recovery mode off; remove it with `wprescue config delete WP_DISABLE_FATAL_ERROR_HANDLER` first."
            }
        }
    }

    public static let option = "recovery_keys"
    public static let summary = "Add a recovery mode key (core's recovery_keys option)"
    public static let defaultLifetime: TimeInterval = 15 * 60
    /// Core's own limit: the e-mail rate limit and link lifetime, one day unless filtered.
    public static let coreLifetime: TimeInterval = 24 * 3600
    public static let lifetimes: ClosedRange<TimeInterval> = 60...coreLifetime
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    public let site: Site
    public let tablePrefix: String

    public init(site: Site, tablePrefix: String) {
        self.site = site
        self.tablePrefix = tablePrefix
    }

    /// Plans adding a key to `recovery_keys` (whose stored text is `stored`, nil when the option
    /// does not exist) for a link on `siteURL` that works for `lifetime` from `now`.
    public func plan(command: String, siteURL: String, stored: String?, wordpressVersion: String,
                     lifetime: TimeInterval = defaultLifetime, now: Date = Date(),
                     random: (Int) -> [UInt8] = LoginLink.newSecret(count:)) throws -> RemedyPlan<Facts> {
        let parts = wordpressVersion.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        guard (parts.first ?? 0, parts.count > 1 ? parts[1] : 0) >= (5, 2) else { throw Failure.tooOld(wordpressVersion) }
        let config = try SiteConfig.read(site)
        guard NetworkSettings.declared(in: config) == nil else { throw Failure.network }
        guard config.value(of: "WP_DISABLE_FATAL_ERROR_HANDLER")?.boolValue != true else { throw Failure.handlerDisabled }

        let token = Self.password(random: random), key = Self.password(random: random)
        let expires = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime).rounded(.down))
        let createdAt = Int(expires.timeIntervalSince1970 - Self.coreLifetime)
        let hashed = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0) >= (6, 8) ? PasswordHash.fastHash(key) : PortableHash.hash(key, salt: random(6))
        let entry = Self.entry(token: token, hashedKey: hashed, createdAt: createdAt)
        let value = Self.adding(entry, to: stored)
        let change = DatabaseRowChange(table: tablePrefix + "options", match: ["option_name": Self.option], set: ["option_value": value],
                                       label: "the \(Self.option) option (core's recovery mode keys)",
                                       insertsWhenMissing: stored == nil, yieldsToLaterChanges: true)
        var base = SiteAddressCheck.trimmed(siteURL)
        if base.isEmpty { base = "/" }
        let url = "\(base)/wp-login.php?action=enter_recovery_mode&rm_token=\(token)&rm_key=\(key)"
        return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary, changes: [.databaseRows(change)]),
                          facts: Facts(url: url, expires: expires),
                          notes: ["Open the link, then log in as an administrator: core pauses, for your browser only, each plugin or theme that fails, and wp-admin shows which. The link works once; `Exit Recovery Mode` in the toolbar ends it."])
    }

    /// `wp_generate_password( 22, false )`: 22 characters of letters and digits (about 131 bits).
    static func password(random: (Int) -> [UInt8]) -> String {
        var result = ""
        while result.count < 22 {
            for byte in random(44) where Int(byte) < 256 - 256 % alphabet.count && result.count < 22 {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return result
    }

    /// One record of the option, serialized as PHP's serialize() writes it.
    static func entry(token: String, hashedKey: String, createdAt: Int) -> String {
        "s:\(token.utf8.count):\"\(token)\";a:2:{s:10:\"hashed_key\";s:\(hashedKey.utf8.count):\"\(hashedKey)\";s:10:\"created_at\";i:\(createdAt);}"
    }

    /// The option with `entry` added. Records already there stay byte for byte; a value that is
    /// not a serialized array (which core would read as an empty one) is replaced.
    static func adding(_ entry: String, to stored: String?) -> String {
        if let stored, case .serialized(let value) = WordPressOptionValue(stored: stored), let entries = value.arrayEntries,
           stored.hasPrefix("a:\(entries.count):{"), stored.hasSuffix("}") {
            return "a:\(entries.count + 1):{" + stored.dropFirst("a:\(entries.count):{".count).dropLast() + entry + "}"
        }
        return "a:1:{\(entry)}"
    }
}
