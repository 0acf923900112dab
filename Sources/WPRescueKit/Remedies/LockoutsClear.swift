import Foundation

/// Clears the lockouts that widely used login-limiting and security plugins keep in the
/// database, the way their own "release lockout" buttons do, each as a journaled row change
/// (undo puts them back). Table and option names are the plugins' own:
/// - Limit Login Attempts (Reloaded): options `limit_login_lockouts`, `limit_login_retries`, `limit_login_retries_valid`;
/// - Wordfence: `<prefix>wfblocks7` rows of type 7 (`wfBlock::TYPE_LOCKOUT`, login only) not yet expired;
/// - Solid Security (iThemes Security): `<prefix>itsec_lockouts` with `lockout_active` = 1, set to 0;
/// - All In One WP Security: `<prefix>aiowps_login_lockdown` rows whose `release_date` is not long past.
public struct ClearLockouts {
    public struct Lockout: Sendable, Equatable {
        /// The plugin that keeps it, as people know it.
        public var plugin: String
        /// What is cleared, in a few words ("lockout of 203.0.113.7").
        public var description: String
        public var change: Change
    }

    public struct Facts: Sendable {
        public var lockouts: [Lockout]
        /// Active two-factor plugins: a broken one also keeps the owner out, and is disabled like any plugin.
        public var twoFactorPlugins: [String]
    }

    public static let summary = "Clear login lockouts"
    /// Slugs of widely used two-factor plugins.
    public static let twoFactorSlugs = ["two-factor", "wp-2fa", "two-factor-authentication", "google-authenticator",
                                       "miniorange-2-factor-authentication", "wordfence-login-security", "duo-wordpress",
                                       "two-factor-login", "wp-google-authenticator"]
    static let limitLoginOptions = ["limit_login_lockouts", "limit_login_retries", "limit_login_retries_valid"]

    public let database: WordPressDatabase
    public let tablePrefix: String

    public init(database: WordPressDatabase, tablePrefix: String) {
        self.database = database
        self.tablePrefix = tablePrefix
    }

    /// Plans clearing every lockout found; with `login`, records that name another user are kept.
    public func plan(command: String, login: String?, activePlugins: [String], now: Date = Date()) throws -> RemedyPlan<Facts> {
        let tables = Set(try database.query("SHOW TABLES").rows.compactMap { $0.first ?? nil })
        func table(_ name: String) -> String? {
            tables.first { $0.lowercased() == (tablePrefix + name).lowercased() }
        }
        var lockouts: [Lockout] = []

        let options = SQLText.identifier(tablePrefix + "options")
        let stored = try database.query("SELECT option_name FROM \(options) WHERE option_name IN (\(Self.limitLoginOptions.map(SQLText.literal).joined(separator: ", ")))")
        for row in stored.rows.indices {
            guard let name = stored.value("option_name", row: row) else { continue }
            lockouts.append(Lockout(plugin: "Limit Login Attempts", description: "option \(name)",
                                    change: .databaseRows(DatabaseRowChange(table: tablePrefix + "options", match: ["option_name": name], set: nil,
                                                                            label: "the option \(name) (Limit Login Attempts)"))))
        }

        if let wordfence = table("wfblocks7") {
            let result = try database.query("SELECT id, INET6_NTOA(IP) AS ip FROM \(SQLText.identifier(wordfence)) WHERE type = 7 AND (expiration = 0 OR expiration > UNIX_TIMESTAMP())")
            for row in result.rows.indices {
                guard let id = result.value("id", row: row) else { continue }
                let ip = result.value("ip", row: row) ?? "an address"
                lockouts.append(Lockout(plugin: "Wordfence", description: "login lockout of \(ip)",
                                        change: .databaseRows(DatabaseRowChange(table: wordfence, match: ["id": id], set: nil,
                                                                                label: "Wordfence's login lockout of \(ip)"))))
            }
        }

        if let solid = table("itsec_lockouts") {
            let result = try database.query("SELECT lockout_id, lockout_host, lockout_username FROM \(SQLText.identifier(solid)) WHERE lockout_active = 1")
            for row in result.rows.indices {
                guard let id = result.value("lockout_id", row: row) else { continue }
                let user = result.value("lockout_username", row: row) ?? ""
                if let login, !user.isEmpty, user != login { continue }
                let whom = user.isEmpty ? (result.value("lockout_host", row: row) ?? "a host") : "'\(user)'"
                lockouts.append(Lockout(plugin: "Solid Security", description: "lockout of \(whom)",
                                        change: .databaseRows(DatabaseRowChange(table: solid, match: ["lockout_id": id], set: ["lockout_active": "0"],
                                                                                label: "Solid Security's lockout of \(whom)"))))
            }
        }

        if let aiowps = table("aiowps_login_lockdown") {
            let result = try database.query("SELECT id, user_login, failed_login_ip FROM \(SQLText.identifier(aiowps)) WHERE release_date > UTC_TIMESTAMP() - INTERVAL 1 DAY")
            for row in result.rows.indices {
                guard let id = result.value("id", row: row) else { continue }
                let user = result.value("user_login", row: row) ?? ""
                if let login, !user.isEmpty, user != login { continue }
                let whom = user.isEmpty ? (result.value("failed_login_ip", row: row) ?? "an address") : "'\(user)'"
                lockouts.append(Lockout(plugin: "All In One WP Security", description: "lockdown of \(whom)",
                                        change: .databaseRows(DatabaseRowChange(table: aiowps, match: ["id": id], set: nil,
                                                                                label: "All In One WP Security's lockdown of \(whom)"))))
            }
        }

        let twoFactor = activePlugins.filter { Self.twoFactorSlugs.contains($0) }
        var notes: [String] = []
        notes.append(lockouts.isEmpty ? "No lockout of a known login-limiting plugin is recorded in the database."
                                      : "Cleared \(lockouts.count) lockout record\(lockouts.count == 1 ? "" : "s"); `wprescue undo` puts them back.")
        for slug in twoFactor {
            notes.append("The two-factor plugin \(slug) is active: if its second step keeps you out, disable it with `wprescue plugins disable \(slug)`.")
        }
        return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary, changes: lockouts.map(\.change)),
                          facts: Facts(lockouts: lockouts, twoFactorPlugins: twoFactor), notes: notes)
    }
}
