import ArgumentParser
import WPRescueKit

struct MemoryCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Raise PHP's memory limit for WordPress (WP_MEMORY_LIMIT, and WP_MAX_MEMORY_LIMIT when lower).",
        discussion: "WordPress can only raise PHP's limit up to what the host allows; if the error persists, ask the host."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The limit: 256M, 512M, 1G, or -1 for none.") var limit: String

    func validate() throws {
        guard PHPMemorySize(limit) != nil else { throw ValidationError(RemedyError.invalidMemoryLimit(limit).localizedDescription) }
    }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let remedy = try RaiseMemory(site: site, limit: limit).plan(command: CommandContext.commandLine)
        try ConfigEdit(context: context, site: site).apply(remedy, changed: remedy.facts.changed)
    }
}
