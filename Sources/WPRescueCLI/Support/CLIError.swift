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
    /// Nothing to do here, and the sentence says where the work is (another release of a deploy).
    case nothingHere(String)

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
        case .invalidArguments(let detail), .interrupted(let detail), .nothingHere(let detail):
            return detail
        }
    }
}
