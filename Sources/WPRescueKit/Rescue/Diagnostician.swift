import Foundation

/// Gathers evidence about a site and changes nothing: what visitors get, recent errors in
/// the logs, wp-config.php, a stuck .maintenance, .htaccess, drop-ins, recent changes and
/// (when a checker is given) the database.
public struct Diagnostician {
    public struct Options {
        public var urls: [String] = []
        public var serverLogs: [String] = []
        /// Also look for server logs in the usual places.
        public var searchServerLogs = true
        /// The time now, for what counts as a recent change.
        public var now = Date()
        /// How far back log entries count as recent.
        public var since = RecentWindow.fatalErrorsSince(Date())
        public var serverTimeZone = TimeZone.current
        /// Core files against WordPress.org's checksums, when the caller can reach them.
        public var coreCheck: (() -> [Finding])?
        /// When the site is broken, capture the PHP error of wprescue's own requests with the
        /// companion must-use plugin (written and removed in one journaled operation).
        public var capture = true
        /// The command line, for the capture's journal entry.
        public var command = "diagnose"

        public init() {}
    }

    public struct Diagnosis: Sendable, Codable {
        public var verdict: ProbeVerdict?
        public var pages: [Prober.PageResult]
        public var findings: [Finding]
        public var logsRead: [String]
        /// What the companion caught, when it ran.
        public var capture: ErrorCapture.Outcome?
    }

    public let site: Site
    public let prober: Prober?
    public let options: Options
    /// Database findings, when database access is available.
    public let databaseCheck: (() -> [Finding])?

    public init(site: Site, prober: Prober?, options: Options, databaseCheck: (() -> [Finding])? = nil) {
        self.site = site
        self.prober = prober
        self.options = options
        self.databaseCheck = databaseCheck
    }

    public func diagnose() -> Diagnosis {
        var findings: [Finding] = []
        var report: Prober.Report?
        if let prober, !options.urls.isEmpty {
            let probed = prober.probe(options.urls)
            report = probed
            findings.append(Self.finding(for: probed))
            if let login = Self.loginFinding(for: probed) { findings.append(login) }
        }
        let config = configFindings(into: &findings)
        var logs = logPaths(config: config)
        var capture: ErrorCapture.Outcome?
        // Only when PHP answers something: a site that cannot be reached has no PHP error to hand back.
        let unreachable: Set<ProbeVerdict> = [.connectionRefused, .dnsFailure, .tlsError, .networkError, .timeout]
        if let prober, let report, !report.isHealthy, !unreachable.contains(report.verdict), options.capture {
            capture = captureFindings(prober: prober, config: config, logs: &logs, into: &findings)
        }
        // The captured errors are the newest entries: they come first, and a log naming the same cause adds evidence.
        let entries = SiteLogs.recentProblems(in: logs, site: site, since: options.since, timeZone: options.serverTimeZone)
            + (capture?.entries(site: site, at: options.now.addingTimeInterval(1)) ?? [])
        findings += LogEvidence.findings(from: entries, phpVersion: capture?.settings?.majorMinor)
        findings += fileFindings(verdict: report?.verdict, errorsSeen: findings, network: config.flatMap(NetworkSettings.declared(in:)))
        findings += IntegrityFindings.findings(from: IntegrityFindings.scan(site))
        if let coreCheck = options.coreCheck { findings += coreCheck() }
        if let databaseCheck { findings += databaseCheck() }
        let ordered = findings.enumerated().sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }.map(\.element)
        return Diagnosis(verdict: report?.verdict, pages: report?.pages ?? [], findings: ordered, logsRead: logs, capture: capture)
    }

    /// The companion's capture of wprescue's own requests, and where PHP really logs (added to
    /// `logs` when readable, explained in a finding when it is not where WordPress asks).
    private func captureFindings(prober: Prober, config: WPConfigFile?, logs: inout [String], into findings: inout [Finding]) -> ErrorCapture.Outcome? {
        let outcome: ErrorCapture.Outcome
        do {
            outcome = try ErrorCapture(site: site, prober: prober, urls: options.urls, command: options.command).run()
        } catch {
            return ErrorCapture.Outcome(pages: [], settings: nil, operation: nil, unavailable: error.localizedDescription)
        }
        guard let settings = outcome.settings else { return outcome }
        let log = settings.errorLog
        let readable = log.hasPrefix("/") && (try? site.fileSystem.read(log, limit: 1)) != nil
        if readable, !logs.contains(log) { logs.append(log) }
        let debugLogOn = config.map { config in
            config.value(of: "WP_DEBUG")?.boolValue == true
                && config.value(of: "WP_DEBUG_LOG").map { $0.boolValue == true || $0.stringValue?.isEmpty == false } == true
        } ?? false
        if let finding = PHPErrorLogExplanation.finding(settings, debugLog: SiteLogs.debugLogPath(of: site, config: config),
                                                        debugLogOn: debugLogOn, readable: readable) {
            findings.append(finding)
        }
        return outcome
    }

    /// The debug log plus the server logs given or found readable.
    private func logPaths(config: WPConfigFile?) -> [String] {
        SiteLogs.readableLogs(of: site, config: config, serverLogs: options.serverLogs, searchUsualPlaces: options.searchServerLogs)
    }

    static func finding(for report: Prober.Report) -> Finding {
        let evidence = report.pages.map { "\($0.url): \($0.verdict.rawValue) (\($0.evidence))" }
        let explanation = report.verdict.explanation
        switch report.verdict {
        case .healthy:
            return Finding(id: .siteHealthy, severity: .info, summary: "Visitors get the site normally", evidence: evidence)
        case .badGateway, .emptyReply:
            return Finding(id: .badGateway, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .gatewayTimeout, .timeout:
            return Finding(id: .gatewayTimeout, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .serviceUnavailable:
            return Finding(id: .serviceUnavailable, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .criticalError:
            return Finding(id: .criticalError, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .whiteScreen:
            return Finding(id: .whiteScreen, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .phpErrorShown:
            return Finding(id: .phpErrorShown, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .serverError, .clientError, .expectedTextMissing:
            return Finding(id: .serverError, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue rescue")
        case .databaseError:
            return Finding(id: .databaseConnection, severity: .critical, summary: explanation, evidence: evidence, fix: "wprescue db check")
        case .redirectLoop:
            return Finding(id: .redirectLoop, severity: .critical,
                           summary: explanation + "; compare siteurl/home with the address you use, and HTTPS settings at the CDN",
                           evidence: evidence)
        case .connectionRefused, .dnsFailure, .tlsError, .networkError:
            return Finding(id: .siteUnreachable, severity: .critical,
                           summary: explanation + ": this is the server, DNS or network, not WordPress", evidence: evidence)
        }
    }

    /// The front end is healthy but the login page or wp-admin is not: visitors are fine and
    /// the owner is locked out, so the way in (a one-time link, or the address when it loops)
    /// matters more than a rescue of the whole site.
    public static func loginFinding(for report: Prober.Report) -> Finding? {
        func isLogin(_ url: String) -> Bool {
            let path = URLComponents(string: url)?.path ?? url
            return path.hasSuffix("/wp-login.php") || path.contains("/wp-admin")
        }
        let front = report.pages.filter { !isLogin($0.url) }
        guard !front.isEmpty, front.allSatisfy(\.verdict.isHealthy),
              let broken = report.pages.first(where: { isLogin($0.url) && !$0.verdict.isHealthy }) else { return nil }
        let page = URLComponents(string: broken.url)?.path ?? broken.url
        let start = "The front end works but \(page) answers \(broken.verdict.rawValue) (\(broken.verdict.explanation)), so nobody can log in"
        switch broken.verdict {
        case .redirectLoop:
            return Finding(id: .loginBroken, severity: .critical,
                           summary: start + "; the site's address likely differs from where the server answers (`wprescue url show` compares them), and `wprescue login` makes a one-time link past the login form",
                           evidence: ["\(broken.url): \(broken.evidence)"], fix: "wprescue url show")
        case .criticalError, .phpErrorShown, .whiteScreen, .serverError:
            return Finding(id: .loginBroken, severity: .critical,
                           summary: start + "; `wprescue recovery-link` opens wp-admin with the failing plugin paused, `wprescue login` makes a one-time link past the login form",
                           evidence: ["\(broken.url): \(broken.evidence)"], fix: "wprescue login")
        default:
            return Finding(id: .loginBroken, severity: .critical,
                           summary: start + "; `wprescue login` makes a one-time link past the login form (and `wprescue users unlock` clears login lockouts)",
                           evidence: ["\(broken.url): \(broken.evidence)"], fix: "wprescue login")
        }
    }

    private func configFindings(into findings: inout [Finding]) -> WPConfigFile? {
        let config: WPConfigFile
        do {
            config = try SiteConfig.read(site)
        } catch {
            findings.append(Finding(id: .configInvalid, severity: .critical, summary: "wp-config.php cannot be read as PHP",
                                    evidence: [error.localizedDescription], subject: site.layout.configFile))
            return nil
        }
        for duplicate in config.duplicates {
            findings.append(Finding(id: .configDuplicate, severity: .warning,
                                    summary: "\(duplicate.name) is defined more than once in wp-config.php (PHP keeps the first)",
                                    evidence: ["lines \(duplicate.lines.map(String.init).joined(separator: ", "))"],
                                    fix: "wprescue config list", subject: duplicate.name))
        }
        let debug = config.value(of: "WP_DEBUG")?.boolValue == true
        let display = config.value(of: "WP_DEBUG_DISPLAY")?.boolValue
        if debug && display != false {
            findings.append(Finding(id: .debugDisplayOn, severity: .warning,
                                    summary: "WP_DEBUG is on and errors are shown to visitors (WP_DEBUG_DISPLAY is not false)",
                                    evidence: ["WP_DEBUG = true"], fix: "wprescue debug on"))
        }
        let logging = config.value(of: "WP_DEBUG_LOG").map { $0.boolValue == true || $0.stringValue?.isEmpty == false } ?? false
        if !(debug && logging) {
            findings.append(Finding(id: .debugLogOff, severity: .info,
                                    summary: "WordPress's error log is off, so PHP errors may not be recorded anywhere wprescue can read",
                                    evidence: ["WP_DEBUG = \(config.definition(of: "WP_DEBUG")?.valueSource ?? "not set"), WP_DEBUG_LOG = \(config.definition(of: "WP_DEBUG_LOG")?.valueSource ?? "not set")"],
                                    fix: "wprescue debug on"))
        }
        return config
    }

    /// A network's .htaccess needs WordPress's multisite rules: with the single-site block, Apache
    /// sends a sub-site's /shop/wp-admin/ and /shop/wp-content/... to the wrong files.
    static func networkRulesProblem(_ contents: String, network: NetworkSettings) -> String? {
        guard HtaccessCheck.hasWordPressBlock(contents) else { return nil }
        let prefix = network.kind == .subdirectory ? "([_0-9a-zA-Z-]+/)?" : ""
        guard !contents.contains("RewriteRule ^\(prefix)(wp-(content|admin|includes).*)") else { return nil }
        return "wp-config.php declares a \(network.kind.rawValue) network but .htaccess lacks WordPress's rules for one: "
            + "on Apache, the network's sites get broken wp-admin and missing styles"
    }

    private func fileFindings(verdict: ProbeVerdict?, errorsSeen: [Finding], network: NetworkSettings?) -> [Finding] {
        var findings: [Finding] = []
        let fileSystem = site.fileSystem
        let maintenance = EndMaintenance.path(in: site.layout)
        if let status = try? fileSystem.status(maintenance) {
            let stuck = verdict == .serviceUnavailable
            findings.append(Finding(id: .maintenanceStuck, severity: stuck ? .critical : .warning,
                                    summary: "A .maintenance file is present (left by an update that did not finish)\(stuck ? " and visitors get the maintenance page" : "")",
                                    evidence: ["\(maintenance), modified \(status.modified)"], fix: "wprescue maintenance off"))
        }
        let htaccess = RegenerateHtaccess.path(in: site.layout)
        if let data = try? fileSystem.readWhole(htaccess, limit: 1 << 20) {
            let problems = HtaccessCheck.findings(in: String(decoding: data, as: UTF8.self))
            if !problems.isEmpty, !errorsSeen.contains(where: { $0.id == .htaccessInvalid }) {
                findings.append(Finding(id: .htaccessInvalid, severity: verdict == .serverError ? .critical : .warning,
                                        summary: ".htaccess has lines Apache may refuse (a 500 on every page)",
                                        evidence: problems.prefix(3).map { "line \($0.line): \($0.problem)" },
                                        fix: "wprescue htaccess regenerate --turn-off-refused"))
            }
            if let network, let problem = Self.networkRulesProblem(String(decoding: data, as: UTF8.self), network: network) {
                findings.append(Finding(id: .htaccessSingleSite, severity: .warning, summary: problem,
                                        fix: "wprescue htaccess regenerate"))
            }
        } else if (try? fileSystem.exists(htaccess)) == false {
            findings.append(Finding(id: .htaccessMissing, severity: .info,
                                    summary: "No .htaccess: on Apache, pretty permalinks give 404s without one",
                                    fix: "wprescue htaccess regenerate"))
        }
        for name in ["object-cache.php", "advanced-cache.php"] where (try? fileSystem.isFile(SitePath.join(site.layout.contentDirectory, name))) == true {
            guard !errorsSeen.contains(where: { $0.subject == name }) else { continue }
            findings.append(Finding(id: .dropinSuspect, severity: .info,
                                    summary: "Drop-in \(name) replaces part of WordPress; if its cache backend is down, every page fails",
                                    fix: "wprescue plugins disable --dropins \(name)", subject: name))
        }
        if let extensions = try? site.catalog.all() {
            let recent = extensions.filter { $0.state == .enabled && RecentWindow.isRecentChange($0.modified, now: options.now) }
            if !recent.isEmpty {
                findings.append(Finding(id: .recentlyChanged, severity: .info,
                                        summary: "\(recent.count) plugin\(recent.count == 1 ? "" : "s")/theme\(recent.count == 1 ? "" : "s") changed in \(RecentWindow.changesDescription)",
                                        evidence: recent.sorted { $0.modified > $1.modified }.prefix(8).map { "\($0.kind.rawValue) \($0.slug), modified \($0.modified)" }))
            }
            let disabled = extensions.filter { $0.state == .disabled }
            if !disabled.isEmpty {
                findings.append(Finding(id: .disabledByWPRescue, severity: .info,
                                        summary: "Disabled by wprescue: \(disabled.map(\.slug).joined(separator: ", "))",
                                        fix: "wprescue history"))
            }
        }
        return findings
    }
}
