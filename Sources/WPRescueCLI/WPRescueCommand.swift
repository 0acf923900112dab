import ArgumentParser

/// The root command: only lists the subcommands; each lives in its own file under Commands/.
public struct WPRescueCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wprescue",
        abstract: "Bring a broken WordPress site back, over SFTP or on the local disk, and undo anything it did.",
        discussion: """
        Every change is journaled before it happens, in your own state folder (never in the web root), \
        so `wprescue undo` reverts it byte-for-byte, even after a crash.
        """,
        subcommands: [
            ProbeCommand.self,
            BisectCommand.self,
            PluginsCommand.self,
            ThemesCommand.self,
            HistoryCommand.self,
            DBCommand.self,
            UndoCommand.self,
        ]
    )

    /// Declared here too so the global options may come before the subcommand
    /// (`wprescue --site /var/www/html plugins list`); subcommands receive the same values.
    @OptionGroup var global: GlobalOptions

    public init() {}
}
