import Foundation

/// One account of a WordPress site as its database holds it. Every text field is the site's
/// own data, so it is untrusted: callers that print it make it inert first.
public struct WordPressUser: Equatable, Sendable, Codable {
    public var id: Int
    public var login: String
    public var email: String
    /// Role names from `<prefix>capabilities` (`administrator`, `editor`...), in stored order.
    public var roles: [String]
    /// When a plugin that records it saw the user last; nil when none does.
    public var lastLogin: Date?

    public init(id: Int, login: String, email: String, roles: [String], lastLogin: Date? = nil) {
        self.id = id
        self.login = login
        self.email = email
        self.roles = roles
        self.lastLogin = lastLogin
    }

    public var isAdministrator: Bool { roles.contains("administrator") }
}

/// Reading the site's users through its database.
public enum WordPressUsers {
    /// User meta keys in which widely used plugins record a last login as a Unix time:
    /// WP Last Login (`wp-last-login`), WooCommerce (`wc_last_active`, by the day).
    public static let lastLoginMetaKeys = ["wp-last-login", "wc_last_active"]

    /// Every user, by ID.
    public static func list(in database: WordPressDatabase, tablePrefix: String) throws -> [WordPressUser] {
        let users = SQLText.identifier(tablePrefix + "users"), meta = SQLText.identifier(tablePrefix + "usermeta")
        let capabilities = SQLText.literal(tablePrefix + "capabilities")
        let lastLoginKeys = lastLoginMetaKeys.map(SQLText.literal).joined(separator: ", ")
        let result = try database.query("""
            SELECT u.ID AS id, u.user_login AS login, u.user_email AS email,
              (SELECT m.meta_value FROM \(meta) m WHERE m.user_id = u.ID AND m.meta_key = \(capabilities) LIMIT 1) AS capabilities,
              (SELECT MAX(CAST(m.meta_value AS UNSIGNED)) FROM \(meta) m WHERE m.user_id = u.ID AND m.meta_key IN (\(lastLoginKeys))) AS last_login
            FROM \(users) u ORDER BY u.ID
            """)
        return result.rows.indices.compactMap { row in
            guard let id = result.value("id", row: row).flatMap({ Int($0) }), let login = result.value("login", row: row) else { return nil }
            let lastLogin = result.value("last_login", row: row).flatMap { Double($0) }.flatMap { $0 > 0 ? Date(timeIntervalSince1970: $0) : nil }
            return WordPressUser(id: id, login: login, email: result.value("email", row: row) ?? "",
                                 roles: roles(fromCapabilities: result.value("capabilities", row: row)), lastLogin: lastLogin)
        }
    }

    /// The roles in a stored `<prefix>capabilities` value: the keys whose value is true
    /// (`a:1:{s:13:"administrator";b:1;}`). Anything unreadable holds no role.
    public static func roles(fromCapabilities stored: String?) -> [String] {
        guard let stored, let entries = (try? PHPUnserializer.unserialize(stored))?.arrayEntries else { return [] }
        return entries.compactMap { entry in
            switch entry.value {
            case .bool(true), .int(1): return entry.key.description
            case .string(let text) where text == "1": return entry.key.description
            default: return nil
            }
        }
    }
}
