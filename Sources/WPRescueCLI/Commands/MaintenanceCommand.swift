import ArgumentParser
import Foundation
import WPRescueKit

struct MaintenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Show or end WordPress's maintenance mode (a .maintenance file left by an interrupted update).",
        subcommands: [Status.self, Off.self]
    )

    static func path(_ site: Site) -> String { SitePath.join(site.layout.root, ".maintenance") }

    struct Status: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether a .maintenance file is present.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let status = try site.fileSystem.status(MaintenanceCommand.path(site))
            context.console.line(status.map { "A .maintenance file is present (modified \($0.modified)): visitors may get \"Briefly unavailable for scheduled maintenance\"." }
                                 ?? "No .maintenance file: maintenance mode is off.")
            try context.console.emit(json: ["present": AnyEncodable(status != nil), "modified": AnyEncodable(status?.modified)])
        }
    }

    struct Off: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Remove .maintenance (a copy stays in the journal).")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let path = MaintenanceCommand.path(site)
            guard try site.fileSystem.exists(path) else {
                context.console.line("No .maintenance file: maintenance mode is already off.")
                try context.console.emit(json: ["operation": AnyEncodable(String?.none)])
                return
            }
            let operation = try context.apply(ChangePlan(command: CommandContext.commandLine, summary: "Remove .maintenance",
                                                         changes: [.removeFile(path: path)]), on: site)
            if let operation {
                context.console.line("Removed .maintenance. Finish the interrupted update in wp-admin → Dashboard → Updates. Undo with: wprescue undo   (operation \(operation))")
            }
            try context.console.emit(json: ["operation": AnyEncodable(operation)])
        }
    }
}
