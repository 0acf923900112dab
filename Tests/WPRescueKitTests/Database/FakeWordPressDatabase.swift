import Foundation
@testable import WPRescueKit

/// A WordPress database held in memory: answers the statements the checks send from its state,
/// records every statement, and fails the ones told to fail.
final class FakeWordPressDatabase: WordPressDatabase {
    let endpoint: DatabaseEndpoint = .tcp(host: "127.0.0.1", port: 3306)
    var status: [String: String] = ["Uptime": "864000", "Threads_connected": "3", "Max_used_connections": "12"]
    var variables: [String: String] = ["version": "10.11.19-MariaDB", "version_comment": "Debian 12", "max_connections": "151"]
    /// Table name → engine (nil: the server cannot open it).
    var tables: [String: String?] = [:]
    /// Table name → CHECK TABLE rows (Msg_type, Msg_text); absent means healthy.
    var checkRows: [String: [(String, String)]] = [:]
    /// Table name → REPAIR TABLE rows; after a repair CHECK says OK unless `repairFails`.
    var repairRows: [String: [(String, String)]] = [:]
    var repairFails = false
    var options: [String: (value: String, autoload: String)] = [:]
    /// Multisite: rows of `<prefix>blogs` (blog_id, domain, path, archived, spam, deleted), other
    /// sites' options tables by name (`wp_2_options`; a table not here does not exist), and
    /// active_sitewide_plugins in `<prefix>sitemeta` (nil: no such row).
    var blogs: [(id: Int, domain: String, path: String, archived: Bool, spam: Bool, deleted: Bool)] = []
    var siteOptionTables: [String: [String: String]] = [:]
    var sitewidePlugins: String?
    /// A statement starting with the key fails with the error.
    var failures: [String: DatabaseError] = [:]
    private(set) var statements: [String] = []

    let prefix: String

    init(prefix: String = "wp_") {
        self.prefix = prefix
        for table in DatabaseCheckup.coreTables { tables[prefix + table] = "InnoDB" }
        options = [
            "siteurl": ("https://example.com", "yes"),
            "home": ("https://example.com", "yes"),
            "active_plugins": ("a:2:{i:0;s:19:\"akismet/akismet.php\";i:1;s:9:\"hello.php\";}", "yes"),
            "template": ("twentytwentythree", "yes"),
            "stylesheet": ("twentytwentythree", "yes"),
            "blogname": ("Example", "on"),
            "big_cache": (String(repeating: "x", count: 5000), "no"),
        ]
    }

    func query(_ sql: String) throws -> QueryResult {
        statements.append(sql)
        if let failure = failures.first(where: { sql.hasPrefix($0.key) }) { throw failure.value }
        if sql.hasPrefix("SHOW GLOBAL STATUS") { return Self.pairs(status) }
        if sql.hasPrefix("SHOW GLOBAL VARIABLES") { return Self.pairs(variables) }
        if sql.hasPrefix("SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES") {
            return QueryResult(columns: ["TABLE_NAME", "ENGINE"], rows: tables.keys.sorted().map { [$0, tables[$0] ?? nil] })
        }
        if let table = Self.table(after: "CHECK TABLE ", in: sql) {
            let rows = checkRows[table] ?? [("status", "OK")]
            return Self.messages(table, "check", rows)
        }
        if let table = Self.table(after: "REPAIR TABLE ", in: sql) {
            if !repairFails { checkRows[table] = nil }
            return Self.messages(table, "repair", repairRows[table] ?? [("status", repairFails ? "Operation failed" : "OK")])
        }
        if sql.hasPrefix("SELECT blog_id, domain, path, archived, spam, deleted FROM") {
            return QueryResult(columns: ["blog_id", "domain", "path", "archived", "spam", "deleted"], rows: blogs.map { blog in
                [String(blog.id), blog.domain, blog.path, blog.archived ? "1" : "0", blog.spam ? "1" : "0", blog.deleted ? "1" : "0"]
            })
        }
        if sql.hasPrefix("SELECT meta_value FROM") {
            return QueryResult(columns: ["meta_value"], rows: sitewidePlugins.map { [[$0]] } ?? [])
        }
        if sql.hasPrefix("SELECT option_name, option_value FROM"), let table = Self.table(after: "SELECT option_name, option_value FROM ", upTo: " WHERE", in: sql),
           table != prefix + "options" {
            guard let values = siteOptionTables[table] else { throw Self.error(1146, "Table 'wordpress.\(table)' doesn't exist") }
            let names = Self.quoted(in: sql)
            return QueryResult(columns: ["option_name", "option_value"], rows: values.keys.sorted().filter(names.contains).map { [$0, values[$0]] })
        }
        if sql.hasPrefix("SELECT option_name, option_value FROM") {
            let names = Self.quoted(in: sql)
            let rows: [[String?]] = options.keys.sorted().filter(names.contains).compactMap { name in options[name].map { [name, $0.value] } }
            return QueryResult(columns: ["option_name", "option_value"], rows: rows)
        }
        let autoloaded = options.filter { WordPressOptions.autoloadValues.contains($0.value.autoload) }
        if sql.hasPrefix("SELECT COUNT(*) AS options") {
            let bytes = autoloaded.values.map(\.value.utf8.count).reduce(0, +)
            return QueryResult(columns: ["options", "bytes"], rows: [[String(autoloaded.count), String(bytes)]])
        }
        if sql.hasPrefix("SELECT option_name, LENGTH(option_value) AS bytes") {
            let sorted = autoloaded.map { ($0.key, $0.value.value.utf8.count) }.sorted { $0.1 > $1.1 }.prefix(5)
            return QueryResult(columns: ["option_name", "bytes"], rows: sorted.map { [$0.0, String($0.1)] })
        }
        throw DatabaseError(code: 1064, serverMessage: "fake does not understand: \(sql)", context: Self.context,
                            password: DatabasePassword(""))
    }

    static let context = DatabaseError.Context(user: "wordpress", database: "wordpress",
                                               endpoint: .tcp(host: "127.0.0.1", port: 3306), timeoutSeconds: 5)

    static func error(_ code: Int, _ message: String) -> DatabaseError {
        DatabaseError(code: code, serverMessage: message, context: context, password: DatabasePassword(""))
    }

    private static func pairs(_ values: [String: String]) -> QueryResult {
        QueryResult(columns: ["Variable_name", "Value"], rows: values.keys.sorted().map { [$0, values[$0]] })
    }

    private static func messages(_ table: String, _ operation: String, _ rows: [(String, String)]) -> QueryResult {
        QueryResult(columns: ["Table", "Op", "Msg_type", "Msg_text"], rows: rows.map { ["wordpress.\(table)", operation, $0.0, $0.1] })
    }

    private static func table(after keyword: String, in sql: String) -> String? {
        guard sql.hasPrefix(keyword + "`"), sql.hasSuffix("`") else { return nil }
        return String(sql.dropFirst(keyword.count + 1).dropLast())
    }

    private static func table(after keyword: String, upTo end: String, in sql: String) -> String? {
        guard sql.hasPrefix(keyword + "`"), let close = sql.range(of: "`" + end) else { return nil }
        return String(sql[sql.index(sql.startIndex, offsetBy: keyword.count + 1)..<close.lowerBound])
    }

    private static func quoted(in sql: String) -> Set<String> {
        Set(sql.split(separator: "'", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }
}

/// Hands out one fake database, or fails like a server that cannot be reached.
struct FakeConnector: WordPressDatabaseConnector {
    var database: FakeWordPressDatabase?
    var failure: DatabaseError?

    func connect(_ credentials: DatabaseCredentials, timeoutSeconds: Int) throws -> WordPressDatabase {
        if let failure { throw failure }
        guard let database else { throw FakeWordPressDatabase.error(2002, "no fake database") }
        return database
    }
}
