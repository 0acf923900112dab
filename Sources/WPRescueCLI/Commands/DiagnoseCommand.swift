import ArgumentParser
import Foundation
import WPRescueKit

struct DiagnoseCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Gather evidence about what is wrong, change nothing, and say which command fixes each finding.",
        discussion: """
        Looks at: what visitors get (probe); when the site is broken, the PHP error of wprescue's own \
        request, caught by a temporary must-use plugin (journaled and removed at once; --no-capture \
        skips it); recent fatal errors in debug.log and in server error logs \
        (given with --server-log or found readable), wp-config.php, a stuck .maintenance, .htaccess, \
        drop-ins, plugins and themes changed in the last 48 hours, and the database. Exit status 2 when \
        something critical was found.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: ProbeOptions
    static let runsOnAliasGroups = true

    @Option(name: .long, parsing: .upToNextOption, help: "A PHP-FPM, nginx or Apache error log to read too (repeatable).")
    var serverLog: [String] = []

    @Option(name: .long, help: "How far back log entries count: 30m, 6h, 2d.")
    var since: String = "24h"

    @Flag(name: .long, help: "Skip the database checks.")
    var noDatabase = false

    @Flag(name: .long, help: "Skip comparing core and plugin files with WordPress.org's checksums (which reads every one of them).")
    var noChecksums = false
    @Flag(name: .long, help: "Read the logs only: do not capture the PHP error with a temporary must-use plugin when the site is broken.")
    var noCapture = false

    func validate() throws {
        if LogCommand.date(since) == nil { throw ValidationError("--since takes 30m, 6h, 2d or an ISO date.") }
    }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let urls = (try? probe.pages(context: context)) ?? []
        var options = Diagnostician.Options()
        options.urls = urls
        options.serverLogs = serverLog
        options.since = LogCommand.date(since) ?? options.since
        if !noChecksums { options.coreCheck = { CoreCommand.findings(site) } }
        options.capture = !noCapture && !global.dryRun
        options.command = CommandContext.commandLine
        let diagnosis = Diagnostician(site: site, prober: urls.isEmpty ? nil : probe.prober(), options: options,
                                      databaseCheck: noDatabase ? nil : { SiteDatabase.findings(context, site: site, expectedURL: urls.first) }).diagnose()
        let console = context.console
        if urls.isEmpty { console.line("(No URL known, so the site was not probed: pass --url.)") }
        if let verdict = diagnosis.verdict { console.line("Site: \(verdict.rawValue): \(verdict.explanation).") }
        console.line("Logs read: \(diagnosis.logsRead.isEmpty ? "none found" : diagnosis.logsRead.joined(separator: ", ")).")
        if let capture = diagnosis.capture {
            if let unavailable = capture.unavailable { console.line("Error capture: not possible: \(unavailable)") }
            for error in capture.errors { console.line("PHP error (captured on wprescue's own request): \(error.quoted)") }
            if capture.errors.isEmpty, let silent = capture.silentPages { console.line("Error capture: nothing to capture: \(silent).") }
        }
        console.line("")
        for finding in diagnosis.findings { DiagnoseCommand.print(finding, on: console) }
        try console.emit(json: diagnosis)
        if diagnosis.findings.contains(where: { $0.severity == .critical }) { throw ExitCode(2) }
    }

    static func print(_ finding: Finding, on console: Console) {
        console.line("[\(finding.severity.rawValue)] \(finding.id.rawValue): \(finding.summary)")
        for line in finding.evidence.prefix(3) { console.line("    \(line)") }
        if let fix = finding.fix { console.line("    fix: \(fix)") }
    }
}
