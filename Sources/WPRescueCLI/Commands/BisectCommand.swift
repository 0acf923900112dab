import ArgumentParser
import Foundation
import WPRescueKit

struct BisectCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "bisect",
        abstract: "Find the plugin, or the set of plugins, that breaks the site, by switching them and probing.",
        discussion: """
        The site must be broken now. wprescue looks with every candidate enabled and with every one disabled \
        (if the site is still broken, it is not a plugin), then searches by parts. By default nothing moves \
        while it searches: a temporary must-use plugin hides the plugins each of wprescue's signed requests \
        names, so visitors see no change and several looks run at once (--parallel); must-use plugins and \
        drop-ins are moved instead. A 502/503/504 is looked at again before it is believed, at once unless \
        the server looks loaded. Plugins named in recent fatal errors or changed in the last 48 hours are \
        tried first. At the end the culprits are disabled (moved) and everything else is where it was; \
        --restore puts everything back. The whole bisection is one operation: `wprescue undo` reverts it, \
        even after Ctrl-C or kill -9.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var probe: ProbeOptions

    @Option(name: .long, parsing: .upToNextOption, help: "Plugins to leave enabled throughout (e.g. one others depend on).")
    var keep: [String] = []

    @Flag(name: .long, help: "Include must-use plugins.")
    var includeMu = false

    @Flag(name: .long, help: "Include drop-ins (object-cache.php, advanced-cache.php, ...).")
    var includeDropins = false

    @Flag(name: .long, help: "Also test the active theme: it is swapped for a bundled Twenty* theme on wprescue's requests only (the header method; not with --method move).")
    var includeTheme = false

    @Flag(name: .long, help: "Put every plugin back at the end instead of leaving the culprits disabled.")
    var restore = false

    @Option(name: .long, help: ArgumentHelp("header: move nothing while searching; a temporary must-use plugin, written once, hides the plugins each of wprescue's requests names and signs with a secret, so visitors see no change until the end and looks run side by side. move: switch plugins by moving them (what you would do over FTP). auto (default): header when it can work, else move, saying why.", valueName: "auto|header|move"))
    var method: SiteBisection.Method = .automatic

    @Option(name: .long, help: "Looks in flight at once with the header method (default 3, which leaves room for visitors in a PHP-FPM pool of 5).")
    var parallel: Int = 3

    @OptionGroup var timing: SearchTimingOptions

    func validate() throws {
        if method == .header && (includeMu || includeDropins) {
            throw ValidationError("--method header hides regular plugins only; must-use plugins and drop-ins need --method move.")
        }
        if method == .move && includeTheme {
            throw ValidationError("--include-theme needs the header method: an active theme moved away leaves visitors a blank page.")
        }
        if !(1...16).contains(parallel) { throw ValidationError("--parallel takes 1 to 16 looks.") }
    }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let console = context.console
        let urls = try probe.pages(context: context)
        var options = SiteBisection.Options()
        options.keep = keep
        options.method = method
        options.parallel = parallel
        options.includeTheme = includeTheme
        if includeMu { options.kinds.insert(.mustUse) }
        if includeDropins { options.kinds.insert(.dropIn) }
        options.restore = restore
        options.settle = timing.settle
        options.policy = timing.policy
        options.command = CommandContext.commandLine
        let terminal = context.terminal
        options.chooseToDisable = { set in chooseToDisable(set, console: console, terminal: terminal) }
        let bisection = SiteBisection(site: site, prober: probe.prober(), urls: urls, options: options)
        let candidates = try bisection.candidates()
        guard !candidates.isEmpty else { throw SiteBisection.Failure.noCandidates }
        // First guesses: plugins named in recent fatal errors, then recently changed ones.
        let suspects = BisectPlugins.suspects(site: site, candidates: candidates, now: Date())
        console.line("Bisecting \(candidates.count) plugins against \(urls.joined(separator: ", "))\(suspects.isEmpty ? "" : "; trying first: \(suspects.joined(separator: ", "))").")
        if global.dryRun {
            console.line(BisectPlugins.dryRunDescription(method: method, candidates: candidates))
            return
        }
        let outcome: SiteBisection.Outcome
        do {
            outcome = try bisection.run(suspects: suspects) { console.line(BisectCommand.progressLine($0)) }
        } catch {
            console.note("Stopped by an error; every plugin was put back (or `wprescue undo` will).")
            throw error
        }
        try report(outcome, console: console)
        if !outcome.healthyAtEnd { throw ExitCode(2) }
    }

    /// A plugin alone is disabled. For plugins that only break the site together, the
    /// person at the terminal may keep one of them; otherwise (or with --yes) all are disabled.
    private func chooseToDisable(_ set: [String], console: Console, terminal: Terminal) -> [String] {
        guard set.count > 1, !global.yes, terminal.isInteractive, !console.isJSON else { return set }
        console.line("These plugins break the site only together: \(set.joined(separator: ", ")). Which one should stay enabled?")
        for (index, slug) in set.enumerated() { console.line("  \(index + 1)) keep \(slug), disable the others") }
        console.line("  \(set.count + 1)) disable all of them (default)")
        guard let choice = terminal.choose(count: set.count + 1, defaultChoice: set.count + 1, prompt: "Choice [\(set.count + 1)]: "),
              choice <= set.count else { return set }
        return set.enumerated().filter { $0.offset != choice - 1 }.map(\.element)
    }

    private func report(_ outcome: SiteBisection.Outcome, console: Console) throws {
        let operation = outcome.operation, seconds = outcome.seconds
        let result = outcome.result
        console.line("")
        switch result.conclusion {
        case .culpritsFound(let sets):
            for set in sets {
                console.line(set.count == 1 ? "Culprit: \(set[0]) breaks the site on its own."
                                            : "Culprits: \(set.joined(separator: " + ")) break the site only together (a conflict).")
            }
            if outcome.culpritCandidates.joined().contains(.activeTheme) {
                console.line("The active theme breaks the site: with a bundled default theme it works. Switch themes in wp-admin → Appearance → Themes, or update or fix the theme; wprescue leaves the theme in place.")
            }
            if restore {
                console.line("Every plugin was put back (--restore); the site is broken again.")
            } else if !outcome.disabled.isEmpty {
                console.line("Left disabled: \(outcome.disabled.joined(separator: ", ")); every other plugin is back. Site now: \(outcome.finalVerdict?.rawValue ?? "unknown").")
                console.line("Next: update the plugin, or replace it, and report the error to its author (the site's debug.log has the details). "
                    + PluginsCommand.activeListNote)
            }
        case .notBroken:
            console.line("The site is healthy with every plugin enabled: nothing to bisect.")
        case .notAPluginProblem:
            console.line("The site stays broken with every plugin disabled: it is not a plugin. Look at the theme "
                + "(`wprescue themes disable`), drop-ins (--include-dropins), must-use plugins (--include-mu), "
                + "WordPress core files, the server (PHP-FPM, memory) or the database. Every plugin was put back.")
        case .inconclusive(let partial):
            console.line("The site answered too unreliably to conclude\(partial.isEmpty ? "" : " (found so far: \(partial.map { $0.joined(separator: " + ") }.joined(separator: "; ")))"); every plugin was put back. Try again when the server is calmer.")
        }
        console.line(outcome.methodNote.map { "Method: \($0)." } ?? (outcome.method == .header
            ? "Method: header (a temporary must-use plugin hid plugins from wprescue's signed requests only; visitors saw no change until the end)."
            : "Method: move."))
        console.line(String(format: "%d probes (%d repeats), %.1f s. Undo with: wprescue undo   (operation %@)", result.probes, result.retries, seconds, operation))
        try console.emit(json: BisectJSON(outcome: result.conclusion.outcome, culprits: result.culprits, probes: result.probes,
                                          retries: result.retries, steps: result.steps, seconds: seconds,
                                          disabled: outcome.disabled, finalVerdict: outcome.finalVerdict, operation: operation,
                                          method: outcome.method.rawValue))
    }

    static func progressLine(_ look: SiteBisectOracle.Look) -> String {
        let disabled = look.disabled.isEmpty ? "none" : look.disabled.count <= 4 ? look.disabled.joined(separator: ", ")
            : look.disabled.prefix(3).joined(separator: ", ") + " and \(look.disabled.count - 3) more"
        return String(format: "  %3d enabled, disabled: %@  →  %@  (%.1f s)", look.enabled.count, disabled,
                      look.report.verdict.rawValue, look.seconds)
    }
}

/// `bisect --format json` (documented in the README).
struct BisectJSON: Encodable {
    var outcome: String
    var culprits: [[String]]
    var probes: Int
    var retries: Int
    var steps: [BisectStep]
    var seconds: Double
    var disabled: [String]
    var finalVerdict: ProbeVerdict?
    var operation: String
    var method: String
}

extension SiteBisection.Method: ExpressibleByArgument {}
