import ArgumentParser
import Foundation
import WPRescueKit

struct RescueCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescue",
        abstract: "Get the site back: diagnose, then fix, least invasive first, probing after every step.",
        discussion: """
        In order, stopping as soon as the site is healthy: remove a stuck .maintenance; rewrite a broken \
        .htaccess; capture the PHP error of wprescue's own request with a temporary must-use plugin \
        (removed at once; --no-capture skips it) and act on it (raise WP_MEMORY_LIMIT for memory \
        exhaustion, disable the plugin, theme or drop-in a fatal error names); act the same way on recent \
        fatal errors in the logs; if nothing explains it, turn on the debug log (never shown to visitors), \
        reproduce and read it; then bisect plugins, must-use plugins \
        and drop-ins. A change that does not help is put back. Database errors are explained, never \
        "fixed". Without --yes every change is confirmed first. `wprescue undo --all` reverts everything.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: ProbeOptions

    @Option(name: .long, parsing: .upToNextOption, help: "A PHP-FPM, nginx or Apache error log to read too (repeatable).")
    var serverLog: [String] = []

    @Option(name: .long, help: "Write an incident report (Markdown: verdicts, changes, timeline, how to undo) to this file.")
    var report: String?

    @OptionGroup var timing: SearchTimingOptions

    @Flag(name: .long, help: "Do not capture the PHP error with a temporary must-use plugin; go from the logs to the debug log.")
    var noCapture = false

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let urls = try probe.pages(context: context)
        let console = context.console
        if global.dryRun {
            let diagnosis = Diagnostician(site: site, prober: probe.prober(), options: {
                var options = Diagnostician.Options()
                options.urls = urls
                options.serverLogs = serverLog
                return options
            }()).diagnose()
            console.line("Dry run: rescue would start from these findings and change nothing now.")
            for finding in diagnosis.findings where finding.severity != .info { DiagnoseCommand.print(finding, on: console) }
            try console.emit(json: diagnosis)
            return
        }
        var options = Rescuer.Options()
        options.urls = urls
        options.serverLogs = serverLog
        options.settle = timing.settle
        options.capture = !noCapture
        options.policy = timing.policy
        options.command = CommandContext.commandLine
        options.databaseCheck = { SiteDatabase.findings(context, site: site, expectedURL: urls.first) }
        options.planCoreRepair = { command in try CoreCommand.planRepair(site, command: command) }
        options.siteAddress = {
            let opened = SiteDatabase.open(context, site: site)
            let prefix = opened?.credentials.tablePrefix ?? "wp_"
            guard let settings = try? SiteAddressSettings.read(site: site, database: opened?.database, tablePrefix: prefix) else { return nil }
            return (settings, prefix, opened?.database)
        }
        options.pluginActivation = { SiteDatabase.activePlugins(context, site: site) }
        let delegate = TerminalRescueDelegate(console: console, terminal: context.terminal, assumeYes: global.yes)
        console.line("Rescuing \(site.identity), probing \(urls.joined(separator: ", ")).")
        let result = try Rescuer(site: site, prober: probe.prober(), options: options, delegate: delegate).run()

        console.line("")
        console.line("Before: \(result.before.rawValue). After: \(result.after.rawValue)\(result.healthy ? " (the site is back)" : "").")
        if let cause = result.causeSummary { console.line("Cause: \(cause).") }
        if let phpError = result.phpError { console.line("PHP error: \(phpError)") }
        let kept = result.actions.filter(\.kept)
        console.line(kept.isEmpty ? "Changed: nothing." : "Changed:")
        for action in kept { console.line("  - \(action.description)   (operation \(action.operation))") }
        for step in result.nextSteps { console.line("Next: \(step)") }
        let undoAll = context.pasteableCommand(["undo", "--all"])
        if !result.actions.isEmpty { console.line("Undo everything with: \(undoAll)") }
        if let report {
            try Data(result.markdown(site: global.site ?? site.identity, urls: urls, undoCommand: undoAll).utf8).write(to: URL(fileURLWithPath: report))
            console.line("Incident report written to \(report).")
        }
        try console.emit(json: result)
        if !result.healthy { throw ExitCode(2) }
    }
}

/// Progress lines, confirmations and choices on the terminal.
final class TerminalRescueDelegate: RescueDelegate {
    let console: Console
    let terminal: Terminal
    let assumeYes: Bool

    init(console: Console, terminal: Terminal, assumeYes: Bool) {
        self.console = console
        self.terminal = terminal
        self.assumeYes = assumeYes
    }

    func progress(_ line: String) { console.line(line) }

    func confirm(_ change: String) throws -> Bool {
        console.line("→ \(change)")
        return try terminal.confirm("Go ahead?", assumeYes: assumeYes)
    }

    func bisectLook(_ look: SiteBisectOracle.Look) { console.line(BisectCommand.progressLine(look)) }

    func chooseToDisable(_ set: [String]) -> [String] { set }
}
