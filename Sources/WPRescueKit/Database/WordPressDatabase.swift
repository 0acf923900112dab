import Foundation

/// The rows one SQL statement returned, every value as text (nil for SQL NULL), the way the
/// text protocol delivers them.
public struct QueryResult: Equatable, Sendable {
    public var columns: [String]
    public var rows: [[String?]]

    public init(columns: [String], rows: [[String?]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The value in `column` (matched case-insensitively, as SQL does) of row `index`;
    /// nil when the column is absent or the value is NULL.
    public func value(_ column: String, row index: Int) -> String? {
        guard rows.indices.contains(index),
              let position = columns.firstIndex(where: { $0.caseInsensitiveCompare(column) == .orderedSame }),
              rows[index].indices.contains(position) else { return nil }
        return rows[index][position]
    }

    /// Each row as column → value, for results read by name.
    public var namedRows: [[String: String?]] {
        rows.map { row in
            var named: [String: String?] = [:]
            for (index, column) in columns.enumerated() where index < row.count { named[column] = row[index] }
            return named
        }
    }
}

/// An open connection to a WordPress database. The checks only need to run statements and
/// read every row back; the MariaDB client wraps libmariadb, tests use a fake.
///
/// Errors are `DatabaseError`s, already scrubbed of the password.
public protocol WordPressDatabase: AnyObject {
    /// Runs one statement and returns all of its rows (an empty result for statements without rows).
    func query(_ sql: String) throws -> QueryResult
    /// Where the connection went, for messages.
    var endpoint: DatabaseEndpoint { get }
    /// The SSH server the endpoint was reached from; nil when reached from this machine.
    var via: String? { get }
}

extension WordPressDatabase {
    public var via: String? { nil }
    /// The endpoint, and where it was seen from when that is not here.
    public var place: String { DatabaseEndpoint.describe(endpoint, via: via) }
}

/// Opens connections: the seam between the pure checks and the client library.
public protocol WordPressDatabaseConnector {
    /// Connects with `credentials`, giving up after `timeoutSeconds` for the connection and
    /// for each wait on the server. Throws `DatabaseError`.
    func connect(_ credentials: DatabaseCredentials, timeoutSeconds: Int) throws -> WordPressDatabase
}

/// Quoting for the few statements wprescue builds from names and values it read itself.
public enum SQLText {
    /// `name` as a backtick-quoted identifier.
    public static func identifier(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    /// `value` as a single-quoted string literal. Only for names wprescue chose itself (option
    /// and table names): quotes are doubled, which is safe in every sql_mode; backslashes are not
    /// expected, since their meaning depends on NO_BACKSLASH_ESCAPES.
    public static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
