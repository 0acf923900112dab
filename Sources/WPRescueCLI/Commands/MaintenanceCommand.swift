import ArgumentParser
import Foundation
import WPRescueKit

struct MaintenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Show or end WordPress's maintenance mode (a .maintenance file left by an interrupted update).",
        subcommands: [Status.self, Off.self]
    )

    struct Status: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether a .maintenance file is present.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let facts = try EndMaintenance(site: site).facts()
            context.console.line(facts.modified.map { "A .maintenance file is present (modified \($0)): visitors may get \"Briefly unavailable for scheduled maintenance\"." }
                                 ?? "No .maintenance file: maintenance mode is off.")
            try context.console.emit(json: ["present": AnyEncodable(facts.present), "modified": AnyEncodable(facts.modified)])
        }
    }

    struct Off: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Remove .maintenance (a copy stays in the journal).")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let remedy = try EndMaintenance(site: site).plan(command: CommandContext.commandLine)
            let operation = try context.apply(remedy.changes, on: site)
            if operation != nil || !remedy.facts.present { remedy.notes.forEach { context.console.line($0) } }
            if let operation { context.console.line("Undo with: wprescue undo   (operation \(operation))") }
            try context.console.emit(json: ["operation": AnyEncodable(operation)])
        }
    }
}
