import ArgumentParser
import Foundation
import WPRescueDatabase
import WPRescueKit

/// A subcommand that works on one site. It implements `execute`; `run` turns every
/// failure into one sentence on standard error and a non-zero exit.
protocol SiteCommand: ParsableCommand {
    var global: GlobalOptions { get }
    /// True for commands that only read, which may run on every site of an alias group.
    static var runsOnAliasGroups: Bool { get }
    /// False for the commands that must not change the site on their own account (undo).
    static var removesExpiredLoginHelpers: Bool { get }
    func execute(_ context: CommandContext) throws
}

extension SiteCommand {
    static var runsOnAliasGroups: Bool { false }
    static var removesExpiredLoginHelpers: Bool { true }

    func run() throws {
        let console = Console(format: global.format, verbose: global.verbose)
        do {
            let environment = ProcessInfo.processInfo.environment
            if Self.runsOnAliasGroups, let group = try AliasGroupRun.group(named: global.site ?? environment["WPRESCUE_SITE"], environment: environment) {
                return try AliasGroupRun.run(group, console: console, environment: environment)
            }
            try execute(CommandContext(global: global, console: console, removesExpiredLoginHelpers: Self.removesExpiredLoginHelpers))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            console.error(error.localizedDescription)
            throw ExitCode.failure
        }
    }
}

/// What a command needs at hand: the options, the console, the terminal for questions, and the site once opened.
final class CommandContext {
    let global: GlobalOptions
    let console: Console
    let terminal: Terminal
    private var openedSite: Site?
    private(set) var alias: SiteAlias?
    /// Set by `databaseTunnels(for:)`; closed with the context.
    var openedTunnels: DatabaseTunnels?

    /// Whether opening the site removes one-time login helpers whose link expired.
    private let removesExpiredLoginHelpers: Bool

    init(global: GlobalOptions, console: Console, terminal: Terminal = Terminal(), removesExpiredLoginHelpers: Bool = true) {
        self.global = global
        self.console = console
        self.terminal = terminal
        self.removesExpiredLoginHelpers = removesExpiredLoginHelpers
    }

    /// Opens the site named by --site, $WPRESCUE_SITE or an alias (once).
    func site() throws -> Site {
        if let openedSite { return openedSite }
        let environment = ProcessInfo.processInfo.environment
        guard var address = global.site ?? environment["WPRESCUE_SITE"], !address.isEmpty else { throw CLIError.noSite }
        if address.hasPrefix("@") {
            let resolved = try SiteAliases.resolve(address, searchPaths: SiteAliases.searchPaths(
                currentDirectory: FileManager.default.currentDirectoryPath, environment: environment))
            alias = resolved
            address = resolved.site
        }
        let site = try SiteConnector.open(address, global: global, alias: alias, console: console, terminal: terminal,
                                          environment: environment)
        openedSite = site
        if removesExpiredLoginHelpers && !global.dryRun { removeExpiredLoginHelpers(site) }
        return site
    }

    /// A login helper must not outlive its link: whatever the command, an expired one goes first
    /// (journaled). Failing here does not stop the command; the next one tries again.
    private func removeExpiredLoginHelpers(_ site: Site) {
        do {
            let plan = try LoginLink(site: site).sweep(command: Self.commandLine)
            guard !plan.isEmpty else { return }
            let operation = try site.journal.apply(plan)
            console.detail("Removed an expired one-time login helper (operation \(operation)).")
        } catch {
            console.detail("Could not remove an expired one-time login helper: \(error.localizedDescription)")
        }
    }

    /// Applies a plan, or in --dry-run shows it. Returns the operation id (nil when dry or empty).
    func apply(_ plan: ChangePlan, on site: Site) throws -> String? {
        if global.dryRun || plan.isEmpty {
            for change in plan.changes { console.line("would \(change.describe(relativeTo: site.layout.root))") }
            return nil
        }
        for change in plan.changes { console.detail(change.describe(relativeTo: site.layout.root)) }
        return try site.journal.apply(plan)
    }

    /// `wprescue` with the options that reached this site (never a password: those come from a
    /// prompt or the environment), then `arguments`: a command that works when pasted.
    func pasteableCommand(_ arguments: [String], site: String? = nil) -> String {
        var words = ["wprescue"]
        if let site = site ?? global.site ?? ProcessInfo.processInfo.environment["WPRESCUE_SITE"] { words += ["--site", site] }
        if let identity = global.identity { words += ["--identity", identity] }
        if let knownHosts = global.knownHosts { words += ["--known-hosts", knownHosts] }
        return (words + arguments).map(Self.shellQuoted).joined(separator: " ")
    }

    /// A word as a POSIX shell reads it back unchanged.
    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || "@%+=:,./_-".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The command line as typed, minus anything after a secret-bearing option.
    static var commandLine: String {
        CommandLine.arguments.dropFirst().joined(separator: " ")
    }
}
