import Foundation

/// One line of the journal file. Contents of files are never written here (they may hold
/// the database password); they live in backup files the record names.
struct JournalRecord: Codable, Equatable {
    enum Event: String, Codable {
        case begin, intent, done, end
        case revertBegin = "revert-begin", reverted, revertEnd = "revert-end"
    }

    var event: Event
    var operation: String
    var time: Date
    var step: Int?
    var command: String?
    var summary: String?
    var site: String?
    var change: RecordedChange?
    var outcome: String?
}

/// A `Change` as the journal keeps it: paths and the names of backup files.
struct RecordedChange: Codable, Equatable {
    enum Kind: String, Codable {
        case move, write
        case createDirectory = "create-directory", removeDirectory = "remove-directory", removeFile = "remove-file"
        case discardCreatedFile = "discard-created-file"
        case databaseRows = "database-rows"
    }

    var kind: Kind
    var path: String
    var destination: String?
    /// Backup of the contents before the change; nil for a file the change creates.
    var before: String?
    var after: String?
    var mode: UInt16?
}
