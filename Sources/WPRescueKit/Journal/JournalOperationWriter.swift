import Foundation

/// An operation in progress: each change is journaled before and after it happens, and
/// the whole operation is one entry in history and one `undo`.
public final class JournalOperationWriter {
    public let id: String
    private let journal: Journal
    private var lock: SiteLock?
    private var steps: [(index: Int, change: RecordedChange, done: Bool)] = []
    private var finished = false

    init(journal: Journal, id: String, lock: SiteLock) {
        self.journal = journal
        self.id = id
        self.lock = lock
    }

    public var stepCount: Int { steps.count }

    public func apply(_ change: Change) throws(JournalError) {
        try Journal.typed { try applyStep(change) }
    }

    private func applyStep(_ change: Change) throws {
        let index = steps.count
        // Kept as not done until it is, so a step that fails halfway is still rolled back.
        steps.append((index, try journal.recordIntent(change, operation: id, index: index), false))
        try journal.performRecorded(change, operation: id, index: index)
        steps[index].done = true
    }

    public func apply(_ changes: [Change]) throws(JournalError) {
        for change in changes { try apply(change) }
    }

    /// Replaces the one-line summary history shows (known only at the end for a bisection).
    public func updateSummary(_ summary: String) throws(JournalError) {
        try Journal.typed {
            try journal.setSummary(operation: id, summary: summary)
        }
    }

    /// Marks the operation complete and releases the site.
    public func finish() throws(JournalError) {
        try Journal.typed {
            guard !finished else { return }
            try journal.finish(operation: id, outcome: "completed")
            finished = true
            lock = nil
        }
    }

    /// Puts back every step done so far (after `error` stopped the operation) and releases the site.
    public func rollBack(after error: Error) throws(JournalError) {
        try Journal.typed {
            guard !finished else { return }
            do {
                try journal.revertOpen(steps, operation: id)
                try journal.finish(operation: id, outcome: "rolled-back")
            } catch let rollbackError {
                finished = true
                lock = nil
                throw JournalError.rollbackIncomplete(operation: id, original: error.localizedDescription,
                                                      rollback: rollbackError.localizedDescription)
            }
            finished = true
            lock = nil
        }
    }
}
