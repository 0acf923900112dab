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
            let config = try SiteConfig.read(site)
            let snapshots = DebugSnapshotStore(state: site.journal.state)
            let path = try logPath ?? DebugLogLocation.preferred(for: site)
            let edited = try config.enablingDebug(logPath: path)
            if !context.global.dryRun, try snapshots.load() == nil { try snapshots.save(config.debugSettings) }
            try ConfigEdit(context: context, site: site).apply(from: config, to: edited, changing: DebugSettings.constantNames,
                                                              summary: "Debug log on")
            context.console.line("PHP errors now go to \(path ?? SitePath.join(site.layout.contentDirectory, "debug.log")); read them with `wprescue log`.")
            if path == nil {
                context.console.line("Note: wp-content/debug.log can be downloaded by anyone who guesses its address; run `wprescue debug off` when done.")
            }
        }
    }

    struct Off: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Put the debug settings back as they were before `debug on`.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let config = try SiteConfig.read(site)
            let snapshots = DebugSnapshotStore(state: site.journal.state)
            // Without a record of the earlier settings, "off" means WordPress's defaults.
            let snapshot = try snapshots.load() ?? DebugSettings(entries: DebugSettings.constantNames.map {
                DebugSettings.Entry(name: $0, valueSource: $0 == "WP_DEBUG" ? "false" : nil)
            })
            try ConfigEdit(context: context, site: site).apply(from: config, to: try config.restoring(snapshot),
                                                              changing: DebugSettings.constantNames, summary: "Debug log off")
            if !context.global.dryRun { try snapshots.clear() }
        }
    }
}

/// Where `debug on` remembers the settings it replaced, in the operator's state folder.
struct DebugSnapshotStore {
    let state: SiteStateDirectory
    var path: String { SitePath.join(state.path, "debug-settings-before.json") }

    func load() throws -> DebugSettings? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(DebugSettings.self, from: data)
    }

    func save(_ settings: DebugSettings) throws {
        // wprescue's own atomic write: synced to disk before the rename, readable by the operator only.
        try LocalFileSystem().writeAtomically(path, contents: try JSONEncoder().encode(settings), newFileMode: 0o600)
    }

    func clear() throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }
}
