/// One thing `diagnose` noticed, with the evidence and the exact command that fixes it.
public struct Finding: Equatable, Sendable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case info, warning, critical

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    }

    public var id: FindingID
    public var severity: Severity
    public var summary: String
    public var evidence: [String]
    /// The wprescue command that fixes it, or nil when the fix is outside wprescue's reach
    /// (then `summary` says what to ask for).
    public var fix: String?
    /// The plugin, theme or file concerned, when there is one.
    public var subject: String?

    public init(id: FindingID, severity: Severity, summary: String, evidence: [String] = [], fix: String? = nil, subject: String? = nil) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.evidence = evidence
        self.fix = fix
        self.subject = subject
    }
}

/// Stable finding identifiers (documented in the README; JSON uses the raw values).
public enum FindingID: String, Sendable, Codable, CaseIterable {
    // What a visitor gets.
    case siteHealthy = "site-healthy"
    case badGateway = "bad-gateway"
    case gatewayTimeout = "gateway-timeout"
    case serviceUnavailable = "service-unavailable"
    case criticalError = "critical-error"
    case whiteScreen = "white-screen"
    case serverError = "server-error"
    case phpErrorShown = "php-error-shown"
    case redirectLoop = "redirect-loop"
    case siteUnreachable = "site-unreachable"
    /// The front end works but wp-login.php or wp-admin does not (or loops): the owner is locked out.
    case loginBroken = "login-broken"
    // Errors in the logs.
    case pluginFatal = "plugin-fatal"
    case mustUsePluginFatal = "mu-plugin-fatal"
    case themeFatal = "theme-fatal"
    case dropinFatal = "dropin-fatal"
    case configFatal = "config-fatal"
    case coreFatal = "core-fatal"
    case memoryExhausted = "memory-exhausted"
    case timeLimit = "time-limit"
    case phpWorkerCrashed = "php-worker-crashed"
    case phpFPMDown = "php-fpm-down"
    case phpFPMOverloaded = "php-fpm-overloaded"
    case upstreamTimeout = "upstream-timeout"
    // Files.
    case maintenanceStuck = "maintenance-stuck"
    case htaccessInvalid = "htaccess-invalid"
    case htaccessMissing = "htaccess-missing"
    /// A multisite network whose .htaccess holds the single-site rules.
    case htaccessSingleSite = "htaccess-single-site"
    case dropinSuspect = "dropin-suspect"
    case configInvalid = "config-invalid"
    case configDuplicate = "config-duplicate"
    case debugDisplayOn = "debug-display-on"
    case debugLogOff = "debug-log-off"
    /// Where PHP really writes its errors, when that is not where WordPress asked (a host's php_admin_value, syslog, the web server).
    case phpErrorLog = "php-error-log"
    case recentlyChanged = "recently-changed"
    case disabledByWPRescue = "disabled-by-wprescue"
    // Files changed by a failed update or an intruder.
    case coreDamaged = "core-damaged"
    case coreUnexpected = "core-unexpected"
    case coreUnverified = "core-unverified"
    case upgradeStuck = "upgrade-stuck"
    case uploadsPHP = "uploads-php"
    case injectedCode = "injected-code"
    case pluginModified = "plugin-modified"
    // The database.
    case databaseConnection = "database-connection"
    case databaseTables = "database-tables"
    case databaseOther = "database-problem"
}
