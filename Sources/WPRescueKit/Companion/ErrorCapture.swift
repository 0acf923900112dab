import Foundation

/// Sees the real error whatever the host does with PHP's log: the companion must-use plugin is
/// written (one journaled operation, removed before it ends, so `undo` has nothing left to
/// take back but can), each page is requested once with the run's signed header, and the fatal
/// error each request ended in comes back in that response only. Also reads where PHP really
/// logs (`PHPErrorSettings`). Used first by rescue and diagnose; the debug-log route stays for
/// when this cannot work (the must-use folder not writable, the companion silent, a worker
/// that dies before the request ends: a 502).
public struct ErrorCapture {
    public struct Page: Sendable, Codable, Equatable {
        public var url: String
        public var verdict: ProbeVerdict
        /// The companion saw the request (its acknowledgement came back).
        public var seen: Bool
        public var error: CapturedError?
    }

    public struct Outcome: Sendable, Codable, Equatable {
        public var pages: [Page]
        /// PHP's error settings and version, as the site's PHP has them.
        public var settings: PHPErrorSettings?
        /// The journal operation that wrote and removed the companion.
        public var operation: String?
        /// Why nothing could be captured, in one sentence; nil when the companion answered.
        public var unavailable: String?

        public var errors: [CapturedError] { pages.compactMap(\.error) }

        /// The captured errors as log entries, attributed like debug.log's.
        public func entries(site: Site, at time: Date) -> [LogEntry] {
            let attributor = LogAttributor.resolvingSymbolicLinks(layout: site.layout, fileSystem: site.fileSystem)
            var seen = Set<String>()
            return errors.filter { seen.insert($0.logText).inserted }.map { $0.entry(attributor: attributor, at: time) }
        }

        /// Why a page that is broken gave nothing to capture, when the companion answered.
        public var silentPages: String? {
            let silent = pages.filter { $0.error == nil && !$0.verdict.isHealthy }
            guard !silent.isEmpty, unavailable == nil else { return nil }
            if silent.contains(where: { !$0.seen }) {
                return "the PHP worker ended before the request did (\(silent.map(\.verdict.rawValue).joined(separator: ", "))), so there was no error to hand back"
            }
            return "the requests ended without a PHP fatal error (\(silent.map(\.verdict.rawValue).joined(separator: ", ")))"
        }
    }

    public static let summary = "Capture the site's PHP error (temporary must-use plugin, removed again)"
    /// The change as a rescue proposes it.
    public static let description = "Write a temporary must-use plugin that hands back the PHP error of wprescue's own requests "
        + "(visitors get the site unchanged; removed at once)"

    public let site: Site
    public let prober: Prober
    public let urls: [String]
    public let command: String

    public init(site: Site, prober: Prober, urls: [String], command: String) {
        self.site = site
        self.prober = prober
        self.urls = urls
        self.command = command
    }

    /// Writes the companion, requests every page once, removes the companion. Throws only when
    /// the journal cannot record it (the site locked by another run); a companion that cannot be
    /// written or does not answer is an outcome with `unavailable` set, and nothing left behind.
    public func run() throws -> Outcome {
        let operation = try site.journal.begin(command: command, summary: Self.summary)
        let companion = CompanionPlugin(site: site, operation: operation)
        do {
            let info: CompanionPlugin.Info
            do {
                try companion.install()
                info = try companion.info(prober: prober, url: urls.first)
            } catch let error where FileAccessError(unwrapping: error) != nil || error is CompanionPlugin.Failure {
                try operation.rollBack(after: error)
                let reason = error is CompanionPlugin.Failure ? error.localizedDescription
                    : "The must-use plugins folder cannot be written (\(error.localizedDescription))."
                return Outcome(pages: [], settings: nil, operation: nil, unavailable: reason)
            }
            // A stack frame may quote the database password (a failed connect call): masked before anyone sees it.
            let password = (try? SiteConfig.read(site))?.value(of: "DB_PASSWORD")?.stringValue.flatMap { $0.count >= 4 ? $0 : nil }
            let pages = urls.map { url in
                let (page, seen, captured) = companion.capture(prober: prober, url: url)
                var error = captured
                if let password { error?.message = captured?.message.replacingOccurrences(of: password, with: KnownConstants.mask) ?? "" }
                return Page(url: url, verdict: page.verdict, seen: seen, error: error)
            }
            try companion.remove()
            try operation.finish()
            return Outcome(pages: pages, settings: info.php, operation: operation.id, unavailable: nil)
        } catch {
            try operation.rollBack(after: error)
            throw error
        }
    }
}

/// What PHP's error settings mean for the person reading the logs: where the errors really go,
/// and why WordPress's debug log stays empty although it is on.
public enum PHPErrorLogExplanation {
    /// Where hosting panels show PHP's error log to a site owner who cannot read the file.
    public static let whereHostsShowIt = "your hosting panel's error log page (cPanel: Metrics › Errors; Plesk: Websites & Domains › Logs; "
        + "most VPS panels: the site's Logs tab), or ask the host"

    /// The finding, or nil when there is nothing to say (PHP writes where WordPress asks).
    /// `debugLogOn`: WP_DEBUG and WP_DEBUG_LOG are on (or about to be); `readable`: whether
    /// `settings.errorLog` is a file this access can read.
    public static func finding(_ settings: PHPErrorSettings, debugLog: String, debugLogOn: Bool, readable: Bool) -> Finding? {
        let log = settings.errorLog
        let evidence = ["error_log = \(log.isEmpty ? "(empty)" : log)\(settings.errorLogLocked == true ? " (fixed by the host)" : ""), "
            + "log_errors = \(settings.logErrors.isEmpty ? "0" : settings.logErrors), "
            + "display_errors = \(settings.displayErrors.isEmpty ? "0" : settings.displayErrors), PHP \(settings.version)"]
        // WordPress moves PHP's log to debug.log with ini_set(), which a php_admin_value forbids.
        let wordPressMovesIt = debugLogOn && settings.errorLogLocked != true
        let stays = debugLogOn ? "WordPress's debug log stays empty: " : ""
        let severity: Finding.Severity = debugLogOn ? .warning : .info
        if !settings.logsErrors {
            return Finding(id: .phpErrorLog, severity: severity,
                           summary: "\(stays)PHP logs no errors at all (log_errors is off, a setting of the host)", evidence: evidence)
        }
        if wordPressMovesIt || log == debugLog { return nil }
        let because = debugLogOn ? " (the host fixes error_log with php_admin_value, which WordPress cannot change)" : ""
        if log.isEmpty {
            return Finding(id: .phpErrorLog, severity: severity,
                           summary: "\(stays)PHP hands its errors to the web server\(because): nginx's error log (\"FastCGI sent in stderr: PHP message: ...\") or Apache's; wprescue reads it when given with --server-log or found readable, else see \(whereHostsShowIt)",
                           evidence: evidence)
        }
        if log == "syslog" {
            return Finding(id: .phpErrorLog, severity: severity,
                           summary: "\(stays)PHP sends its errors to the system log (syslog or journald)\(because), which a site account rarely reads: see \(whereHostsShowIt)",
                           evidence: evidence)
        }
        let access = readable ? "; wprescue reads it" : ", which this access cannot read: see \(whereHostsShowIt)"
        return Finding(id: .phpErrorLog, severity: severity,
                       summary: "\(stays)PHP writes its errors to \(log)\(because)\(access)", evidence: evidence, subject: log)
    }
}
