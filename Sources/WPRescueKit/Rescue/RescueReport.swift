import Foundation

/// What a rescue saw and did, for the terminal, JSON and the incident report.
public struct RescueReport: Sendable, Codable {
    public struct Action: Sendable, Codable {
        public var description: String
        /// The journal operation, for `wprescue undo --operation`.
        public var operation: String
        public var verdictAfter: ProbeVerdict?
        /// False when the change did not help and was reverted.
        public var kept: Bool
    }

    public struct Event: Sendable, Codable {
        public enum Kind: String, Sendable, Codable {
            /// A change made, reverted or put back.
            case action
            /// A look at the site and its verdict.
            case probe
        }

        public var time: Date
        public var kind: Kind
        public var text: String
    }

    public var before: ProbeVerdict
    public var after: ProbeVerdict
    /// The finding that explained the outage (its id), when one did.
    public var cause: FindingID?
    public var causeSummary: String?
    /// PHP's own words for the error behind the cause, quoted as PHP logged or the companion caught it.
    public var phpError: String? = nil
    public var actions: [Action]
    public var timeline: [Event]
    public var nextSteps: [String]
    public var healthy: Bool { after.isHealthy }

    /// A Markdown incident report: the verdicts, what changed, why, and how to undo it
    /// (`undoCommand`: the command, with the options that reached the site, that undoes it all).
    public func markdown(site: String, urls: [String], undoCommand: String) -> String {
        let formatter = ISO8601DateFormatter()
        var lines = ["# Incident report: \(site)", "",
                     "- Pages probed: \(urls.joined(separator: ", "))",
                     "- Before: **\(before.rawValue)**: \(before.explanation)",
                     "- After: **\(after.rawValue)**: \(after.explanation)",
                     "- Cause: \(causeSummary ?? "not identified")"]
        if let phpError { lines.append("- PHP error: `\(phpError.replacingOccurrences(of: "`", with: "'"))`") }
        lines += ["", "## Changes", ""]
        if actions.isEmpty { lines.append("None.") }
        for action in actions {
            lines.append("- \(action.description) (operation `\(action.operation)`)\(action.kept ? "" : ": did not help, reverted")")
        }
        lines += ["", "## Next steps", ""] + nextSteps.map { "- \($0)" }
        lines += ["", "## Undo", "", "`\(undoCommand)` reverts every change above, newest first.", "",
                  "## Timeline", "", "| time | what | detail |", "| --- | --- | --- |"]
        lines += timeline.map { "| \(formatter.string(from: $0.time)) | \($0.kind.rawValue) | \($0.text.replacingOccurrences(of: "|", with: "\\|")) |" }
        return lines.joined(separator: "\n") + "\n"
    }
}
