import Foundation

/// The built-in checks: they read, never change.
extension SitePlaybookTools {
    // MARK: probe

    func probe(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        var urls = pages
        if let page = parameters.text("page") {
            guard let base = home ?? pages.first.map(Self.origin) else { throw PlaybookSiteError.noURL }
            urls = [(base.hasSuffix("/") ? String(base.dropLast()) : base) + page]
        }
        guard !urls.isEmpty else { throw PlaybookSiteError.noURL }
        var prober = self.prober
        if let expect = parameters.text("expect") {
            var probeOptions = prober.options
            probeOptions.expectedText.append(expect)
            prober = Prober(fetcher: prober.fetcher, options: probeOptions)
        }
        waitForSettle()
        var report = prober.probe(urls)
        var evidence: [String] = []
        // A 502/503/504 or timeout may be load rather than the site: believe it only once it repeats.
        for delay in options.confirmDelays where !report.isHealthy && report.mayBeTransient {
            evidence.append("\(report.verdict.rawValue) may be passing load; looked again after \(Self.seconds(delay)).")
            sleep(delay)
            report = prober.probe(urls)
        }
        evidence = report.pages.map { "\($0.url)  \($0.verdict.rawValue)  (\($0.evidence))" } + evidence
        evidence.append("Verdict: \(report.verdict.rawValue): \(report.verdict.explanation).")
        let page = report.pages.first { !$0.verdict.isHealthy } ?? report.pages.first
        return PlaybookStepResult(outcome: report.verdict.rawValue, evidence: evidence, values: [
            "verdict": report.verdict.rawValue, "url": page?.url ?? "", "status": page?.status.map(String.init) ?? "",
            "explanation": report.verdict.explanation,
        ])
    }

    static func origin(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(url[..<scheme.upperBound]) + host
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    // MARK: htaccess

    func htaccess(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let path = try sitePath(parameters.text("file") ?? ".htaccess")
        let name = relative(path)
        guard let status = try site.fileSystem.status(path) else {
            return PlaybookStepResult(outcome: "missing", evidence: [
                "There is no \(name). Apache needs one for WordPress's pretty permalinks; nginx never reads it.",
            ], values: ["file": name, "problems": "0", "first-problem": ""])
        }
        guard status.kind == .file else { throw PlaybookSiteError.notAFile(path) }
        let text = String(decoding: try site.fileSystem.readWhole(path, limit: 1 << 20), as: UTF8.self)
        let findings = HtaccessCheck.findings(in: text)
        var evidence = findings.prefix(10).map { "\(name) line \($0.line): \($0.problem)" }
        if findings.count > 10 { evidence.append("… and \(findings.count - 10) more.") }
        let hasBlock = HtaccessCheck.hasWordPressBlock(text)
        if !hasBlock { evidence.append("\(name) has no WordPress block (# BEGIN WordPress … # END WordPress).") }
        if findings.isEmpty {
            evidence.append("Every line of \(name) is a directive Apache knows and every section is closed.")
        } else {
            evidence.append("Apache answers every request with its own 500 error when a line of .htaccess is not a directive it knows.")
        }
        return PlaybookStepResult(outcome: findings.isEmpty ? "ok" : "invalid", evidence: evidence, values: [
            "file": name, "problems": String(findings.count),
            "first-problem": findings.first.map { "line \($0.line): \($0.problem)" } ?? "",
        ])
    }

    // MARK: maintenance-file

    func maintenanceFile() throws -> PlaybookStepResult {
        let path = EndMaintenance.path(in: site.layout)
        guard let status = try site.fileSystem.status(path) else {
            return PlaybookStepResult(outcome: "absent", evidence: ["There is no .maintenance file in \(root)."], values: ["age": ""])
        }
        let age = Self.duration(now().timeIntervalSince(status.modified))
        var evidence = [".maintenance is there, written \(age) ago."]
        let contents = String(decoding: try site.fileSystem.read(path, limit: 4096), as: UTF8.self)
        evidence += Self.maintenanceExpiry(contents, now: now())
        return PlaybookStepResult(outcome: "present", evidence: evidence, values: ["age": age])
    }

    /// WordPress shows the maintenance page while `$upgrading` is less than 10 minutes old.
    static func maintenanceExpiry(_ contents: String, now: Date) -> [String] {
        guard let range = contents.range(of: #"\$upgrading\s*=\s*([^;]+);"#, options: .regularExpression) else {
            return ["It does not set $upgrading the way WordPress's updater does; WordPress still shows its maintenance page while it exists."]
        }
        let assigned = contents[range].split(separator: "=", maxSplits: 1).last?
            .trimmingCharacters(in: CharacterSet(charactersIn: " \t;")) ?? ""
        if assigned.replacingOccurrences(of: " ", with: "") == "time()" {
            return ["It sets $upgrading = time(), so every request sees a fresh update and the maintenance page never expires."]
        }
        guard let stamp = TimeInterval(assigned) else { return ["It sets $upgrading = \(assigned)."] }
        let elapsed = now.timeIntervalSince1970 - stamp
        if elapsed >= 600 {
            return ["Its update started \(duration(elapsed)) ago; WordPress ignores it after 10 minutes, so it is not what blocks the site now."]
        }
        return ["Its update started \(duration(elapsed)) ago; WordPress shows the maintenance page until 10 minutes have passed."]
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let seconds = max(0, Int(seconds))
        if seconds < 120 { return "\(seconds) seconds" }
        if seconds < 7200 { return "\(seconds / 60) minutes" }
        if seconds < 172_800 { return "\(seconds / 3600) hours" }
        return "\(seconds / 86400) days"
    }

    // MARK: debug-log

    func debugLog(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let config = try? SiteConfig.read(site)
        let debug = config?.value(of: "WP_DEBUG")?.boolValue == true
        let logSetting = config?.value(of: "WP_DEBUG_LOG")
        let logging = debug && (logSetting?.boolValue == true || logSetting?.stringValue != nil)
        let path = try parameters.text("file").map(sitePath) ?? SiteLogs.debugLogPath(of: site, config: config)
        let shown = relative(path)
        var evidence = [logging ? "WordPress logs PHP errors to \(shown) (WP_DEBUG and WP_DEBUG_LOG are on)."
                                : "WordPress does not log PHP errors now (WP_DEBUG_LOG needs WP_DEBUG on)."]
        var values = ["file": shown, "logging": logging ? "on" : "off", "plugin": "", "theme": "", "dropin": "", "last-fatal": ""]
        guard let status = try site.fileSystem.status(path), status.kind == .file else {
            evidence.append("There is no log at \(shown).")
            guard logging else { return PlaybookStepResult(outcome: "logging-off", evidence: evidence, values: values) }
            evidence.append("If the site has failed since logging was turned on, the server keeps PHP's errors in a log of its own "
                + "(a host can pin error_log so WordPress cannot move it); the hosting panel's PHP error log has them.")
            return PlaybookStepResult(outcome: "no-log", evidence: evidence, values: values)
        }
        let minutes = parameters.text("within-minutes").flatMap(Int.init) ?? 1440
        let window = Self.duration(Double(minutes) * 60)
        // The shared reader: the last 4 MiB, entries joined with their stack traces, each
        // attributed by the deepest plugin, theme or drop-in frame, as diagnose and rescue do.
        let fatals = SiteLogs.recentProblems(in: [path], site: site, since: now().addingTimeInterval(-Double(minutes) * 60))
            .filter { $0.level == .fatal }
        guard let latest = fatals.last else {
            evidence.append("No PHP fatal error in \(shown) from the last \(window).")
            return PlaybookStepResult(outcome: "no-fatal-errors", evidence: evidence, values: values)
        }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let describe = { (entry: LogEntry) in
            self.mask(LogEvidence.line(entry).replacingOccurrences(of: prefix, with: ""), config: config)
        }
        evidence.append("\(fatals.count) PHP fatal error\(fatals.count == 1 ? "" : "s") in \(shown) from the last \(window); the latest:")
        evidence += fatals.suffix(3).map { "  " + describe($0) }
        values["last-fatal"] = describe(latest)
        let outcome = Self.fatalOutcome(latest, phpVersion: nil, values: &values, evidence: &evidence)
        return PlaybookStepResult(outcome: outcome, evidence: evidence, values: values)
    }

    /// The outcome word for the latest fatal error (`fatal-in-plugin`, `memory-exhausted`, ...), with
    /// the extension it names in `values` and a sentence in `evidence`; shared by `debug-log` and `capture-error`.
    static func fatalOutcome(_ latest: LogEntry, phpVersion: String?, values: inout [String: String], evidence: inout [String]) -> String {
        let finding = LogEvidence.finding(for: latest, phpVersion: phpVersion)
        let subject = finding?.subject ?? ""
        switch finding?.id {
        case .memoryExhausted?:
            if latest.attribution.source.typeName == "plugin", subject.hasSuffix(".php") {
                values["plugin"] = String(subject.dropLast(4))
            } else {
                values["plugin"] = latest.attribution.source.typeName == "plugin" ? subject : ""
            }
            evidence.append("PHP ran out of memory\(latest.attribution.source.name.map { " in \($0)" } ?? "").")
            return "memory-exhausted"
        case .pluginFatal?:
            values["plugin"] = subject
            evidence.append("The latest fatal error is in the plugin \(subject)\(finding.map { $0.summary.contains("not compatible") ? ": \($0.summary)" : "" } ?? "").")
            return "fatal-in-plugin"
        case .themeFatal?:
            values["theme"] = subject
            evidence.append("The latest fatal error is in the theme \(subject).")
            return "fatal-in-theme"
        case .dropinFatal?:
            values["dropin"] = subject
            evidence.append("The latest fatal error is in the drop-in \(subject).")
            return "fatal-in-dropin"
        case .mustUsePluginFatal?:
            evidence.append("The latest fatal error is in the must-use plugin \(subject).")
            return "fatal-elsewhere"
        default:
            evidence.append("The latest fatal error is not in a plugin, theme or drop-in (WordPress core, or PHP itself).")
            return "fatal-elsewhere"
        }
    }

    /// A log line may quote the database password (a failed connect call in a stack frame).
    private func mask(_ line: String, config: WPConfigFile?) -> String {
        guard let secret = config?.value(of: "DB_PASSWORD")?.stringValue, secret.count >= 4 else { return line }
        return line.replacingOccurrences(of: secret, with: KnownConstants.mask)
    }

    // MARK: memory-limit

    func memoryLimit(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let config = try SiteConfig.read(site)
        let thresholdText = parameters.text("at-least") ?? "256M"
        guard let threshold = PHPMemorySize(thresholdText) else { throw WPConfigError.invalidMemoryLimit(thresholdText) }
        var values = ["value": "", "threshold": threshold.text]
        guard let definition = config.definition(of: "WP_MEMORY_LIMIT") else {
            return PlaybookStepResult(outcome: "not-set", evidence: [
                "WP_MEMORY_LIMIT is not defined: WordPress asks PHP for 40M (64M on multisite) and keeps PHP's own memory_limit when that is higher.",
            ], values: values)
        }
        values["value"] = definition.valueSource
        var evidence = ["WP_MEMORY_LIMIT is \(definition.valueSource) (wp-config.php line \(definition.line)); the threshold is \(threshold.text)."]
        if let maximum = config.definition(of: "WP_MAX_MEMORY_LIMIT") {
            evidence.append("WP_MAX_MEMORY_LIMIT (wp-admin's limit) is \(maximum.valueSource).")
        }
        let size: PHPMemorySize?
        switch definition.value {
        case .string(let text): size = PHPMemorySize(text)
        case .int(let bytes): size = PHPMemorySize(String(bytes))
        case .bool, .float, .null, .expression: size = nil
        }
        guard let size else {
            evidence.append("That is not a size wprescue can compare; treating it as not set.")
            return PlaybookStepResult(outcome: "not-set", evidence: evidence, values: values)
        }
        evidence.append("PHP's host-wide memory_limit can still be lower; WordPress cannot raise it past what the host allows.")
        return PlaybookStepResult(outcome: size < threshold ? "below" : "enough", evidence: evidence, values: values)
    }

    // MARK: dropins

    func dropins() throws -> PlaybookStepResult {
        let found = try site.catalog.extensions(of: .dropIn).filter { $0.state == .enabled }
        guard !found.isEmpty else {
            return PlaybookStepResult(outcome: "none", evidence: ["No drop-ins in \(relative(site.layout.contentDirectory))."], values: ["names": ""])
        }
        var evidence = found.map { item in
            "\(relative(item.path))\(item.name.map { " (\($0)\(item.version.map { " \($0)" } ?? ""))" } ?? "")"
        }
        evidence.append("Drop-ins load before any plugin and stay in place when plugins are disabled.")
        return PlaybookStepResult(outcome: "present", evidence: evidence, values: ["names": found.map(\.slug).joined(separator: ", ")])
    }

    // MARK: config-valid

    func configValid() throws -> PlaybookStepResult {
        let path = site.layout.configFile
        let shown = relative(path)
        let data = try site.fileSystem.readWhole(path, limit: 4 << 20)
        let config: WPConfigFile
        do {
            config = try WPConfigFile(data: data)
        } catch {
            return PlaybookStepResult(outcome: "invalid", evidence: ["\(shown): \(error.localizedDescription)"],
                                      values: ["file": shown, "problem": error.localizedDescription])
        }
        if let problem = PHPSyntaxCheck.problem(in: data) {
            return PlaybookStepResult(outcome: "invalid", evidence: ["`php -l` rejects \(shown): \(problem)."],
                                      values: ["file": shown, "problem": problem])
        }
        var evidence = ["\(shown) parses as PHP."]
        for duplicate in config.duplicates {
            evidence.append("\(duplicate.name) is defined \(duplicate.lines.count) times (lines \(duplicate.lines.map(String.init).joined(separator: ", "))); PHP keeps the first.")
        }
        for late in config.definitionsAfterWPSettings {
            evidence.append("\(late.name) (line \(late.line)) comes after the line that loads WordPress, too late to matter.")
        }
        for output in config.outputOutsidePHP.prefix(3) {
            evidence.append("Line \(output.line) has text outside <?php … ?>, sent before WordPress's headers (breaks logins and redirects).")
        }
        return PlaybookStepResult(outcome: "valid", evidence: evidence, values: ["file": shown, "problem": ""])
    }

    // MARK: plugins-count

    func pluginsCount() throws -> PlaybookStepResult {
        let plugins = try site.catalog.extensions(of: .plugin)
        let enabled = plugins.filter { $0.state == .enabled }
        let disabled = plugins.filter { $0.state == .disabled }
        var evidence = ["\(enabled.count) plugin\(enabled.count == 1 ? "" : "s") in \(relative(site.layout.pluginDirectory))"
            + (disabled.isEmpty ? "." : ", \(disabled.count) in wprescue's quarantine.")]
        if !enabled.isEmpty {
            evidence.append("Installed: " + enabled.prefix(15).map(\.slug).joined(separator: ", ") + (enabled.count > 15 ? ", …" : "") + ".")
        }
        return PlaybookStepResult(outcome: enabled.isEmpty ? "none" : "some", evidence: evidence, values: [
            "enabled": String(enabled.count), "disabled": String(disabled.count), "names": enabled.map(\.slug).joined(separator: ", "),
        ])
    }

    // MARK: constant

    func constant(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let name = parameters.text("name") ?? ""
        let config = try SiteConfig.read(site)
        guard let definition = config.definition(of: name) else {
            return PlaybookStepResult(outcome: "not-defined", evidence: ["\(name) is not defined in \(relative(site.layout.configFile))."],
                                      values: ["value": "", "line": ""])
        }
        var evidence = ["\(name) = \(definition.displaySource)   (\(relative(site.layout.configFile)) line \(definition.line))"]
        if definition.isConditional { evidence.append("It is defined inside a condition, so it may not apply on every request.") }
        return PlaybookStepResult(outcome: "defined", evidence: evidence,
                                  values: ["value": definition.displaySource, "line": String(definition.line)])
    }
}
