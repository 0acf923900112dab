import Foundation

/// Failures of the journal itself, or of undoing what it recorded.
public enum JournalError: Error, Equatable {
    /// What the site's file system refused or lost, as it said it.
    case fileAccess(FileAccessError)
    case stateDirectoryUnusable(path: String, detail: String)
    case stateDirectoryUntrusted(path: String, reason: String)
    /// `holder` says who holds the lock on the site itself, when it is not this machine's own lock.
    case siteBusy(site: String, holder: String?)
    case journalUnwritable(path: String, detail: String)
    case backupMissing(path: String)
    /// The file was changed by someone else after wprescue changed it.
    case changedSinceOperation(path: String, operation: String, backup: String?)
    /// Both the original and the moved copy exist, or neither does.
    case moveConflict(source: String, destination: String, bothExist: Bool)
    case folderNotEmpty(path: String)
    case nothingToUndo
    case unknownOperation(String)
    /// A step failed and the steps before it could not all be put back.
    case rollbackIncomplete(operation: String, original: String, rollback: String)
    /// A step changes the database and it cannot be reached.
    case databaseUnavailable(detail: String)
    /// Rows wprescue changed were changed again by someone else since.
    case rowsChangedSinceOperation(label: String, operation: String)
}

extension JournalError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .fileAccess(let error):
            return error.errorDescription
        case .stateDirectoryUnusable(let path, let detail):
            return "Cannot use wprescue's state folder \(path) (\(detail)); set WPRESCUE_STATE_DIR to a writable folder."
        case .stateDirectoryUntrusted(let path, let reason):
            return "wprescue will not use its state folder \(path): \(reason). Fix its owner and mode (chmod 700), or set WPRESCUE_STATE_DIR to a folder of your own."
        case .siteBusy(let site, nil):
            return "Another wprescue is already changing \(site); wait for it to finish (or stop it) and try again."
        case .siteBusy(let site, let holder?):
            return "Another wprescue is already changing \(site) (\(holder)); wait for it to finish, or if it is no longer running, remove its .wprescue-lock folder from wp-content and try again."
        case .journalUnwritable(let path, let detail):
            return "Cannot write the journal \(path) (\(detail)); nothing was changed. Free space or fix permissions and try again."
        case .backupMissing(let path):
            return "The backup \(path) is missing, so this change cannot be undone byte-for-byte; restore it by hand or from a site backup."
        case .changedSinceOperation(let path, let operation, let backup):
            let saved = backup.map { " Its earlier contents are saved in \($0)." } ?? ""
            return "\(path) was changed by someone else after operation \(operation); undo leaves it alone.\(saved) Re-run with --force to restore wprescue's backup anyway."
        case .moveConflict(let source, let destination, let bothExist):
            return bothExist
                ? "Both \(source) and \(destination) exist, so undo cannot tell which to keep; compare them, remove the stale one, and run undo again."
                : "Neither \(source) nor \(destination) exists any more; someone moved or removed it after wprescue did."
        case .folderNotEmpty(let path):
            return "\(path) is not empty, so undo leaves the folder in place; check what is in it."
        case .nothingToUndo:
            return "Nothing to undo: every change wprescue made to this site is already reverted."
        case .unknownOperation(let id):
            return "No operation \(id) in this site's journal; `wprescue history` lists them."
        case .rollbackIncomplete(let operation, let original, let rollback):
            return "\(original) Putting back the steps already done also failed (\(rollback)); run `wprescue undo` once the problem is fixed (operation \(operation))."
        case .databaseUnavailable(let detail):
            return "This step changes the site's database, which cannot be reached (\(detail)); fix the connection (see `wprescue db check`) and try again."
        case .rowsChangedSinceOperation(let label, let operation):
            return "\(label) was changed again after operation \(operation); undo leaves it alone. Re-run with --force to restore wprescue's backup anyway."
        }
    }
}

extension FileAccessError {
    /// The file-system failure behind `error`, whether it came straight from the file system
    /// or through the journal.
    public init?(unwrapping error: any Error) {
        switch error {
        case let error as FileAccessError: self = error
        case JournalError.fileAccess(let error): self = error
        default: return nil
        }
    }
}
