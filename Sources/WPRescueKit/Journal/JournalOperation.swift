import Foundation

/// An operation rebuilt from its journal records.
struct JournalOperation {
    struct Step {
        var index: Int
        var change: RecordedChange
        var done: Bool
    }

    let id: String
    var started = Date.distantPast
    var command = ""
    var summaryText = ""
    var steps: [Step] = []
    var outcome: String?
    var revertStarted = false
    var revertFinished = false

    init(id: String) { self.id = id }

    mutating func add(_ record: JournalRecord) {
        switch record.event {
        case .begin:
            // A later begin record for the same operation only updates its summary.
            if record.command != nil {
                started = record.time
                command = record.command ?? ""
            }
            summaryText = record.summary ?? summaryText
        case .intent:
            if let step = record.step, let change = record.change { steps.append(Step(index: step, change: change, done: false)) }
        case .done:
            if let index = steps.firstIndex(where: { $0.index == record.step }) { steps[index].done = true }
        case .end:
            outcome = record.outcome
        case .revertBegin:
            revertStarted = true
        case .reverted:
            break
        case .revertEnd:
            revertFinished = true
        }
    }

    var status: OperationSummary.Status {
        if revertFinished || outcome == "rolled-back" { return .undone }
        if revertStarted { return .partlyUndone }
        if outcome == "completed" { return .applied }
        return .interrupted
    }

    var needsUndo: Bool { status != .undone && !steps.isEmpty }

    var summary: OperationSummary {
        OperationSummary(id: id, started: started, command: command, summary: summaryText, status: status,
                         steps: steps.count, stepsDone: steps.filter(\.done).count,
                         paths: steps.map { [$0.change.path, $0.change.destination].compactMap { $0 } })
    }
}

/// An operation as `history` shows it.
public struct OperationSummary: Equatable, Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Every step happened and nothing has been undone.
        case applied
        /// The process stopped partway (killed, connection lost): undo reverts what happened.
        case interrupted
        /// An undo started and did not finish: undo again completes it.
        case partlyUndone = "partly-undone"
        case undone
    }

    public var id: String
    public var started: Date
    public var command: String
    public var summary: String
    public var status: Status
    public var steps: Int
    public var stepsDone: Int
    /// The paths each step touched (source and destination for moves).
    public var paths: [[String]]
}
