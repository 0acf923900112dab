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

    /// On a multisite network, where each culprit was active, so the person knows which sites it
    /// broke: `plugin-fatal: network-activated (every site); white-screen: activated by site 2
    /// (shop.example.com/)`. nil on a single site or when the database was not readable.
    public static func networkPlaces(of slugs: [String], activation: PluginActivation?) -> String? {
        guard let activation, activation.isNetwork, !slugs.isEmpty else { return nil }
        let places = slugs.map { slug -> String in
            var where_: [String] = []
            if activation.network.contains(slug) { where_.append("network-activated (every site)") }
            let sites = activation.sitesActivating(slug).map { id in
                activation.networkSites.first { $0.id == id }.map { "site \(id) (\($0.address))" } ?? "site \(id)"
            }
            if !sites.isEmpty { where_.append("activated by " + sites.joined(separator: ", ")) }
            return "\(slug): \(where_.isEmpty ? "not active on any site (a must-use plugin, or loaded by another)" : where_.joined(separator: " and "))"
        }
        return places.joined(separator: "; ")
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
