import Foundation

/// An edit of wp-config.php as every remedy that edits it reports it: the journaled write, and
/// one line per constant whose value changes, with secrets masked.
public struct ConfigEditPlan: Sendable {
    public struct Changed: Sendable, Codable, Equatable {
        public var name: String
        /// The value as written before, masked when secret; nil when it was not defined.
        public var before: String?
        /// The value as written after, masked when secret; nil when it is removed.
        public var after: String?

        /// `WP_DEBUG: false → true`.
        public var line: String { "\(name): \(before ?? "(not defined)") → \(after ?? "(removed)")" }
    }

    public var plan: ChangePlan
    public var changed: [Changed]

    public init(site: Site, from original: WPConfigFile, to edited: WPConfigFile, changing names: [String],
                command: String, summary: String) throws {
        plan = try SiteConfig.plan(site, from: original, to: edited, changing: names, command: command, summary: summary)
        // Compared on the real source, shown masked: a new password differs from the old one
        // even though both display as ********.
        changed = names.compactMap { name in
            let before = original.definition(of: name), after = edited.definition(of: name)
            guard before?.valueSource != after?.valueSource else { return nil }
            return Changed(name: name, before: before?.displaySource, after: after?.displaySource)
        }
    }

    /// The remedy plan of this edit, with the caller's facts and notes.
    func remedy<Facts>(_ facts: Facts, notes: [String]) -> RemedyPlan<Facts> {
        RemedyPlan(changes: plan, facts: facts, notes: notes)
    }
}
