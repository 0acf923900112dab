import Foundation

/// Finds the plugin, or set of plugins, that breaks the site by switching them off and on while
/// probing (the search itself is `SiteBisection`, in Bisect/). What this remedy owns is what the
/// command, the rescue and the playbook say and guess around it: which plugins to try first, and
/// how a conclusion reads.
public enum BisectPlugins {
    /// First guesses: plugins named in fatal errors of the recent window, then recently changed ones.
    public static func suspects(site: Site, candidates: [Extension], serverLogs: [String] = [], now: Date) -> [String] {
        var suspects = SiteLogs.pluginsInRecentFatals(of: site, serverLogs: serverLogs, since: RecentWindow.fatalErrorsSince(now))
        suspects += SiteBisection.recentlyChanged(candidates, now: now).filter { !suspects.contains($0) }
        return suspects
    }

    /// What a bisection would do, for a dry run: the method `method` resolves to for these candidates.
    public static func dryRunDescription(method: SiteBisection.Method, candidates: [Extension]) -> String {
        let how = method == .move || SiteBisection.headerImpossible(for: candidates) != nil
            ? "move plugins in and out of wp-content/\(Quarantine.folderName) while probing"
            : "write a temporary must-use plugin that hides plugins from its own signed requests only, then move the culprits"
        return "Dry run: would \(how); nothing was changed."
    }

    /// One line for a cause: `akismet breaks the site`, or the sets that break it only together.
    public static func causeSummary(_ sets: [[String]]) -> String {
        let names = sets.map { $0.joined(separator: " + ") }.joined(separator: "; ")
        return sets.contains { $0.count > 1 } ? "Plugins that break the site only together: \(names)" : "\(names) breaks the site"
    }

    /// A line per culprit set, for a report that lists them.
    public static func culpritLines(_ sets: [[String]]) -> [String] {
        sets.map { set in
            set.count == 1 ? "Culprit: \(set[0]) breaks the site on its own."
                           : "Culprits: \(set.joined(separator: " + ")) break the site only together."
        }
    }

    /// What a conclusion other than culprits means for the person.
    public static func explanation(of conclusion: BisectConclusion, noun: String = "plugins") -> String? {
        switch conclusion {
        case .culpritsFound: return nil
        case .notBroken: return "The site is healthy with all \(noun) enabled: nothing to bisect."
        case .notAPluginProblem: return "The site stays broken with all \(noun) disabled: it is not one of them. Everything was put back."
        case .inconclusive: return "The site answered too unreliably to bisect \(noun); everything was put back."
        }
    }
}
