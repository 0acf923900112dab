import Foundation
import WPRescueKit

/// The shared end of every wp-config.php edit: show what changes (secrets masked), then
/// apply it through the journal, or only show it with --dry-run.
struct ConfigEdit {
    let context: CommandContext
    let site: Site

    /// JSON shape of an edit.
    struct Result: Encodable {
        var file: String
        var operation: String?
        var dryRun: Bool
        var changed: [ConfigEditPlan.Changed]
    }

    func apply(from original: WPConfigFile, to edited: WPConfigFile, changing names: [String], summary: String) throws {
        let edit = try ConfigEditPlan(site: site, from: original, to: edited, changing: names,
                                      command: CommandContext.commandLine, summary: summary)
        try apply(edit.plan, changed: edit.changed)
    }

    /// Shows and applies a remedy's edit; its notes follow when something changed.
    func apply<Facts>(_ remedy: RemedyPlan<Facts>, changed: [ConfigEditPlan.Changed]) throws {
        try apply(remedy.changes, changed: changed, notes: remedy.notes)
    }

    private func apply(_ plan: ChangePlan, changed: [ConfigEditPlan.Changed], notes: [String] = []) throws {
        let console = context.console
        // Bedrock's settings may be spread over .env and config/: name the files written.
        let written = plan.changes.compactMap { change -> String? in
            if case .write(let path, _) = change { return path }
            return nil
        }
        let base = site.layout.bedrock?.projectRoot ?? site.layout.root
        let file = site.layout.bedrock != nil && !written.isEmpty
            ? written.map { SitePath.relative($0, to: base) }.joined(separator: ", ")
            : SitePath.relative(site.layout.configFile, to: site.layout.root)
        if changed.isEmpty {
            console.line("\(site.layout.bedrock == nil ? file : "Bedrock's settings") already say\(site.layout.bedrock == nil ? "s" : "") so; nothing to change.")
        }
        for change in changed { console.line("\(context.global.dryRun ? "would set" : "set") \(change.line)") }
        let operation = changed.isEmpty ? nil : try context.apply(plan, on: site)
        if let operation {
            console.line("Saved \(file). Undo with: wprescue undo   (operation \(operation))")
            for note in notes { console.line("Note: \(note)") }
        }
        try console.emit(json: Result(file: site.layout.configFile, operation: operation, dryRun: context.global.dryRun, changed: changed))
    }
}
