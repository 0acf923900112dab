import Foundation

/// One finding of `db check`: what was looked at, the verdict and what it was based on.
public struct DatabaseCheck: Equatable, Sendable, Codable {
    public enum Status: String, Equatable, Sendable, Codable, Comparable, CaseIterable {
        case ok, warning, problem

        private var rank: Int {
            switch self {
            case .ok: return 0
            case .warning: return 1
            case .problem: return 2
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// Stable names for scripts.
    public enum Identifier: String, Sendable, Codable, CaseIterable {
        case settings
        case connection
        case server
        case connections
        case tables
        case tableHealth = "table-health"
        case options
        case siteAddress = "site-address"
        case activePlugins = "active-plugins"
        case theme
        case autoload
        /// Multisite: the network's own tables (wp_blogs, wp_sitemeta) and its main site.
        case network
        /// Multisite: each site's options (siteurl, home, active_plugins) against its row in wp_blogs.
        case networkSites = "network-sites"
    }

    public var id: Identifier
    public var status: Status
    public var summary: String
    public var evidence: [String]

    public init(_ id: Identifier, _ status: Status, _ summary: String, evidence: [String] = []) {
        self.id = id
        self.status = status
        self.summary = summary
        self.evidence = evidence
    }
}

/// CHECK TABLE's answer for one table, every row of it kept.
public struct TableHealth: Equatable, Sendable, Codable {
    public struct Message: Equatable, Sendable, Codable {
        /// Msg_type: status, error, info, note or warning.
        public var type: String
        public var text: String

        public init(type: String, text: String) {
            self.type = type
            self.text = text
        }
    }

    public var table: String
    /// ENGINE from information_schema; nil when the server could not open the table to tell.
    public var engine: String?
    public var messages: [Message]

    public init(table: String, engine: String?, messages: [Message]) {
        self.table = table
        self.engine = engine
        self.messages = messages
    }

    /// The Msg_text of the last `status` row: a damaged MyISAM table reports several rows and
    /// only the last status row is the verdict. A badly damaged one may end without any status
    /// row (`error | Corrupt`); then its last row is the verdict.
    public var verdict: String { Self.verdict(of: messages) }

    static func verdict(of messages: [Message]) -> String {
        messages.last { $0.type.caseInsensitiveCompare("status") == .orderedSame }?.text ?? messages.last?.text ?? "nothing reported"
    }

    /// Only a status row saying OK counts as healthy.
    public var isHealthy: Bool {
        guard let status = messages.last(where: { $0.type.caseInsensitiveCompare("status") == .orderedSame }) else { return false }
        return ["OK", "Table is already up to date"].contains(status.text)
    }

    /// Healthy, but with warnings worth reading (e.g. a MyISAM table not closed properly).
    public var hasWarnings: Bool {
        messages.contains { ["warning", "error"].contains($0.type.lowercased()) }
    }

    /// Engines whose tables REPAIR TABLE can rebuild. A table the server cannot even open has no
    /// engine in information_schema; MyISAM and Aria then say it "should be repaired".
    public var isRepairable: Bool {
        if let engine {
            return ["myisam", "aria", "archive", "csv"].contains(engine.lowercased())
        }
        return messages.contains { $0.text.contains("should be repaired") || $0.text.contains("marked as crashed") }
    }

    public var isInnoDB: Bool { engine?.caseInsensitiveCompare("InnoDB") == .orderedSame }

    enum CodingKeys: String, CodingKey { case table, engine, messages, verdict, healthy, repairable }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(table, forKey: .table)
        try container.encode(engine, forKey: .engine)
        try container.encode(messages, forKey: .messages)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(isHealthy, forKey: .healthy)
        try container.encode(isRepairable, forKey: .repairable)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        table = try container.decode(String.self, forKey: .table)
        engine = try container.decodeIfPresent(String.self, forKey: .engine)
        messages = try container.decode([Message].self, forKey: .messages)
    }
}

/// Everything `db check` found, in the JSON shape scripts read:
/// `{"connected", "error": {"code", "kind", "meaning", "message"}, "checks": [{"id", "status", "summary", "evidence"}], "tables"}`.
public struct DatabaseReport: Equatable, Sendable, Codable {
    public struct ErrorSummary: Equatable, Sendable, Codable {
        public var code: Int
        public var kind: DatabaseError.Kind
        public var meaning: String
        public var message: String

        public init(_ error: DatabaseError) {
            code = error.code
            kind = error.kind
            meaning = error.meaning
            message = error.serverMessage
        }
    }

    public var connected: Bool
    public var error: ErrorSummary?
    public var checks: [DatabaseCheck]
    /// CHECK TABLE results for the core tables that exist.
    public var tables: [TableHealth]

    public init(connected: Bool, error: ErrorSummary? = nil, checks: [DatabaseCheck], tables: [TableHealth] = []) {
        self.connected = connected
        self.error = error
        self.checks = checks
        self.tables = tables
    }

    /// The worst status of any check.
    public var status: DatabaseCheck.Status { checks.map(\.status).max() ?? .ok }

    public var isProblem: Bool { status == .problem }

    public func check(_ id: DatabaseCheck.Identifier) -> DatabaseCheck? { checks.first { $0.id == id } }

    /// The same report with `password` removed from every text, whatever path it came in by.
    public func scrubbed(of password: DatabasePassword) -> DatabaseReport {
        var copy = self
        copy.error = error.map { summary in
            var scrubbed = summary
            scrubbed.meaning = password.scrub(summary.meaning)
            scrubbed.message = password.scrub(summary.message)
            return scrubbed
        }
        copy.checks = checks.map { check in
            DatabaseCheck(check.id, check.status, password.scrub(check.summary), evidence: check.evidence.map(password.scrub))
        }
        copy.tables = tables.map { table in
            TableHealth(table: table.table, engine: table.engine,
                        messages: table.messages.map { .init(type: $0.type, text: password.scrub($0.text)) })
        }
        return copy
    }
}
