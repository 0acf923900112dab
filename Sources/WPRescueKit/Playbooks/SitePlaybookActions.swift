import Foundation

/// The built-in actions: each an adapter over the remedy its command uses, each one journal operation.
extension SitePlaybookTools {
    // MARK: plugins

    func switchPlugins(_ direction: ExtensionSwitch.Direction, _ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let slugs = parameters.list("plugins") ?? []
        let chosen = try SwitchExtensions.choose(slugs, all: slugs == ["all"], except: parameters.list("except") ?? [],
                                                 from: try site.catalog.all(kinds: [.plugin]), kindName: "plugin")
        return try switchResult(direction, chosen)
    }

    func switchResult(_ direction: ExtensionSwitch.Direction, _ chosen: [Extension]) throws -> PlaybookStepResult {
        let remedy = try SwitchExtensions(site: site, direction: direction, extensions: chosen).plan(command: options.command)
        return try actionResult(remedy.changes, extra: remedy.facts.summaryLines(dryRun: options.dryRun) + remedy.notes,
                                values: ["changed": remedy.facts.changed.joined(separator: ", ")])
    }

    // MARK: theme and drop-ins

    func disableTheme(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let themes = try site.catalog.extensions(of: .theme)
        return try switchResult(.disable, try ExtensionSwitch.select([parameters.text("theme") ?? ""], from: themes, kindName: "theme"))
    }

    func disableDropin(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let dropIns = try site.catalog.extensions(of: .dropIn)
        let name = parameters.text("name") ?? ""
        let chosen = name == "all" ? dropIns.filter { $0.state == .enabled } : try ExtensionSwitch.select([name], from: dropIns, kindName: "drop-in")
        if chosen.isEmpty { return PlaybookStepResult(outcome: "unchanged", evidence: ["There are no drop-ins to disable."], values: ["changed": ""]) }
        return try switchResult(.disable, chosen)
    }

    // MARK: bisect-plugins

    func bisectPlugins(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        guard !pages.isEmpty else { throw PlaybookSiteError.noURL }
        var bisectOptions = SiteBisection.Options()
        if parameters.flag("include-mu") == true { bisectOptions.kinds.insert(.mustUse) }
        if parameters.flag("include-dropins") == true { bisectOptions.kinds.insert(.dropIn) }
        bisectOptions.keep = parameters.list("keep") ?? []
        bisectOptions.settle = options.settle
        bisectOptions.policy = BisectPolicy(transientConfirmations: options.confirmDelays.count, retryDelays: options.confirmDelays)
        bisectOptions.command = options.command
        let bisection = SiteBisection(site: site, prober: prober, urls: pages, options: bisectOptions)
        let candidates = try bisection.candidates()
        var values = ["culprits": "", "disabled": "", "verdict": "", "probes": "0", "operation": ""]
        guard !candidates.isEmpty else {
            return PlaybookStepResult(outcome: "not-a-plugin-problem", evidence: ["No enabled plugins to bisect on this site."], values: values)
        }
        let named = (parameters.list("suspects") ?? []).filter { slug in candidates.contains { $0.slug == slug } }
        let suspects = named + recentSuspects(candidates).filter { !named.contains($0) }
        var evidence = ["Bisecting \(candidates.count) plugins against \(pages.joined(separator: ", "))"
            + (suspects.isEmpty ? "." : "; trying first: \(suspects.joined(separator: ", ")).")]
        progress(evidence[0])
        if options.dryRun {
            evidence.append(BisectPlugins.dryRunDescription(method: bisectOptions.method, candidates: candidates))
            return PlaybookStepResult(outcome: "skipped", evidence: evidence, values: values)
        }
        let outcome = try bisection.run(suspects: suspects) { [progress] look in
            let disabled = look.disabled.isEmpty ? "none" : look.disabled.count <= 4 ? look.disabled.joined(separator: ", ")
                : look.disabled.prefix(3).joined(separator: ", ") + " and \(look.disabled.count - 3) more"
            progress(String(format: "%3d enabled, disabled: %@  →  %@  (%.1f s)", look.enabled.count, disabled,
                            look.report.verdict.rawValue, look.seconds))
        }
        let result = outcome.result
        values["operation"] = outcome.operation
        values["disabled"] = outcome.disabled.joined(separator: ", ")
        values["verdict"] = outcome.finalVerdict?.rawValue ?? ""
        values["probes"] = String(result.probes)
        switch result.conclusion {
        case .culpritsFound(let sets):
            values["culprits"] = sets.map { $0.joined(separator: " + ") }.joined(separator: "; ")
            evidence += BisectPlugins.culpritLines(sets)
            evidence.append("Left disabled: \(outcome.disabled.joined(separator: ", ")); every other plugin is back. Site now: \(outcome.finalVerdict?.rawValue ?? "unknown").")
            evidence.append(SwitchExtensions.activeListNote)
        case .notBroken, .notAPluginProblem, .inconclusive:
            evidence += BisectPlugins.explanation(of: result.conclusion).map { [$0] } ?? []
        }
        evidence.append("\(result.probes) probes (\(result.retries) repeats); journaled as operation \(outcome.operation).")
        lastChange = now()
        return PlaybookStepResult(outcome: result.conclusion.outcome, evidence: evidence, values: values)
    }

    // MARK: wp-config.php

    /// Applies an edit of wp-config.php, with one evidence line per changed constant (secrets masked).
    func editConfig<Facts>(_ remedy: RemedyPlan<Facts>, changed: [ConfigEditPlan.Changed], values: [String: String] = [:]) throws -> PlaybookStepResult {
        if remedy.isEmpty {
            return PlaybookStepResult(outcome: "unchanged", evidence: ["\(relative(site.layout.configFile)) already says so; nothing to change."] + remedy.notes,
                                      values: values.merging(["operation": ""]) { current, _ in current })
        }
        var result = try actionResult(remedy.changes, extra: changed.map(\.line) + remedy.notes, values: values)
        // The file-level line ("write wp-config.php (N bytes)") says less than the constant lines.
        result.evidence.removeAll { $0.hasPrefix("write ") || $0.hasPrefix("would write ") }
        return result
    }

    func debugOn(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let remedy = try TurnOnDebugLog(site: site, logPath: try parameters.text("log-path").map(sitePath)).plan(command: options.command)
        if !options.dryRun { try TurnOnDebugLog.remember(remedy, in: debugMemory) }
        return try editConfig(remedy, changed: remedy.facts.changed, values: ["file": relative(remedy.facts.logFile)])
    }

    /// Puts back what `debug-on` (or `wprescue debug on`) replaced. Unlike `wprescue debug off`,
    /// with no such record it leaves the settings alone: a playbook's tidy-up step must not
    /// switch off a log the site's owner turned on for their own reasons.
    func debugOff() throws -> PlaybookStepResult {
        guard let snapshot = try debugMemory.load() else {
            return PlaybookStepResult(outcome: "unchanged", evidence: [
                "wprescue did not turn the error log on, so the debug settings stay as they are.",
            ], values: ["operation": ""])
        }
        let remedy = try TurnOffDebugLog(site: site, snapshot: snapshot).plan(command: options.command)
        let result = try editConfig(remedy, changed: remedy.facts.changed)
        if !options.dryRun { try debugMemory.clear() }
        return result
    }

    /// The fatal error of wprescue's own request, caught by the companion (as rescue does first),
    /// whatever the host does with PHP's log.
    func captureError() throws -> PlaybookStepResult {
        var values = ["plugin": "", "theme": "", "dropin": "", "last-fatal": "", "php-version": "", "error-log": "", "operation": ""]
        guard !options.dryRun else {
            return PlaybookStepResult(outcome: "skipped", evidence: ["would write a temporary must-use plugin, request the site once and remove it"],
                                      values: values)
        }
        guard !pages.isEmpty else { throw PlaybookSiteError.noURL }
        let outcome = try ErrorCapture(site: site, prober: prober, urls: pages, command: options.command).run()
        if let unavailable = outcome.unavailable {
            return PlaybookStepResult(outcome: "not-possible", evidence: [unavailable], values: values)
        }
        values["operation"] = outcome.operation ?? ""
        values["php-version"] = outcome.settings?.version ?? ""
        values["error-log"] = outcome.settings?.errorLog ?? ""
        var evidence = ["A temporary must-use plugin caught what PHP reported for wprescue's own request (operation \(outcome.operation ?? "-"), already removed)."]
        guard let latest = outcome.entries(site: site, at: now()).last, let error = outcome.errors.last else {
            evidence.append("Nothing to capture: \(outcome.silentPages ?? "the pages answered without a PHP fatal error").")
            return PlaybookStepResult(outcome: "nothing-captured", evidence: evidence, values: values)
        }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        values["last-fatal"] = LogEvidence.line(latest).replacingOccurrences(of: prefix, with: "")
        evidence.append("  " + error.quoted.replacingOccurrences(of: prefix, with: ""))
        let result = Self.fatalOutcome(latest, phpVersion: outcome.settings?.majorMinor, values: &values, evidence: &evidence)
        return PlaybookStepResult(outcome: result, evidence: evidence, values: values)
    }

    func memory(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let limit = parameters.text("limit") ?? ""
        let remedy = try RaiseMemory(site: site, limit: limit).plan(command: options.command)
        return try editConfig(remedy, changed: remedy.facts.changed, values: ["value": limit])
    }

    // MARK: files in the site's root

    func htaccessRegenerate(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let remedy = try RegenerateHtaccess(site: site, parameters: .init(home: home, clean: parameters.flag("clean") ?? false,
                                                                          cleanOption: "clean: true")).plan(command: options.command)
        guard remedy.facts.changed else {
            return PlaybookStepResult(outcome: "unchanged", evidence: remedy.notes, values: ["operation": ""])
        }
        return try actionResult(remedy.changes, extra: remedy.notes)
    }

    func removeMaintenance() throws -> PlaybookStepResult {
        let remedy = try EndMaintenance(site: site).plan(command: options.command)
        guard remedy.facts.present else {
            return PlaybookStepResult(outcome: "unchanged", evidence: remedy.notes, values: ["operation": ""])
        }
        return try actionResult(remedy.changes)
    }

    func repairCore() throws -> PlaybookStepResult {
        let wordPressOrg = try WordPressOrg(fetcher: prober.fetcher)
        guard let remedy = try RepairCore.verifyAndPlan(site, wordPressOrg: wordPressOrg, command: options.command).plan, !remedy.isEmpty else {
            return PlaybookStepResult(outcome: "unchanged", evidence: ["WordPress core matches the release."], values: ["restored": "", "operation": ""])
        }
        let restored = (remedy.facts.restored + remedy.facts.created).joined(separator: ", ")
        return try actionResult(remedy.changes, extra: remedy.notes, values: ["restored": restored])
    }
}
