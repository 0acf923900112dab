import Foundation
import WPRescueKit

/// JSON shape of one plugin or theme (stable field names, documented in the README).
struct ExtensionJSON: Encodable {
    var slug: String
    var name: String?
    var version: String?
    var kind: String
    var state: String
    var parentTheme: String?
    var path: String
    var modified: Date
    /// In WordPress's active_plugins option (nil when the database could not be read).
    var active: Bool?

    init(_ item: Extension, active: Bool? = nil) {
        slug = item.slug
        name = item.name
        version = item.version
        kind = item.kind.rawValue
        state = item.state.rawValue
        parentTheme = item.parentTheme
        path = item.path
        modified = item.modified
        self.active = active
    }
}

/// JSON shape of a disable/enable result.
struct SwitchJSON: Encodable {
    var operation: String?
    var dryRun: Bool
    var changed: [String]
    var unchanged: [String]
    var changes: [String]
    var notes: [String]
}

/// The part of `plugins` and `themes` that is the same: apply the switch remedy and report it; list.
struct ExtensionSwitchRunner {
    let context: CommandContext
    let site: Site

    func run(_ direction: ExtensionSwitch.Direction, selected: [Extension]) throws {
        let remedy = try SwitchExtensions(site: site, direction: direction, extensions: selected).plan(command: CommandContext.commandLine)
        let operation = try context.apply(remedy.changes, on: site)
        let console = context.console, dryRun = context.global.dryRun
        remedy.facts.summaryLines(dryRun: dryRun).forEach { console.line($0) }
        if !remedy.facts.changed.isEmpty {
            if dryRun {
                console.line("Dry run: nothing was changed.")
            } else {
                for note in remedy.notes { console.line("Note: \(note)") }
                console.line("Undo with: wprescue undo\(operation.map { "   (operation \($0))" } ?? "")")
            }
        }
        try console.emit(json: SwitchJSON(operation: operation, dryRun: dryRun, changed: remedy.facts.changed,
                                          unchanged: remedy.facts.unchanged,
                                          changes: remedy.changes.changes.map { $0.describe(relativeTo: site.layout.root) },
                                          notes: remedy.notes))
    }

    /// `active`: the plugins WordPress's active_plugins option names, when the database was readable.
    func list(_ items: [Extension], key: String, active: Set<String>? = nil) throws {
        func isActive(_ item: Extension) -> Bool? {
            guard let active, item.kind == .plugin else { return nil }
            return active.contains(item.slug)
        }
        var header = ["SLUG", "NAME", "VERSION", "KIND", "STATE"]
        if active != nil { header.append("ACTIVE") }
        context.console.table(header, items.map { item in
            let row = [item.slug, item.name ?? "-", item.version ?? "-", item.kind.rawValue, item.state.rawValue]
            guard active != nil else { return row }
            return row + [isActive(item).map { $0 ? "yes" : "no" } ?? "-"]
        })
        if items.isEmpty { context.console.line("(none)") }
        if active == nil, key == "plugins" { context.console.detail("(the database was not reachable, so whether each plugin is active is unknown)") }
        try context.console.emit(json: [key: items.map { ExtensionJSON($0, active: isActive($0)) }])
    }
}
