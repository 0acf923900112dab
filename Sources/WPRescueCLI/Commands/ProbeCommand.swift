import ArgumentParser
import Foundation
import WPRescueKit

struct ProbeCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Fetch the site like a first-time visitor and say whether it is healthy.",
        discussion: """
        Each page gets a unique query parameter and Cache-Control: no-cache, so a page cache cannot hide \
        an outage. Exit status: 0 healthy, 2 broken, 1 when the probe itself could not run.
        Verdicts: \(ProbeVerdict.allCases.map(\.rawValue).joined(separator: ", ")).
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: ProbeOptions
    static let runsOnAliasGroups = true

    func execute(_ context: CommandContext) throws {
        let report = probe.prober().probe(try probe.pages(context: context))
        let console = context.console
        let width = report.pages.map(\.url.count).max() ?? 0
        for page in report.pages {
            let timing = String(format: "%.3f s (dns %.3f, connect %.3f, tls %.3f, first byte %.3f)", page.timings.total,
                                page.timings.dns, page.timings.connect, page.timings.tls, page.timings.firstByte)
            console.line("\(page.url.padding(toLength: width, withPad: " ", startingAt: 0))  \(page.verdict.rawValue)  \(page.evidence)  \(timing)")
        }
        console.line("Verdict: \(report.verdict.rawValue): \(report.verdict.explanation).")
        try console.emit(json: report)
        if !report.isHealthy { throw ExitCode(2) }
    }
}
