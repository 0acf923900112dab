import Foundation

/// Disables or enables plugins, must-use plugins, drop-ins or themes by moving them into the
/// quarantine folder and back (one atomic rename each; nothing is ever deleted).
public struct SwitchExtensions {
    public struct Facts: Sendable {
        public var direction: ExtensionSwitch.Direction
        /// Slugs that move.
        public var changed: [String]
        /// Slugs already in the state asked for.
        public var unchanged: [String]
        /// "plugin", "theme", "drop-in"…, singular.
        public var noun: String

        /// The lines a person reads about the switch; `dryRun` when nothing was applied.
        public func summaryLines(dryRun: Bool) -> [String] {
            let past = direction == .disable ? "disabled" : "enabled"
            var lines: [String] = []
            if !unchanged.isEmpty { lines.append("Already \(past): \(unchanged.joined(separator: ", ")).") }
            guard !changed.isEmpty else { return lines + ["Nothing to do."] }
            let counted = "\(changed.count) \(noun)\(changed.count == 1 ? "" : "s"): \(changed.joined(separator: ", "))"
            lines.append(dryRun ? "Would have \(past) \(counted)." : "\(past.capitalized) \(counted).")
            return lines
        }
    }

    /// The one wording of WordPress's habit that makes disabling plugins by moving them safe, and its limit.
    public static let activeListNote = "WordPress keeps disabled plugins in its list of active plugins until someone opens wp-admin's "
        + "Plugins screen, which drops the missing ones for good; a plugin moved back before that (`wprescue plugins enable`) is active again."

    public let site: Site
    public let direction: ExtensionSwitch.Direction
    public let extensions: [Extension]

    public init(site: Site, direction: ExtensionSwitch.Direction, extensions: [Extension]) {
        self.site = site
        self.direction = direction
        self.extensions = extensions
    }

    /// Picks by slug, or every one but `except` with `all`; an unknown slug is an error naming what exists.
    public static func choose(_ slugs: [String], all: Bool, except: [String] = [], from available: [Extension],
                              kindName: String) throws -> [Extension] {
        guard all else { return try ExtensionSwitch.select(slugs, from: available, kindName: kindName) }
        _ = try ExtensionSwitch.select(except, from: available, kindName: kindName)
        return available.filter { !except.contains($0.slug) }
    }

    public func plan(command: String) throws -> RemedyPlan<Facts> {
        let changes = try ExtensionSwitch(catalog: site.catalog).plan(direction, extensions, command: command)
        let target: Extension.State = direction == .disable ? .disabled : .enabled
        let kinds = Set(extensions.map(\.kind))
        let noun = kinds == [.theme] ? "theme" : kinds == [.dropIn] ? "drop-in" : kinds == [.mustUse] ? "must-use plugin" : "plugin"
        let facts = Facts(direction: direction, changed: extensions.filter { $0.state != target }.map(\.slug),
                          unchanged: extensions.filter { $0.state == target }.map(\.slug), noun: noun)
        return RemedyPlan(changes: changes, facts: facts, notes: facts.changed.isEmpty ? [] : try notes())
    }

    /// What a person should know about what just left the site.
    private func notes() throws -> [String] {
        guard direction == .disable else { return [] }
        var notes: [String] = []
        if extensions.contains(where: { $0.kind == .plugin }) { notes.append(Self.activeListNote) }
        if extensions.contains(where: { $0.kind == .theme }) {
            notes += Self.themeFallbackNotes(disabling: extensions.filter { $0.kind == .theme }, all: try site.catalog.extensions(of: .theme))
        }
        return notes
    }

    /// What a person should know before the active theme disappears.
    public static func themeFallbackNotes(disabling chosen: [Extension], all themes: [Extension]) -> [String] {
        let leaving = Set(chosen.map(\.slug))
        let remaining = themes.filter { $0.state == .enabled && !leaving.contains($0.slug) }
        var notes = [
            "If a disabled theme is the active one, WordPress falls back to WP_DEFAULT_THEME or the newest "
                + "bundled Twenty* theme when wp-admin's Appearance screen is opened, and that switch is permanent.",
        ]
        if !remaining.contains(where: { $0.slug.hasPrefix("twenty") }) {
            notes.append("WARNING: no bundled Twenty* theme remains installed, so WordPress has no theme to fall back to; "
                + "install one (e.g. twentytwentythree) or enable a theme again.")
        }
        for child in remaining where child.parentTheme.map(leaving.contains) == true {
            notes.append("WARNING: \(child.slug) is a child theme of a disabled theme and breaks without it.")
        }
        return notes
    }
}
