import Foundation

/// The SQL behind the journal's row steps. Every value goes to the server as hex
/// (`CAST(X'…' AS BINARY)`: a string, where a bare hex literal would be a number) and comes back
/// through `HEX(CAST(… AS BINARY))` (the bytes, of numbers too), so any byte a hostile site
/// stored (quotes, backslashes, NUL) survives the round trip exactly, whatever the sql_mode.
struct DatabaseRowStore {
    /// One row as it was: every column, as hex of its bytes (nil for NULL).
    struct Row: Codable, Equatable {
        var columns: [String: String?]
    }

    let database: WordPressDatabase

    /// Every column of the rows `change` will touch.
    func snapshot(_ change: DatabaseRowChange) throws -> [Row] {
        let columns = try columnNames(change.table)
        let select = columns.map { "\(Self.hexOf($0)) AS \(SQLText.identifier($0))" }.joined(separator: ", ")
        let result = try database.query("SELECT \(select) FROM \(SQLText.identifier(change.table)) WHERE \(condition(change.match))")
        return result.rows.indices.map { index in
            Row(columns: Dictionary(uniqueKeysWithValues: columns.map { ($0, result.value($0, row: index)) }))
        }
    }

    func apply(_ change: DatabaseRowChange) throws {
        let table = SQLText.identifier(change.table)
        if let set = change.set {
            if change.insertsWhenMissing,
               try database.query("SELECT COUNT(*) AS n FROM \(table) WHERE \(condition(change.match))").value("n", row: 0) == "0" {
                let values = change.match.merging(set) { _, new in new }
                let names = values.keys.sorted()
                _ = try database.query("INSERT INTO \(table) (\(names.map(SQLText.identifier).joined(separator: ", "))) VALUES (\(names.map { Self.literal(values[$0] ?? "") }.joined(separator: ", ")))")
                return
            }
            let assignments = set.sorted { $0.key < $1.key }.map { "\(SQLText.identifier($0.key)) = \(Self.literal($0.value))" }
            _ = try database.query("UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE \(condition(change.match))")
        } else {
            _ = try database.query("DELETE FROM \(table) WHERE \(condition(change.match))")
        }
    }

    /// Puts `saved` back. A changed row is restored when it still holds what `change` wrote
    /// (or with `force`); a deleted row is inserted again unless an identical one is there.
    func restore(_ saved: [Row], undoing change: DatabaseRowChange, force: Bool, operation: String) throws {
        let table = SQLText.identifier(change.table)
        if saved.isEmpty, change.insertsWhenMissing, let set = change.set {
            // The step inserted the row: undo deletes it while it still holds what was written.
            let current = try database.query("SELECT \(set.keys.sorted().map { "\(Self.hexOf($0)) AS \(SQLText.identifier($0))" }.joined(separator: ", ")) FROM \(table) WHERE \(condition(change.match))")
            guard !current.rows.isEmpty else { return }
            let now = Dictionary(uniqueKeysWithValues: set.keys.map { ($0, current.value($0, row: 0)) })
            let written = Dictionary(uniqueKeysWithValues: set.map { ($0.key, Optional(Self.hex($0.value))) })
            if now != written {
                if change.yieldsToLaterChanges && !force { return }
                guard force else { throw JournalError.rowsChangedSinceOperation(label: change.label, operation: operation) }
            }
            _ = try database.query("DELETE FROM \(table) WHERE \(condition(change.match))")
            return
        }
        for row in saved {
            if let set = change.set {
                // The row is found by the columns the step did not change.
                let identity = row.columns.filter { set[$0.key] == nil }
                let current = try database.query("SELECT \(set.keys.sorted().map { "\(Self.hexOf($0)) AS \(SQLText.identifier($0))" }.joined(separator: ", ")) FROM \(table) WHERE \(hexCondition(identity))")
                guard !current.rows.isEmpty else { continue }
                let now = Dictionary(uniqueKeysWithValues: set.keys.map { ($0, current.value($0, row: 0)) })
                let old = Dictionary(uniqueKeysWithValues: set.keys.map { ($0, row.columns[$0] ?? nil) })
                if now == old { continue }
                let written = Dictionary(uniqueKeysWithValues: set.map { ($0.key, Optional(Self.hex($0.value))) })
                if now != written && change.yieldsToLaterChanges && !force { continue }
                guard now == written || force else { throw JournalError.rowsChangedSinceOperation(label: change.label, operation: operation) }
                let assignments = set.keys.sorted().map { "\(SQLText.identifier($0)) = \(Self.hexLiteral(row.columns[$0] ?? nil))" }
                _ = try database.query("UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE \(hexCondition(identity))")
            } else {
                let present = try database.query("SELECT COUNT(*) AS n FROM \(table) WHERE \(hexCondition(row.columns))")
                if let count = present.value("n", row: 0), count != "0" { continue }
                let names = row.columns.keys.sorted()
                _ = try database.query("INSERT INTO \(table) (\(names.map(SQLText.identifier).joined(separator: ", "))) VALUES (\(names.map { Self.hexLiteral(row.columns[$0] ?? nil) }.joined(separator: ", ")))")
            }
        }
    }

    private func columnNames(_ table: String) throws -> [String] {
        let result = try database.query("SHOW COLUMNS FROM \(SQLText.identifier(table))")
        return result.rows.indices.compactMap { result.value("Field", row: $0) }
    }

    private func condition(_ match: [String: String]) -> String {
        match.sorted { $0.key < $1.key }.map { "\(SQLText.identifier($0.key)) = \(Self.literal($0.value))" }.joined(separator: " AND ")
    }

    private func hexCondition(_ columns: [String: String?]) -> String {
        let parts = columns.sorted { $0.key < $1.key }.map { name, value in
            value.map { "\(Self.hexOf(name)) = '\($0)'" } ?? "\(SQLText.identifier(name)) IS NULL"
        }
        return parts.isEmpty ? "1 = 1" : parts.joined(separator: " AND ")
    }

    static func hex(_ text: String) -> String {
        text.utf8.map { String(format: "%02X", $0) }.joined()
    }

    static func literal(_ text: String) -> String { "CAST(X'\(hex(text))' AS BINARY)" }

    static func hexLiteral(_ hex: String?) -> String { hex.map { "CAST(X'\($0)' AS BINARY)" } ?? "NULL" }

    static func hexOf(_ column: String) -> String { "HEX(CAST(\(SQLText.identifier(column)) AS BINARY))" }
}
