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
    /// In WordPress's active_plugins option, or on a network active for the network or on any
    /// site (nil when the database could not be read).
    var active: Bool?
    /// Multisite only: network-activated (active_sitewide_plugins).
    var networkActive: Bool?
    /// Multisite only: the sites (blog ids) whose own active_plugins name it.
    var activeOnSites: [Int]?

    init(_ item: Extension, active: Bool? = nil, networkActive: Bool? = nil, activeOnSites: [Int]? = nil) {
        self.networkActive = networkActive
        self.activeOnSites = activeOnSites
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

    /// `active`: where WordPress activates each plugin, when the database was readable.
    func list(_ items: [Extension], key: String, active: PluginActivation? = nil) throws {
        func isActive(_ item: Extension) -> Bool? {
            guard let active, item.kind == .plugin else { return nil }
            return active.isActive(item.slug)
        }
        /// yes/no on a single site; on a network, "network" and/or the sites that activated it.
        func activeColumn(_ item: Extension) -> String {
            guard let active, item.kind == .plugin else { return "-" }
            guard active.isNetwork else { return active.isActive(item.slug) ? "yes" : "no" }
            var places: [String] = []
            if active.network.contains(item.slug) { places.append("network") }
            let sites = active.sitesActivating(item.slug)
            if !sites.isEmpty { places.append((sites.count == 1 ? "site " : "sites ") + sites.map(String.init).joined(separator: ",")) }
            return places.isEmpty ? "no" : places.joined(separator: " + ")
        }
        var header = ["SLUG", "NAME", "VERSION", "KIND", "STATE"]
        if active != nil { header.append("ACTIVE") }
        context.console.table(header, items.map { item in
            let row = [item.slug, item.name ?? "-", item.version ?? "-", item.kind.rawValue, item.state.rawValue]
            guard active != nil else { return row }
            return row + [activeColumn(item)]
        })
        if items.isEmpty { context.console.line("(none)") }
        if let active, active.isNetwork {
            let sites = active.networkSites.map { "\($0.id) \($0.address)" }.joined(separator: ", ")
            // Without it, "site 2" in the table names nothing a person knows.
            context.console.line("Multisite network; sites: \(sites.isEmpty ? "(none)" : sites). \"network\": active on every site.")
        }
        if active == nil, key == "plugins" { context.console.detail("(the database was not reachable, so whether each plugin is active is unknown)") }
        try context.console.emit(json: [key: items.map { item in
            guard let active, active.isNetwork, item.kind == .plugin else { return ExtensionJSON(item, active: isActive(item)) }
            return ExtensionJSON(item, active: isActive(item), networkActive: active.network.contains(item.slug),
                                 activeOnSites: active.sitesActivating(item.slug))
        }])
    }
}
