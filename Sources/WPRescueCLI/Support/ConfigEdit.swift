import Foundation
import WPRescueKit

/// The shared end of every wp-config.php edit: show what changes (secrets masked), then
/// apply it through the journal, or only show it with --dry-run.
struct ConfigEdit {
    let context: CommandContext
    let site: Site

    /// JSON shape of an edit.
    struct Result: Encodable {
        struct Changed: Encodable {
            var name: String
            var before: String?
            var after: String?
        }
        var file: String
        var operation: String?
        var dryRun: Bool
        var changed: [Changed]
    }

    func apply(from original: WPConfigFile, to edited: WPConfigFile, changing names: [String], summary: String) throws {
        let plan = try SiteConfig.plan(site, from: original, to: edited, changing: names,
                                       command: CommandContext.commandLine, summary: summary)
        // Compared on the real source, shown masked: a new password differs from the old one
        // even though both display as ********.
        let changed = names.compactMap { name -> Result.Changed? in
            let before = original.definition(of: name), after = edited.definition(of: name)
            guard before?.valueSource != after?.valueSource else { return nil }
            return Result.Changed(name: name, before: before?.displaySource, after: after?.displaySource)
        }
        let console = context.console
        let file = SitePath.relative(site.layout.configFile, to: site.layout.root)
        if changed.isEmpty { console.line("\(file) already says so; nothing to change.") }
        for change in changed {
            console.line("\(context.global.dryRun ? "would set" : "set") \(change.name): \(change.before ?? "(not defined)") → \(change.after ?? "(removed)")")
        }
        let operation = changed.isEmpty ? nil : try context.apply(plan, on: site)
        if let operation { console.line("Saved \(file). Undo with: wprescue undo   (operation \(operation))") }
        try console.emit(json: Result(file: site.layout.configFile, operation: operation, dryRun: context.global.dryRun, changed: changed))
    }
}
