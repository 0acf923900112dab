import Foundation

/// One change to a site's files. Commands plan a list of these; `Journal.apply` carries
/// them out one at a time, recording each before and after it happens.
public enum Change: Equatable, Sendable {
    /// Rename a file or folder; never replaces anything at the destination.
    case move(from: String, to: String)
    case createDirectory(path: String)
    /// Remove an empty folder (one wprescue created and no longer needs).
    case removeDirectory(path: String)
    /// Replace or create a file atomically. The old contents are backed up first.
    case write(path: String, contents: Data)
    /// Remove a file. Its contents are backed up first.
    case removeFile(path: String)
    /// Take out of the site a file that came into being during this wprescue run (the debug
    /// log PHP wrote while wprescue had logging on): kept in the journal's backups, and
    /// undo does not put it back, since the site did not have it before.
    case discardCreatedFile(path: String)
    /// Change rows of the site's database (a password hash, a lockout record): every column of
    /// the rows as they were is backed up first, and undo writes them back.
    case databaseRows(DatabaseRowChange)

    public var primaryPath: String {
        switch self {
        case .move(let from, _): return from
        case .createDirectory(let path), .removeDirectory(let path), .write(let path, _), .removeFile(let path),
             .discardCreatedFile(let path): return path
        case .databaseRows(let rows): return rows.place
        }
    }

    /// A one-line description with paths relative to the site root.
    public func describe(relativeTo root: String) -> String {
        let show = { SitePath.relative($0, to: root) }
        switch self {
        case .move(let from, let to): return "move \(show(from)) → \(show(to))"
        case .createDirectory(let path): return "create folder \(show(path))"
        case .removeDirectory(let path): return "remove empty folder \(show(path))"
        case .write(let path, let contents): return "write \(show(path)) (\(contents.count) bytes)"
        case .removeFile(let path): return "remove \(show(path)) (a copy is kept in the journal)"
        case .discardCreatedFile(let path): return "move \(show(path)), created during this run, out of the site into the journal"
        case .databaseRows(let rows): return "\(rows.set == nil ? "delete" : "change") \(rows.label) in the database (the rows as they were are kept in the journal)"
        }
    }
}

/// Rows of one table of the site's database: those matching `match` (column = value, all of
/// them) get `set`'s values, or are deleted when `set` is nil. Values are bytes as text; no
/// value ever travels in the journal's own lines, only in its private backups.
public struct DatabaseRowChange: Codable, Equatable, Sendable {
    public var table: String
    public var match: [String: String]
    public var set: [String: String]?
    /// What the rows are, for people: "the password of 'admin'".
    public var label: String
    /// When no row matches, insert one made of `match` and `set` (an option that does not exist
    /// yet); undo deletes it again.
    public var insertsWhenMissing: Bool
    /// Undo leaves rows that changed since alone instead of refusing: for values the site itself
    /// consumes (core removes a recovery key once used), where a later change is the site's own.
    public var yieldsToLaterChanges: Bool

    public init(table: String, match: [String: String], set: [String: String]?, label: String,
                insertsWhenMissing: Bool = false, yieldsToLaterChanges: Bool = false) {
        self.table = table
        self.match = match
        self.set = set
        self.label = label
        self.insertsWhenMissing = insertsWhenMissing
        self.yieldsToLaterChanges = yieldsToLaterChanges
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        table = try container.decode(String.self, forKey: .table)
        match = try container.decode([String: String].self, forKey: .match)
        set = try container.decodeIfPresent([String: String].self, forKey: .set)
        label = try container.decode(String.self, forKey: .label)
        // Journals written before these existed have neither.
        insertsWhenMissing = try container.decodeIfPresent(Bool.self, forKey: .insertsWhenMissing) ?? false
        yieldsToLaterChanges = try container.decodeIfPresent(Bool.self, forKey: .yieldsToLaterChanges) ?? false
    }

    /// How history names the place changed.
    public var place: String { "database:\(table)" }
}

/// A named group of changes that history lists and undo reverts as one.
public struct ChangePlan: Sendable {
    /// What the user asked for, as a command line without secrets: `plugins disable --all`.
    public var command: String
    /// What the operation does, for history: `Disable 3 plugins: akismet, hello, woo`.
    public var summary: String
    public var changes: [Change]

    public init(command: String, summary: String, changes: [Change] = []) {
        self.command = command
        self.summary = summary
        self.changes = changes
    }

    public var isEmpty: Bool { changes.isEmpty }
}
