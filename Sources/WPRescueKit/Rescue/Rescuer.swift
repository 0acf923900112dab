import Foundation

/// Talks to the person running a rescue; the CLI implements it.
public protocol RescueDelegate: AnyObject {
    func progress(_ line: String)
    /// Asked before every change; false skips it. May throw when nobody can answer.
    func confirm(_ change: String) throws -> Bool
    func bisectLook(_ look: SiteBisectOracle.Look)
    /// For plugins that only break the site together: which of them to disable.
    func chooseToDisable(_ set: [String]) -> [String]
}

/// Gets a broken site back with the least invasive fix first, probing after every change
/// and stopping as soon as the site is healthy. A change that does not help is reverted.
/// Each fix is a remedy (`Remedies/`); this class only chooses, sequences and judges them.
public final class Rescuer {
    /// A fix already made (or declined) in this rescue, so evidence seen twice is not acted on twice.
    enum Attempt: Hashable {
        case raiseMemory(to: String)
        case disable(String)
    }

    public struct Options {
        public var urls: [String] = []
        public var serverLogs: [String] = []
        public var settle: TimeInterval = 2.1
        public var policy = BisectPolicy(transientConfirmations: 2, retryDelays: [1, 3])
        public var command = "rescue"
        /// Database findings, when database access is available (never changes the database).
        public var databaseCheck: (() -> [Finding])?
        /// Plans the repair of damaged core files (nil when core matches the release), when
        /// WordPress.org's checksums can be reached.
        public var planCoreRepair: ((String) throws -> RemedyPlan<RepairCore.Facts>?)?
        /// Capture the PHP error with the companion must-use plugin before turning the debug log on.
        public var capture = true
        /// The site's address as WordPress reads it, with the database to change it when reachable,
        /// for a redirect loop; nil skips that step.
        public var siteAddress: (() -> (settings: SiteAddressSettings, tablePrefix: String, database: WordPressDatabase?)?)?
        /// Where each plugin is active (on a network: for the network or per site), to say which sites a culprit broke.
        public var pluginActivation: (() -> PluginActivation?)?

        public init() {}
    }

    private let site: Site
    private let prober: Prober
    private let options: Options
    private weak var delegate: RescueDelegate?
    private var actions: [RescueReport.Action] = []
    private var timeline: [RescueReport.Event] = []
    private var tried = Set<Attempt>()
    private var verdict: ProbeVerdict = .healthy
    /// The pages of the latest probe, to tell a broken login page from a broken site.
    private var lastReport: Prober.Report?
    private var cause: Finding?
    /// The debug settings this rescue replaced, to put back at the end.
    private var debugSnapshot: DebugSettings?
    /// The debug log, when it did not exist before this rescue turned logging on.
    private var debugLogCreatedByRescue: String?
    /// PHP's error settings and version, once the companion has read them.
    private var phpSettings: PHPErrorSettings?
    /// Logs found along the way (PHP's own error_log), read with the others.
    private var extraLogs: [String] = []

    /// The time now, for the timeline and the windows of recent errors.
    private let clock: () -> Date
    /// Waits between looks at a verdict that may come from load.
    private let sleep: (TimeInterval) -> Void

    public init(site: Site, prober: Prober, options: Options, delegate: RescueDelegate, clock: @escaping () -> Date = Date.init,
                sleep: @escaping (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.site = site
        self.prober = prober
        self.options = options
        self.delegate = delegate
        self.clock = clock
        self.sleep = sleep
    }

    public func run() throws -> RescueReport {
        let before = probe("before any change")
        guard !before.isHealthy else {
            return report(before: before, next: ["The site answers normally. If visitors still see an error, it may be a cache or CDN: purge it, or probe the origin with --resolve."])
        }
        let next: [String]
        do {
            next = try attempt()
        } catch {
            restoreDebugIfChanged()
            throw error
        }
        restoreDebugIfChanged()
        return report(before: before, next: next)
    }

    /// The steps, least invasive first; returns next steps that only this path knows.
    private func attempt() throws -> [String] {
        // 1. Files that break every request, recognizable without logs.
        try fixMaintenance()
        if verdict.isHealthy { return [] }
        try fixHtaccess()
        if verdict.isHealthy { return [] }
        try fixAddress()
        if verdict.isHealthy { return [] }
        if verdict == .databaseError { return explainDatabase() }
        if [.connectionRefused, .dnsFailure, .tlsError, .networkError].contains(verdict) {
            cause = Finding(id: .siteUnreachable, severity: .critical, summary: verdict.explanation)
            return ["This is the web server, DNS or network, not WordPress: check that the server is up and the domain points to it, or ask the host."]
        }
        // Damaged core breaks every request and no bisect can fix it: restored before anything is switched off.
        try repairCore()
        if verdict.isHealthy { return [] }
        try quarantineSuspectFiles()
        if verdict.isHealthy { return [] }

        // 2. Ask the site's PHP itself, on wprescue's own signed requests, whatever the host does with its
        // log: the error of this very request, with the PHP version it fails on.
        let recent = SiteLogs.recentProblems(in: logPaths(), site: site, since: RecentWindow.fatalErrorsSince(clock()))
        // (Pointless when the logs say the web server cannot reach PHP at all.)
        if options.capture, !LogEvidence.findings(from: recent).contains(where: { $0.id == .phpFPMDown }) {
            try actOnEvidence(entries: captureErrors())
            if verdict.isHealthy { return [] }
        }

        // 3. What the logs already say (with PHP's own error_log, when the companion named a readable one).
        try actOnEvidence(entries: extraLogs.isEmpty ? recent
                              : SiteLogs.recentProblems(in: logPaths(), site: site, since: RecentWindow.fatalErrorsSince(clock())))
        if verdict.isHealthy { return [] }

        // 4. Nothing conclusive: turn the log on (never shown to visitors), reproduce, read again.
        if try enableDebugLog() {
            let offsets = logPaths(includingMissingDebugLog: true).map { ($0, (try? site.fileSystem.status($0)?.size) ?? 0) }
            probe("with the debug log on, to record the error")
            let entries = newEntries(since: offsets)
            // Nothing new in the debug log itself (other logs may have had something to say).
            let debugLog = SiteLogs.debugLogPath(of: site, config: try? SiteConfig.read(site))
            let before = offsets.first { $0.0 == debugLog }?.1 ?? 0
            if ((try? site.fileSystem.status(debugLog))?.map(\.size) ?? 0) <= before { explainSilentDebugLog() }
            try actOnEvidence(entries: entries)
            if verdict.isHealthy { return [] }
        }

        // 5. Still unexplained: bisect plugins, then must-use plugins and drop-ins.
        for kinds in [Set<Extension.Kind>([.plugin]), [.mustUse, .dropIn]] {
            try bisect(kinds: kinds)
            if verdict.isHealthy || verdict == .databaseError { break }
        }
        return verdict == .databaseError ? explainDatabase() : []
    }

    // MARK: - Steps

    private func fixMaintenance() throws {
        guard verdict == .serviceUnavailable else { return }
        let remedy = try EndMaintenance(site: site).plan(command: options.command)
        guard remedy.facts.present else { return }
        try change(EndMaintenance.description, finding: Finding(id: .maintenanceStuck, severity: .critical, summary: EndMaintenance.stuckSummary),
                   plan: remedy.changes)
    }

    private func fixHtaccess() throws {
        let path = RegenerateHtaccess.path(in: site.layout)
        guard verdict == .serverError, let data = try? site.fileSystem.readWhole(path, limit: 1 << 20) else { return }
        let problems = HtaccessCheck.findings(in: String(decoding: data, as: UTF8.self))
        guard let first = problems.first else { return }
        let home = (try? SiteURLs.home(of: site)) ?? options.urls.first
        // Only WordPress's block is written again and the refused lines become comments: the
        // owner's auth, deny and cache rules stay.
        let remedy = try RegenerateHtaccess(site: site, parameters: .init(home: home, disableRefusedLines: true)).plan(command: options.command)
        let finding = Finding(id: .htaccessInvalid, severity: .critical, summary: ".htaccess line \(first.line): \(first.problem)")
        let lines = problems.map { "\($0.line)" }.joined(separator: ", ")
        try change("Rewrite WordPress's block in .htaccess and turn off line \(lines) (\(first.problem)), keeping the rest", finding: finding,
                   plan: remedy.changes)
    }

    private func repairCore() throws {
        guard let planCoreRepair = options.planCoreRepair else { return }
        let planned: RemedyPlan<RepairCore.Facts>?
        do {
            planned = try planCoreRepair(options.command)
        } catch {
            progress("Could not check WordPress core against its release: \(error.localizedDescription)")
            return
        }
        guard let remedy = planned, !remedy.isEmpty else { return }
        let files = remedy.facts.restored + remedy.facts.created
        let finding = Finding(id: .coreDamaged, severity: .critical,
                              summary: "\(files.count) WordPress \(remedy.facts.release.version) core file\(files.count == 1 ? " was" : "s were") damaged or missing",
                              evidence: files.prefix(10).map { $0 }, fix: "wprescue core repair")
        // Official files in place of damaged ones cannot make things worse: kept even when another fault still breaks the site.
        try change("Restore \(files.count) damaged WordPress \(remedy.facts.release.version) core file\(files.count == 1 ? "" : "s") from the release: \(files.prefix(5).joined(separator: ", "))\(files.count > 5 ? ", ..." : "")",
                   finding: finding, plan: remedy.changes, keepEvenIfUnchanged: true)
        if !remedy.facts.unexpected.isEmpty { progress("Files WordPress does not ship, left in place: \(remedy.facts.unexpected.prefix(10).joined(separator: ", ")) (`wprescue core repair --quarantine-unexpected` moves them away).") }
    }

    /// PHP under uploads and injected code in files PHP loads on every request: moved to the
    /// quarantine (never deleted) once confirmed, and kept there whatever the probe says.
    private func quarantineSuspectFiles() throws {
        let scan = IntegrityFindings.scan(site)
        let suspects = scan.uploadsPHP.map(\.path) + scan.injected.map(\.path).filter { !CoreIntegrity.isCoreLocation($0) && !["index.php", "xmlrpc.php", "wp-config.php"].contains($0) }
        guard !suspects.isEmpty else { return }
        let plan = try QuarantineFiles.plan(site: site, paths: suspects.map { SitePath.join(site.layout.root, $0) }, command: options.command,
                                            summary: "Quarantine \(suspects.count) suspect PHP file\(suspects.count == 1 ? "" : "s")")
        let finding = IntegrityFindings.findings(from: scan).first { $0.severity == .critical }
            ?? Finding(id: .uploadsPHP, severity: .warning, summary: "PHP files where WordPress keeps none")
        try change("Move \(suspects.count) suspect PHP file\(suspects.count == 1 ? "" : "s") to the quarantine (never deleted): \(suspects.prefix(5).joined(separator: ", "))",
                   finding: finding, plan: plan, keepEvenIfUnchanged: true)
    }

    /// A redirect loop between WordPress's address and the one the server insists on: the
    /// address is set where WordPress reads it (before any plugin is suspected).
    private func fixAddress() throws {
        guard verdict == .redirectLoop, let read = options.siteAddress?(), var start = options.urls.first else { return }
        if start.hasSuffix("/wp-login.php") { start.removeLast("/wp-login.php".count) }
        let observed = SiteAddressObservation.observe(visitorURL: start, fetcher: prober.fetcher, resolve: prober.options.resolve,
                                                      timeout: prober.options.timeout, verifyTLS: prober.options.verifyTLS)
        let found = SiteAddressCheck.judge(read.settings, observed: observed)
        progress("Site address: \(found.explanation)")
        guard found.problem != nil, let url = found.fixURL else { return }
        let remedy = try SetSiteAddress(site: site, tablePrefix: read.tablePrefix)
            .plan(command: options.command, url: url, fields: found.fixOnly.map { [$0] } ?? SetSiteAddress.Field.allCases, place: nil,
                  settings: read.settings)
        if let database = read.database { site.journal.openDatabase = { database } }
        try change("Set the site's address: \(remedy.facts.changed.map(\.line).joined(separator: "; "))",
                   finding: Finding(id: .redirectLoop, severity: .critical, summary: String(found.problemText.dropLast(found.problemText.hasSuffix(".") ? 1 : 0))),
                   plan: remedy.changes)
    }

    /// Acts on the most recent finding the entries support, one at a time, while the site is broken.
    private func actOnEvidence(entries: [LogEntry]) throws {
        for finding in LogEvidence.findings(from: entries, phpVersion: phpSettings?.majorMinor) where !verdict.isHealthy {
            switch finding.id {
            case .memoryExhausted:
                try raiseMemory(finding)
            case .pluginFatal, .mustUsePluginFatal, .dropinFatal, .themeFatal:
                try disableExtension(finding)
            case .phpFPMDown:
                cause = finding
                progress("The web server cannot reach PHP-FPM: ask the host to restart it; no change to WordPress will help.")
                return
            default:
                continue
            }
        }
    }

    private func raiseMemory(_ finding: Finding) throws {
        guard let config = try? SiteConfig.read(site) else { return }
        let (current, next) = RaiseMemory.nextRescueLimit(after: config)
        guard let next, !tried.contains(.raiseMemory(to: next.text)) else {
            progress("WP_MEMORY_LIMIT is already \(current?.text ?? "high"): ask the host whether PHP may use more, or find what uses so much memory.")
            return
        }
        tried.insert(.raiseMemory(to: next.text))
        let remedy = try RaiseMemory(site: site, limit: next.text).plan(command: options.command)
        try change("Raise WP_MEMORY_LIMIT to \(next.text) (\(finding.evidence.first ?? "memory exhausted"))", finding: finding,
                   plan: remedy.changes)
    }

    private func disableExtension(_ finding: Finding) throws {
        guard let subject = finding.subject, !tried.contains(.disable(subject)) else { return }
        tried.insert(.disable(subject))
        let kind: Extension.Kind = finding.id == .themeFatal ? .theme : finding.id == .dropinFatal ? .dropIn
            : finding.id == .mustUsePluginFatal ? .mustUse : .plugin
        let available = try site.catalog.extensions(of: kind).filter { $0.state == .enabled }
        guard let chosen = try? ExtensionSwitch.select([subject], from: available, kindName: kind.rawValue) else { return }
        let remedy = try SwitchExtensions(site: site, direction: .disable, extensions: chosen).plan(command: options.command)
        try change("Disable \(kind.rawValue) \(subject) (\(finding.evidence.first ?? finding.summary))", finding: finding, plan: remedy.changes)
    }

    private func bisect(kinds: Set<Extension.Kind>) throws {
        var bisectOptions = SiteBisection.Options()
        bisectOptions.kinds = kinds
        bisectOptions.settle = options.settle
        bisectOptions.policy = options.policy
        bisectOptions.command = options.command + " (bisect)"
        bisectOptions.chooseToDisable = { [weak delegate] set in delegate?.chooseToDisable(set) ?? set }
        let bisection = SiteBisection(site: site, prober: prober, urls: options.urls, options: bisectOptions)
        let candidates = try bisection.candidates()
        guard !candidates.isEmpty else { return }
        let noun = kinds.contains(.plugin) ? "plugins" : "must-use plugins and drop-ins"
        guard try delegate?.confirm("Bisect \(candidates.count) \(noun): switch them off and on while probing to find the culprit") ?? true else { return }
        event(.action, "bisect \(candidates.count) \(noun)")
        let suspects = BisectPlugins.suspects(site: site, candidates: candidates, serverLogs: options.serverLogs, now: clock())
        let outcome = try bisection.run(suspects: suspects) { [weak delegate] in delegate?.bisectLook($0) }
        switch outcome.result.conclusion {
        case .culpritsFound(let sets):
            let names = sets.map { $0.joined(separator: " + ") }.joined(separator: "; ")
            cause = Finding(id: kinds.contains(.plugin) ? .pluginFatal : .dropinFatal, severity: .critical,
                            summary: BisectPlugins.causeSummary(sets), subject: outcome.disabled.joined(separator: ", "))
            verdict = outcome.finalVerdict ?? verdict
            // On a network, which sites each culprit was loaded on.
            let places = BisectPlugins.networkPlaces(of: sets.flatMap { $0 }, activation: options.pluginActivation?() ?? nil)
            actions.append(.init(description: "Bisect found \(names); left disabled: \(outcome.disabled.joined(separator: ", "))"
                                    + (places.map { ". On the network: \($0)" } ?? ""),
                                 operation: outcome.operation, verdictAfter: outcome.finalVerdict, kept: true))
            event(.probe, "after bisect: \(verdict.rawValue)")
        case .notBroken:
            verdict = .healthy
        case .notAPluginProblem, .inconclusive:
            BisectPlugins.explanation(of: outcome.result.conclusion, noun: noun).map(progress)
        }
    }

    // MARK: - Error capture

    /// The fatal errors of wprescue's own requests, as the companion caught them; empty (and the
    /// debug-log route next) when it cannot run or the worker dies before the request ends.
    private func captureErrors() throws -> [LogEntry] {
        guard try delegate?.confirm(ErrorCapture.description) ?? true else { return [] }
        let outcome = try ErrorCapture(site: site, prober: prober, urls: options.urls, command: options.command).run()
        phpSettings = outcome.settings ?? phpSettings
        if let unavailable = outcome.unavailable {
            event(.action, "error capture not possible: \(unavailable)")
            progress("Could not capture the error: \(unavailable) Falling back to the logs and the debug log.")
            return []
        }
        event(.action, "error captured by a temporary must-use plugin, already removed (operation \(outcome.operation ?? "-"))")
        for error in outcome.errors { progress("PHP said: \(error.quoted)") }
        if outcome.errors.isEmpty, let silent = outcome.silentPages { progress("Nothing to capture: \(silent).") }
        // Where PHP really logs: read it too when this access can.
        if let log = outcome.settings?.errorLog, log.hasPrefix("/"), (try? site.fileSystem.isFile(log)) == true,
           !extraLogs.contains(log) {
            extraLogs.append(log)
        }
        return outcome.entries(site: site, at: clock())
    }

    /// After a change that left the site broken: PHP's errors of a fresh capture, when the one
    /// `finding` answered is gone and another shows; nil when capture is off, cannot run, or
    /// PHP still fails the same way (the change did nothing and is reverted).
    private func errorsAfterPartialFix(answering finding: Finding) throws -> [LogEntry]? {
        let answerable: Set<FindingID> = [.memoryExhausted, .pluginFatal, .mustUsePluginFatal, .dropinFatal, .themeFatal]
        guard options.capture, answerable.contains(finding.id) else { return nil }
        let entries = try captureErrors()
        let findings = LogEvidence.findings(from: entries, phpVersion: phpSettings?.majorMinor).filter { answerable.contains($0.id) }
        guard !findings.isEmpty, !findings.contains(where: { $0.id == finding.id && $0.subject == finding.subject }) else { return nil }
        return entries
    }

    /// The debug log is on and nothing arrived: say where PHP's errors go instead.
    private func explainSilentDebugLog() {
        guard let settings = phpSettings else { return }
        let config = try? SiteConfig.read(site)
        let debugLog = SiteLogs.debugLogPath(of: site, config: config)
        let readable = settings.errorLog.hasPrefix("/") && (try? site.fileSystem.read(settings.errorLog, limit: 1)) != nil
        guard let finding = PHPErrorLogExplanation.finding(settings, debugLog: debugLog, debugLogOn: true, readable: readable) else { return }
        event(.action, finding.summary)
        progress(finding.summary + ".")
    }

    // MARK: - Debug log

    private func enableDebugLog() throws -> Bool {
        guard (try? SiteConfig.read(site)) != nil else { return false }
        let remedy = try TurnOnDebugLog(site: site).plan(command: options.command, summary: "Debug log on (for the rescue)")
        guard !remedy.facts.alreadyLogging else { return false }
        guard try delegate?.confirm(TurnOnDebugLog.description) ?? true else { return false }
        let operation = try site.journal.apply(remedy.changes)
        debugSnapshot = remedy.facts.before
        if try !site.fileSystem.exists(remedy.facts.logFile) { debugLogCreatedByRescue = remedy.facts.logFile }
        event(.action, "debug log on (operation \(operation))")
        progress("Turned on the debug log (operation \(operation)); it is put back as it was at the end.")
        return true
    }

    /// Puts the debug settings back as they were (a journaled change of its own).
    private func restoreDebugIfChanged() {
        guard let snapshot = debugSnapshot else { return }
        debugSnapshot = nil
        guard let plan = try? TurnOffDebugLog(site: site, snapshot: snapshot)
            .plan(command: options.command, summary: "Debug log back as before the rescue").changes else {
            progress("Could not put the debug settings back; run `wprescue debug off`.")
            return
        }
        guard let operation = try? site.journal.apply(plan) else {
            progress("Could not put the debug settings back; run `wprescue debug off`.")
            return
        }
        event(.action, "debug settings restored (operation \(operation))")
        progress("Put the debug settings back as they were (operation \(operation)).")
        // The log PHP wrote for us does not stay where anyone can download it; its own operation,
        // so a log that cannot be moved never leaves the debug settings on.
        guard let createdLog = debugLogCreatedByRescue.flatMap({ (try? site.fileSystem.isFile($0)) == true ? $0 : nil }) else { return }
        let discard = ChangePlan(command: options.command, summary: "Move the debug log written during the rescue out of the site",
                                 changes: [.discardCreatedFile(path: createdLog)])
        do {
            let moved = try site.journal.apply(discard)
            event(.action, "debug log moved out of the site (operation \(moved))")
            progress("The debug log written during the rescue was moved out of the site, to \(site.journal.backupPath(operation: moved, step: 0)).")
        } catch {
            progress("The debug log written during the rescue, \(createdLog), could not be moved out of the site (\(error.localizedDescription)); remove it by hand.")
        }
    }

    /// The logs that exist; with `includingMissingDebugLog`, also the debug log WordPress is
    /// about to create (read from its start later).
    private func logPaths(includingMissingDebugLog: Bool = false) -> [String] {
        let config = try? SiteConfig.read(site)
        let debugLog = SiteLogs.debugLogPath(of: site, config: config)
        let existing = SiteLogs.readableLogs(of: site, config: config, serverLogs: options.serverLogs + extraLogs)
        return includingMissingDebugLog && !existing.contains(debugLog) ? existing + [debugLog] : existing
    }

    /// Entries written after the given offsets (a log that did not exist yet is read whole).
    private func newEntries(since offsets: [(String, UInt64)]) -> [LogEntry] {
        let attributor = LogAttributor.resolvingSymbolicLinks(layout: site.layout, fileSystem: site.fileSystem)
        var entries: [LogEntry] = []
        for (path, offset) in offsets {
            let follower = LogFollower(fileSystem: site.fileSystem, path: path, startOffset: offset, attributor: attributor)
            for _ in 0..<2 { entries += (try? follower.poll().entries) ?? [] }
        }
        return entries.filter { $0.level >= .error }.sorted { ($0.timestamp ?? .distantPast) < ($1.timestamp ?? .distantPast) }
    }

    // MARK: - Changes and probes

    /// Confirms, applies (one journaled operation), probes; reverts when the verdict did not change.
    private func change(_ fullDescription: String, finding: Finding, plan: ChangePlan, keepEvenIfUnchanged: Bool = false) throws {
        // Paths inside the site read better relative to it.
        let description = fullDescription.replacingOccurrences(of: site.layout.root + "/", with: "")
        guard !plan.isEmpty, try delegate?.confirm(description) ?? true else { return }
        let before = verdict
        let operation = try site.journal.apply(plan)
        event(.action, "\(description) (operation \(operation))")
        let after = probe("after the change")
        // Kept when the site is back, or when it got further (PHP now runs and shows its own error
        // where the server failed before); a merely different failure (500 → 404) is reverted.
        if after.isHealthy || after.isProgress(from: before) || keepEvenIfUnchanged {
            actions.append(.init(description: description, operation: operation, verdictAfter: after, kept: true))
            if after.isHealthy || (cause == nil && !keepEvenIfUnchanged) { cause = finding }
            return
        }
        // Still failing the same way, but maybe further on: a second fault behind the first (a plugin
        // that needed memory, then another plugin's fatal). When PHP's error is now another one,
        // this change did its part: kept, and the new error is acted on next.
        if let next = try errorsAfterPartialFix(answering: finding) {
            actions.append(.init(description: description, operation: operation, verdictAfter: after, kept: true))
            if cause == nil { cause = finding }
            event(.action, "kept: \(description): PHP now fails further on")
            progress("PHP no longer fails there, but now fails further on (still \(after.rawValue)): the change is kept, and the next error is next.")
            try actOnEvidence(entries: next)
            return
        }
        try site.journal.undo(operation: operation)
        actions.append(.init(description: description, operation: operation, verdictAfter: after, kept: false))
        event(.action, "reverted (\(after.rawValue) as before): \(description)")
        progress("That did not help (still \(after.rawValue)); put it back.")
        verdict = before
    }

    @discardableResult
    private func probe(_ why: String) -> ProbeVerdict {
        var report = prober.probe(options.urls)
        // A 502/503/504 may be load: look again before believing it.
        for delay in options.policy.retryDelays where !report.isHealthy && report.mayBeTransient {
            sleep(delay)
            let again = prober.probe(options.urls)
            if again.verdict == report.verdict { break }
            report = again
        }
        verdict = report.verdict
        lastReport = report
        event(.probe, "\(why): \(verdict.rawValue)")
        progress("Probe (\(why)): \(verdict.rawValue): \(verdict.explanation).")
        return verdict
    }

    /// Database errors: explain with the database check, change nothing.
    private func explainDatabase() -> [String] {
        let findings = options.databaseCheck?() ?? []
        let explained = findings.first { $0.severity == .critical }
        cause = Finding(id: .databaseConnection, severity: .critical, summary: explained?.summary ?? ProbeVerdict.databaseError.explanation,
                        evidence: explained?.evidence ?? [])
        for finding in findings { progress("Database: \(finding.summary)") }
        return ["wprescue changes nothing in the database. Check DB_NAME, DB_USER, DB_PASSWORD and DB_HOST in wp-config.php against your hosting panel (`wprescue db check` says which is wrong); if they are right, the database server may be down: ask the host."]
    }

    private func report(before: ProbeVerdict, next extra: [String] = []) -> RescueReport {
        var next = extra
        if let cause, next.isEmpty {
            switch cause.id {
            case .pluginFatal, .mustUsePluginFatal, .dropinFatal:
                if let removal = cause.evidence.first.flatMap(PHPCompatibility.removal(in:)) {
                    next.append("Update \(cause.subject ?? "the plugin") to a version written for \(phpSettings.map { "PHP \($0.majorMinor)" } ?? "this PHP") (it uses \(removal.feature), removed in PHP \(removal.removedIn)), or replace it; keep it disabled until then.")
                } else {
                    next.append("Update or replace \(cause.subject ?? "the plugin"), or report the error to its author; keep it disabled until then.")
                }
                next.append(SwitchExtensions.activeListNote)
            case .themeFatal:
                next.append("Update or fix theme \(cause.subject ?? ""); meanwhile WordPress uses its parent or default theme.")
            case .memoryExhausted:
                next.append(RaiseMemory.nextStep)
            case .maintenanceStuck:
                next.append(EndMaintenance.nextStep)
            case .htaccessInvalid:
                next.append(RegenerateHtaccess.nextStep)
            case .coreDamaged:
                next.append(RepairCore.nextStep)
            case .redirectLoop:
                next.append(SetSiteAddress.nextStep)
            default:
                break
            }
        }
        if !verdict.isHealthy, let login = lastReport.flatMap(Diagnostician.loginFinding(for:)) {
            next.append(login.summary + ".")
        }
        if !verdict.isHealthy && next.isEmpty {
            next.append("wprescue could not bring the site back. Ask the host to restart PHP-FPM and check the server's error log; restoring a backup is the last resort.")
        }
        let fromPHP: Set<FindingID> = [.memoryExhausted, .pluginFatal, .mustUsePluginFatal, .themeFatal, .dropinFatal, .timeLimit, .configFatal, .coreFatal]
        return RescueReport(before: before, after: verdict, cause: cause?.id, causeSummary: cause?.summary,
                            phpError: cause.flatMap { fromPHP.contains($0.id) ? $0.evidence.first : nil }, actions: actions,
                            timeline: timeline, nextSteps: next)
    }

    private func event(_ kind: RescueReport.Event.Kind, _ text: String) { timeline.append(.init(time: clock(), kind: kind, text: text)) }
    private func progress(_ line: String) { delegate?.progress(line) }
}
