import Foundation

/// A fix planned before anything changes: the journaled changes, what the remedy found (for
/// whoever reports it), and what a person should know once it is made, in the remedy's own
/// words. `wprescue <command>`, the rescue and the playbook action that make the same fix are
/// adapters over one remedy: they sequence, confirm, apply and render, but do not decide.
public struct RemedyPlan<Facts> {
    /// The changes to make through the journal; empty when the site already is as the remedy would leave it.
    public var changes: ChangePlan
    /// What the remedy found, for the report.
    public var facts: Facts
    /// What a person should know once the change is made (or, with no change, why there is none).
    public var notes: [String]

    public init(changes: ChangePlan, facts: Facts, notes: [String] = []) {
        self.changes = changes
        self.facts = facts
        self.notes = notes
    }

    public var isEmpty: Bool { changes.isEmpty }
}

/// Why a remedy could not be planned. Failures of the layers underneath (reading the site,
/// wp-config.php) are thrown as they are: their messages already name the file and the cause.
public enum RemedyError: Error, Equatable, LocalizedError {
    /// Something other than a file sits where the remedy expects one (a folder named .maintenance).
    case notAFile(path: String)
    /// A memory size PHP would not understand.
    case invalidMemoryLimit(String)

    public var errorDescription: String? {
        switch self {
        case .notAFile(let path):
            return "\(path) is not a file; look at it yourself before anything removes it."
        case .invalidMemoryLimit(let text):
            return "'\(text)' is not a memory size; use 256M, 512M, 1G or -1."
        }
    }
}

/// How far back wprescue looks, in one place: fatal errors of the last day name the suspects,
/// plugins and themes changed in the last two days are the usual culprits.
public enum RecentWindow {
    public static let fatalErrors: TimeInterval = 24 * 3600
    public static let changes: TimeInterval = 48 * 3600

    /// The start of the fatal-error window ending at `now`.
    public static func fatalErrorsSince(_ now: Date) -> Date { now.addingTimeInterval(-fatalErrors) }

    /// Whether `modified` falls in the recent-changes window ending at `now`.
    public static func isRecentChange(_ modified: Date, now: Date) -> Bool { now.timeIntervalSince(modified) < changes }

    /// The changes window as people read it ("the last 48 hours").
    public static var changesDescription: String { "the last \(Int(changes / 3600)) hours" }
}
