import Foundation

/// Sets the site's address (home, siteurl or both) where WordPress reads it: WP_HOME/WP_SITEURL
/// in wp-config.php (an edit of the file, backed up, undone byte for byte) or the `home` and
/// `siteurl` options (a journaled row change with the old values kept, undone exactly).
///
/// By default each address is changed where it is in effect now: the constant when wp-config.php
/// defines it (the option would change nothing), else the option, which is what Settings →
/// General edits and keeps that screen usable; only when the database cannot be reached (an
/// SFTP account without forwarding) does the default fall back to the constants.
public struct SetSiteAddress {
    public enum Field: String, Sendable, Codable, CaseIterable {
        case home, siteurl

        public var constant: String { self == .home ? "WP_HOME" : "WP_SITEURL" }
    }

    public enum Place: String, Sendable, Codable, CaseIterable {
        case config, database
    }

    public struct Changed: Sendable, Codable, Equatable {
        public var field: Field
        public var place: Place
        public var before: String?
        public var after: String

        public var line: String {
            let name = place == .config ? "\(field.constant) in wp-config.php" : "the \(field.rawValue) option"
            return "\(name): \(before ?? "(not set)") → \(after)"
        }
    }

    public struct Facts: Sendable {
        public var url: String
        public var changed: [Changed]
    }

    public enum Failure: Error, Equatable, LocalizedError {
        case invalidURL(String)
        case databaseNeeded(Field)
        case network

        public var errorDescription: String? {
            switch self {
            case .invalidURL(let text):
                return "'\(text)' is not a site address: give http:// or https://, a host and at most a path, e.g. https://example.com or https://example.com/blog."
            case .databaseNeeded(let field):
                return "The \(field.rawValue) option is in the database, which cannot be reached from here; pass --in config to set \(field.constant) in wp-config.php instead."
            case .network:
                return "This is a multisite network: its addresses also live in wp_blogs, wp_site and wp_sitemeta, which wprescue does not change; use Network Admin → Sites, or WP-CLI's search-replace."
            }
        }
    }

    public static let nextStep = "Delete the site's cookies in your browser (or use a private window) and log in again; `wprescue url show` compares the address with what the server answers."

    public static func summary(_ url: String, fields: [Field]) -> String {
        "Set the site address (\(fields.map(\.rawValue).joined(separator: ", "))) to \(url)"
    }

    public let site: Site
    public let tablePrefix: String

    public init(site: Site, tablePrefix: String) {
        self.site = site
        self.tablePrefix = tablePrefix
    }

    /// A URL as WordPress stores home and siteurl: http(s), a host, an optional port and path, no
    /// query, no trailing slash.
    public static func normalized(_ text: String) throws -> String {
        let url = SiteAddressCheck.trimmed(text)
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil, components.user == nil,
              !url.contains("'"), !url.contains("\\"), !url.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == " " })
        else { throw Failure.invalidURL(text) }
        return url
    }

    /// Plans setting `fields` to `url`, each in `place` or, when nil, where it is in effect.
    public func plan(command: String, url text: String, fields: [Field] = Field.allCases, place: Place?,
                     settings: SiteAddressSettings) throws -> RemedyPlan<Facts> {
        let url = try Self.normalized(text)
        let config = try SiteConfig.read(site)
        guard NetworkSettings.declared(in: config) == nil else { throw Failure.network }
        var edited = config
        var constants: [String] = []
        var changes: [Change] = []
        var changed: [Changed] = []
        var notes: [String] = []
        for field in fields {
            let constant = field == .home ? settings.homeConstant : settings.siteURLConstant
            let option = field == .home ? settings.homeOption : settings.siteURLOption
            let computed = settings.computedConstants.contains(field.constant)
            let chosen = place ?? (constant != nil || computed || !settings.optionsRead ? .config : .database)
            switch chosen {
            case .config:
                guard constant != url else { continue }
                if computed { notes.append("\(field.constant) was computed in wp-config.php; it is now the plain address (undo brings the computation back).") }
                edited = try edited.setting(field.constant, to: .string(url))
                constants.append(field.constant)
                changed.append(Changed(field: field, place: .config, before: constant ?? (computed ? "(computed)" : nil), after: url))
            case .database:
                guard settings.optionsRead else { throw Failure.databaseNeeded(field) }
                if computed || (constant.map { $0 != url } ?? false) {
                    notes.append("\(field.constant) in wp-config.php (\(constant ?? "computed")) still overrides the \(field.rawValue) option; `wprescue url set \(url) --only \(field.rawValue) --in config` changes it.")
                }
                guard option != url else { continue }
                changes.append(.databaseRows(DatabaseRowChange(table: tablePrefix + "options", match: ["option_name": field.rawValue],
                                                               set: ["option_value": url], label: "the \(field.rawValue) option",
                                                               insertsWhenMissing: option == nil)))
                changed.append(Changed(field: field, place: .database, before: option, after: url))
            }
        }
        var plan = ChangePlan(command: command, summary: Self.summary(url, fields: fields))
        if !constants.isEmpty {
            plan.changes = try ConfigEditPlan(site: site, from: config, to: edited, changing: constants, command: command, summary: plan.summary).plan.changes
        }
        plan.changes += changes
        if changed.isEmpty {
            notes.insert("The address is already \(url) there; nothing to change.", at: 0)
        } else {
            notes.append("Log in again at \(url)/wp-login.php (delete the site's cookies first, or use a private window); `wprescue undo` puts the old address back.")
        }
        return RemedyPlan(changes: plan, facts: Facts(url: url, changed: changed), notes: notes)
    }
}
