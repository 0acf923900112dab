import ArgumentParser
import CSystemShims
import WPRescueSFTP
import Foundation

/// The root command: lists the subcommands (each lives in its own file under Commands/) and
/// answers `--version`.
public struct WPRescueCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wprescue",
        abstract: "Bring a broken WordPress site back, over SFTP or on the local disk, and undo anything it did.",
        discussion: """
        Every change is journaled before it happens, in your own state folder (never in the web root), \
        so `wprescue undo` reverts it byte-for-byte, even after a crash.
        """,
        subcommands: [
            RescueCommand.self,
            DiagnoseCommand.self,
            ProbeCommand.self,
            BisectCommand.self,
            PluginsCommand.self,
            CoreCommand.self,
            ThemesCommand.self,
            ConfigCommand.self,
            DebugCommand.self,
            MemoryCommand.self,
            HtaccessCommand.self,
            MaintenanceCommand.self,
            LogCommand.self,
            PlaybookCommand.self,
            HistoryCommand.self,
            DBCommand.self,
            LoginCommand.self,
            RecoveryLinkCommand.self,
            URLCommand.self,
            UsersCommand.self,
            UndoCommand.self,
        ]
    )

    /// Declared here too so the global options may come before the subcommand
    /// (`wprescue --site /var/www/html plugins list`); subcommands receive the same values.
    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print wprescue's version; with --verbose, also the libssh2, libmariadb and libcurl it loaded.")
    var version = false

    public init() {}

    /// Runs only without a subcommand: `--version`, else the help.
    public func run() throws {
        guard version else { throw CleanExit.helpRequest(self) }
        let libraries = WPRescueVersion.libraries
        let console = Console(format: global.format, verbose: global.verbose)
        console.line("wprescue \(WPRescueVersion.current)")
        for library in libraries { console.detail("\(library.name) \(library.version)") }
        try console.emit(json: VersionReport(version: WPRescueVersion.current,
                                             libraries: Dictionary(uniqueKeysWithValues: libraries.map { ($0.name, $0.version) })))
    }

    /// `--version --format json`: the libraries are always included, scripts need not ask twice.
    private struct VersionReport: Encodable {
        let version: String
        let libraries: [String: String]
    }

    /// Runs the command line; a mistake in it gets one line on standard error, not a usage block.
    public static func runFromCommandLine() -> Never {
        // wprescue holds passwords in memory: no core file may keep them.
        _ = wprescue_disable_core_dumps()
        do {
            var command = try parseAsRoot()
            try command.run()
            SSHTunnel.closeAll()
            exit()
        } catch let code as ExitCode {
            SSHTunnel.closeAll()
            exit(withError: code)
        } catch {
            SSHTunnel.closeAll()
            // Help and --version are "errors" that exit 0: print them as argument-parser does.
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let cleaned = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            // Errors quote site paths and names, which a hacked site chooses: inert, like all output.
            FileHandle.standardError.write(Data("wprescue: \(TerminalText.inert(cleaned)) (see `wprescue --help`)\n".utf8))
            exit(withError: ExitCode(exitCode(for: error).rawValue))
        }
    }
}
