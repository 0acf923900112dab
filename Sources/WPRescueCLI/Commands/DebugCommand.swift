import ArgumentParser
import Foundation
import WPRescueKit

struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Turn WordPress's error log on (never shown to visitors) or back off.",
        discussion: """
        `debug on` sets WP_DEBUG true, WP_DEBUG_LOG and WP_DEBUG_DISPLAY false. The log goes outside the web \
        root when the folder above the site belongs to the site's owner (wp-content/debug.log can be \
        downloaded by anyone); --log-path chooses. `debug off` puts back exactly what was there before.
        """,
        subcommands: [On.self, Off.self]
    )

    struct On: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Log PHP errors to a file, display none.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Where PHP writes the log (absolute path on the server).")
        var logPath: String?

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let remedy = try TurnOnDebugLog(site: site, logPath: logPath).plan(command: CommandContext.commandLine)
            if !context.global.dryRun { try TurnOnDebugLog.remember(remedy, in: DebugSnapshotStore(state: site.journal.state)) }
            try ConfigEdit(context: context, site: site).apply(remedy, changed: remedy.facts.changed)
            context.console.line("Read the log with `wprescue log`; `wprescue debug off` puts the settings back.")
        }
    }

    struct Off: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Put the debug settings back as they were before `debug on`.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let snapshots = DebugSnapshotStore(state: site.journal.state)
            // Without a record of the earlier settings, "off" means WordPress's defaults.
            let remedy = try TurnOffDebugLog(site: site, snapshot: try snapshots.load() ?? TurnOffDebugLog.wordPressDefaults)
                .plan(command: CommandContext.commandLine)
            try ConfigEdit(context: context, site: site).apply(remedy, changed: remedy.facts.changed)
            if !context.global.dryRun { try snapshots.clear() }
        }
    }
}
