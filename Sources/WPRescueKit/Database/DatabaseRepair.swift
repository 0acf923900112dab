import Foundation

/// The one database change wprescue makes, and only when asked: REPAIR TABLE on damaged
/// tables whose engine supports it. It cannot be undone by the journal.
public enum DatabaseRepair {
    public struct Outcome: Equatable, Sendable, Codable {
        public var table: String
        /// Every row REPAIR TABLE returned.
        public var messages: [TableHealth.Message]
        /// CHECK TABLE afterwards.
        public var after: TableHealth

        public var verdict: String { TableHealth.verdict(of: messages) }

        public var repaired: Bool { after.isHealthy }
    }

    /// What to say about damaged InnoDB tables, which REPAIR TABLE does not fix.
    public static let innoDBAdvice = """
        InnoDB tables are not fixed by REPAIR TABLE: back up the data directory, then set innodb_force_recovery = 1 \
        under [mysqld], restart the server, dump the database with mysqldump and restore it; raise the value one step \
        at a time only if the server still will not start, and remove the setting afterwards (wprescue never sets it)
        """

    /// Damaged tables REPAIR TABLE can rebuild.
    public static func repairable(in report: DatabaseReport) -> [TableHealth] {
        report.tables.filter { !$0.isHealthy && $0.isRepairable }
    }

    /// Damaged tables it cannot (InnoDB and the like).
    public static func notRepairable(in report: DatabaseReport) -> [TableHealth] {
        report.tables.filter { !$0.isHealthy && !$0.isRepairable }
    }

    /// Runs REPAIR TABLE on each table, then CHECK TABLE again to tell whether it worked.
    public static func repair(_ tables: [TableHealth], on database: WordPressDatabase) -> [Outcome] {
        tables.map { table in
            var messages: [TableHealth.Message]
            do {
                messages = DatabaseCheckup.messages(in: try database.query("REPAIR TABLE \(SQLText.identifier(table.table))"))
            } catch {
                messages = [.init(type: "error", text: error.localizedDescription), .init(type: "status", text: "Operation failed")]
            }
            let after: TableHealth
            do {
                after = TableHealth(table: table.table, engine: table.engine,
                                    messages: DatabaseCheckup.messages(in: try database.query("CHECK TABLE \(SQLText.identifier(table.table))")))
            } catch {
                after = TableHealth(table: table.table, engine: table.engine,
                                    messages: [.init(type: "error", text: error.localizedDescription), .init(type: "status", text: "Operation failed")])
            }
            return Outcome(table: table.table, messages: messages, after: after)
        }
    }
}
