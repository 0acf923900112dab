import Foundation

/// Errors that belong to the command line itself rather than to the site.
enum CLIError: Error, LocalizedError {
    case noSite
    case confirmationNeeded(String)
    case declined
    case unsupportedSite(String)
    case invalidArguments(String)
    /// Work that had to stop partway (a connection dropped); the sentence says why and what to do.
    case interrupted(String)
    /// `undo` on a deploy's live release with nothing of its own, while an earlier release's
    /// changes are still applied there.
    case nothingToUndoInRelease(release: String, other: String, stillApplied: Int, command: String)

    var errorDescription: String? {
        switch self {
        case .noSite:
            return "No site given: pass --site PATH (or sftp://user@host/path, or @alias), or set WPRESCUE_SITE."
        case .confirmationNeeded(let question):
            return "\(question) Standard input is not a terminal, so nobody can answer; re-run with --yes to go ahead."
        case .declined:
            return "Stopped: nothing was changed."
        case .unsupportedSite(let detail):
            return detail
        case .invalidArguments(let detail), .interrupted(let detail):
            return detail
        case .nothingToUndoInRelease(let release, let other, let stillApplied, let command):
            return "Nothing to undo in release \(release), the one live now; \(stillApplied) change\(stillApplied == 1 ? "" : "s") wprescue made "
                + "while release \(other) was live (there or in the shared folder) \(stillApplied == 1 ? "is" : "are") not undone yet: \(command)"
        }
    }
}
