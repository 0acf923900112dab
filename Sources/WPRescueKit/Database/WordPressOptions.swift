import Foundation

/// Reading WordPress options straight from the options table, the way get_option() would.
public enum WordPressOptions {
    /// The `autoload` values WordPress 6.6+ loads on every page (wp_autoload_values_to_autoload);
    /// older sites only use 'yes'.
    public static let autoloadValues = ["yes", "on", "auto-on", "auto"]

    /// Why a stored option cannot be used the way WordPress expects.
    public struct Damage: Error, Equatable, Sendable, LocalizedError {
        public var option: String
        /// What is wrong with the stored text.
        public var detail: String
        /// What WordPress does because of it.
        public var consequence: String

        public var errorDescription: String? { "The \(option) option is damaged: \(detail). \(consequence)" }
    }

    /// The stored text of each named option that exists (option_value may be NULL: read as "").
    public static func read(_ names: [String], from database: WordPressDatabase, tablePrefix: String) throws -> [String: String] {
        try read(names, from: database, table: tablePrefix + "options")
    }

    /// The same from a named options table (a network site's `wp_2_options`).
    public static func read(_ names: [String], from database: WordPressDatabase, table name: String) throws -> [String: String] {
        let table = SQLText.identifier(name)
        let result = try database.query(
            "SELECT option_name, option_value FROM \(table) WHERE option_name IN (\(names.map(SQLText.literal).joined(separator: ", ")))")
        var values: [String: String] = [:]
        for index in result.rows.indices {
            if let name = result.value("option_name", row: index) { values[name] = result.value("option_value", row: index) ?? "" }
        }
        return values
    }

    /// The plugin files in a stored active_plugins value (e.g. `akismet/akismet.php`), in order.
    /// Entries that are not strings are described in angle brackets, so callers can show them.
    public static func activePlugins(fromStored stored: String) -> Result<[String], Damage> {
        let noPlugins = "WordPress loads no plugins from it; activating a plugin in wp-admin writes it anew."
        switch WordPressOptionValue(stored: stored) {
        case .plain(let text):
            return .failure(Damage(option: "active_plugins", detail: describePlain(text), consequence: noPlugins))
        case .corrupt(let error):
            return .failure(Damage(option: "active_plugins", detail: "PHP cannot unserialize it: \(error)",
                                   consequence: "WordPress reads it as false, so it loads no plugins; activating a plugin in wp-admin writes it anew."))
        case .serialized(let value):
            guard let entries = value.arrayEntries else {
                return .failure(Damage(option: "active_plugins", detail: "it holds \(value.kindDescription), not an array", consequence: noPlugins))
            }
            return .success(entries.map { $0.value.stringValue ?? "<\($0.value.kindDescription)>" })
        }
    }

    /// Why text WordPress does not take for serialized data is not: a cut-off serialized value
    /// fails WordPress's is_serialized() test, so the unserializer is asked where it breaks.
    private static func describePlain(_ text: String) -> String {
        if text.isEmpty { return "it is empty" }
        do {
            _ = try PHPUnserializer.unserialize(WordPressOptionValue.trimmedLikePHP(text))
        } catch {
            if text.utf8.dropFirst().first == UInt8(ascii: ":") {
                return "it starts like serialized PHP data but \(error), so WordPress takes it for plain text"
            }
        }
        return "it is not serialized PHP data"
    }

    /// The slug `plugins list` uses for an active_plugins entry: the folder for
    /// `akismet/akismet.php`, the file name without `.php` for `hello.php`.
    public static func pluginSlug(fromActiveEntry entry: String) -> String {
        if let slash = entry.firstIndex(of: "/") { return String(entry[..<slash]) }
        return entry.hasSuffix(".php") ? String(entry.dropLast(4)) : entry
    }

    /// Slugs of the active plugins, for `plugins list` (active/inactive). Throws `Damage` when
    /// active_plugins is unreadable, `DatabaseError` when the database is.
    public static func activePluginSlugs(in database: WordPressDatabase, tablePrefix: String) throws -> [String] {
        guard let stored = try read(["active_plugins"], from: database, tablePrefix: tablePrefix)["active_plugins"] else { return [] }
        var slugs: [String] = []
        for file in try activePlugins(fromStored: stored).get() where file.hasSuffix(".php") {
            let slug = pluginSlug(fromActiveEntry: file)
            if !slugs.contains(slug) { slugs.append(slug) }
        }
        return slugs
    }

    /// The `home` option (the address visitors use), for `probe` to default to; nil when unset.
    public static func home(in database: WordPressDatabase, tablePrefix: String) throws -> String? {
        let home = try read(["home"], from: database, tablePrefix: tablePrefix)["home"]
        return home.flatMap { $0.isEmpty ? nil : $0 }
    }
}
