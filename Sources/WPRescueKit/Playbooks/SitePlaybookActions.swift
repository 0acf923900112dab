import Foundation

/// The built-in actions, each the code path of its command, each one journal operation.
extension SitePlaybookTools {
    static let activeListNote = "WordPress keeps a moved plugin in its list of active plugins until someone opens wp-admin's "
        + "Plugins screen; don't open that screen before putting plugins back, or they stay deactivated."

    // MARK: plugins

    func switchPlugins(_ direction: ExtensionSwitch.Direction, _ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let available = try site.catalog.all(kinds: [.plugin])
        let slugs = parameters.list("plugins") ?? []
        let chosen: [Extension]
        if slugs == ["all"] {
            let except = parameters.list("except") ?? []
            _ = try ExtensionSwitch.select(except, from: available, kindName: "plugin")
            chosen = available.filter { !except.contains($0.slug) }
        } else {
            chosen = try ExtensionSwitch.select(slugs, from: available, kindName: "plugin")
        }
        return try switchResult(direction, chosen, noun: "plugin", notes: direction == .disable ? [Self.activeListNote] : [])
    }

    func switchResult(_ direction: ExtensionSwitch.Direction, _ chosen: [Extension], noun: String, notes: [String]) throws -> PlaybookStepResult {
        let plan = try ExtensionSwitch(catalog: site.catalog).plan(direction, chosen, command: options.command)
        let target: Extension.State = direction == .disable ? .disabled : .enabled
        let changed = chosen.filter { $0.state != target }.map(\.slug)
        let unchanged = chosen.filter { $0.state == target }.map(\.slug)
        let past = direction == .disable ? "disabled" : "enabled"
        var extra: [String] = []
        if !unchanged.isEmpty { extra.append("Already \(past): \(unchanged.joined(separator: ", ")).") }
        if !changed.isEmpty {
            extra.append("\(options.dryRun ? "Would have \(past)" : past.capitalized) \(changed.count) \(noun)\(changed.count == 1 ? "" : "s"): \(changed.joined(separator: ", ")).")
            extra += notes
        }
        return try actionResult(plan, extra: extra, values: ["changed": changed.joined(separator: ", ")])
    }

    // MARK: theme and drop-ins

    func disableTheme(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let themes = try site.catalog.extensions(of: .theme)
        let chosen = try ExtensionSwitch.select([parameters.text("theme") ?? ""], from: themes, kindName: "theme")
        let leaving = Set(chosen.map(\.slug))
        var notes = ["If it is the active theme, WordPress switches to a default theme for good once wp-admin's Appearance screen is opened."]
        if !themes.contains(where: { $0.state == .enabled && !leaving.contains($0.slug) && $0.slug.hasPrefix("twenty") }) {
            notes.append("No bundled Twenty* theme remains installed, so WordPress has no theme to fall back to.")
        }
        return try switchResult(.disable, chosen, noun: "theme", notes: notes)
    }

    func disableDropin(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let dropIns = try site.catalog.extensions(of: .dropIn)
        let name = parameters.text("name") ?? ""
        let chosen = name == "all" ? dropIns.filter { $0.state == .enabled } : try ExtensionSwitch.select([name], from: dropIns, kindName: "drop-in")
        if chosen.isEmpty { return PlaybookStepResult(outcome: "unchanged", evidence: ["There are no drop-ins to disable."], values: ["changed": ""]) }
        return try switchResult(.disable, chosen, noun: "drop-in", notes: [])
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
            evidence.append("Dry run: would move plugins in and out of \(Quarantine.folderName) while probing; nothing was changed.")
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
            for set in sets {
                evidence.append(set.count == 1 ? "Culprit: \(set[0]) breaks the site on its own."
                                               : "Culprits: \(set.joined(separator: " + ")) break the site only together.")
            }
            evidence.append("Left disabled: \(outcome.disabled.joined(separator: ", ")); every other plugin is back. Site now: \(outcome.finalVerdict?.rawValue ?? "unknown").")
            evidence.append(Self.activeListNote)
        case .notBroken:
            evidence.append("The site is healthy with every plugin enabled: nothing to bisect.")
        case .notAPluginProblem:
            evidence.append("The site stays broken with every plugin disabled: it is not a plugin. Every plugin was put back.")
        case .inconclusive:
            evidence.append("The site answered too unreliably to conclude; every plugin was put back.")
        }
        evidence.append("\(result.probes) probes (\(result.retries) repeats); journaled as operation \(outcome.operation).")
        lastChange = now()
        return PlaybookStepResult(outcome: result.conclusion.outcome, evidence: evidence, values: values)
    }

    // MARK: wp-config.php

    /// Plans an edit of wp-config.php and applies it, with one evidence line per changed constant (secrets masked).
    func editConfig(from original: WPConfigFile, to edited: WPConfigFile, changing names: [String], summary: String,
                    extra: [String] = [], values: [String: String] = [:]) throws -> PlaybookStepResult {
        let plan = try SiteConfig.plan(site, from: original, to: edited, changing: names, command: options.command, summary: summary)
        let changes = names.compactMap { name -> String? in
            let before = original.definition(of: name), after = edited.definition(of: name)
            guard before?.valueSource != after?.valueSource else { return nil }
            return "\(name): \(before?.displaySource ?? "(not defined)") → \(after?.displaySource ?? "(removed)")"
        }
        if plan.isEmpty {
            return PlaybookStepResult(outcome: "unchanged", evidence: ["\(relative(site.layout.configFile)) already says so; nothing to change."] + extra,
                                      values: values.merging(["operation": ""]) { current, _ in current })
        }
        var result = try actionResult(plan, extra: changes + extra, values: values)
        // The file-level line ("write wp-config.php (N bytes)") says less than the constant lines.
        result.evidence.removeAll { $0.hasPrefix("write ") || $0.hasPrefix("would write ") }
        return result
    }

    func debugOn(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let config = try SiteConfig.read(site)
        let logPath = try parameters.text("log-path").map(sitePath) ?? DebugLogLocation.preferred(for: site)
        let edited = try config.enablingDebug(logPath: logPath)
        if !options.dryRun, try debugMemory.load() == nil { try debugMemory.save(config.debugSettings) }
        let file = logPath ?? SitePath.join(site.layout.contentDirectory, "debug.log")
        var extra = ["PHP errors go to \(relative(file)); visitors see none of them."]
        if logPath == nil { extra.append("wp-content/debug.log can be downloaded by anyone who guesses its address: turn the log off when done.") }
        return try editConfig(from: config, to: edited, changing: DebugSettings.constantNames, summary: "Debug log on",
                              extra: extra, values: ["file": relative(file)])
    }

    /// Puts back what `debug-on` (or `wprescue debug on`) replaced. Unlike `wprescue debug off`,
    /// with no such record it leaves the settings alone: a playbook's tidy-up step must not
    /// switch off a log the site's owner turned on for their own reasons.
    func debugOff() throws -> PlaybookStepResult {
        let config = try SiteConfig.read(site)
        guard let snapshot = try debugMemory.load() else {
            return PlaybookStepResult(outcome: "unchanged", evidence: [
                "wprescue did not turn the error log on, so the debug settings stay as they are.",
            ], values: ["operation": ""])
        }
        let result = try editConfig(from: config, to: try config.restoring(snapshot), changing: DebugSettings.constantNames,
                                    summary: "Debug log off")
        if !options.dryRun { try debugMemory.clear() }
        return result
    }

    func memory(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let limit = parameters.text("limit") ?? ""
        let config = try SiteConfig.read(site)
        return try editConfig(from: config, to: try config.settingMemoryLimit(limit), changing: ["WP_MEMORY_LIMIT", "WP_MAX_MEMORY_LIMIT"],
                              summary: "Memory limit \(limit)",
                              extra: ["WordPress can raise PHP's memory only as far as the host allows."], values: ["value": limit])
    }

    // MARK: files in the site's root

    func htaccessRegenerate(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let clean = parameters.flag("clean") ?? false
        let path = SitePath.join(root, ".htaccess")
        let config = try? SiteConfig.read(site)
        let homeURL = home ?? config?.value(of: "WP_HOME")?.stringValue ?? config?.value(of: "WP_SITEURL")?.stringValue
        let homePath = homeURL.map(HtaccessRules.homePath(fromURL:)) ?? "/"
        var network: HtaccessRules.Multisite?
        if config?.value(of: "MULTISITE")?.boolValue == true {
            network = config?.value(of: "SUBDOMAIN_INSTALL")?.boolValue == true ? .subdomain : .subdirectory
        }
        let existing = try site.fileSystem.exists(path)
            ? String(decoding: try site.fileSystem.readWhole(path, limit: 1 << 20), as: UTF8.self) : nil
        let updated = HtaccessRules.inserting(HtaccessRules.rules(homePath: homePath, multisite: network), into: existing, clean: clean)
        guard updated != existing else {
            var evidence = [".htaccess already has WordPress's rules; nothing to change."]
            for finding in HtaccessCheck.findings(in: existing ?? "") {
                evidence.append("Line \(finding.line), outside WordPress's block: \(finding.problem) (regenerating with clean: true drops it).")
            }
            return PlaybookStepResult(outcome: "unchanged", evidence: evidence, values: ["operation": ""])
        }
        let plan = ChangePlan(command: options.command,
                              summary: existing == nil ? "Create .htaccess" : "Regenerate .htaccess\(clean ? " (clean)" : "")",
                              changes: [.write(path: path, contents: Data(updated.utf8))])
        var extra = ["WordPress's rules\(network.map { " (multisite, \($0.rawValue))" } ?? "") with RewriteBase \(homePath)."]
        if clean, existing != nil {
            extra.append("Everything outside WordPress's block was dropped; the old file is in the journal (wprescue undo brings it back).")
        }
        return try actionResult(plan, extra: extra)
    }

    func removeMaintenance() throws -> PlaybookStepResult {
        let path = SitePath.join(root, ".maintenance")
        guard let status = try site.fileSystem.status(path) else {
            return PlaybookStepResult(outcome: "unchanged", evidence: ["There is no .maintenance file to remove."], values: ["operation": ""])
        }
        guard status.kind == .file else { throw PlaybookSiteError.notAFile(path) }
        let plan = ChangePlan(command: options.command, summary: "Remove .maintenance", changes: [.removeFile(path: path)])
        return try actionResult(plan)
    }
}
