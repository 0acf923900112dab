/// What a check or action accepts under `with:`.
public struct PlaybookParameterSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Free text.
        case text
        /// A path relative to the site's root, never outside it.
        case path
        /// A path on the site's web address, starting with `/` (`/wp-login.php`).
        case page
        /// A PHP memory size: `256M`, `1G`, `-1`.
        case size
        /// Plugin or theme slugs: one word, a list, or `all` where `allowsAll`.
        case slugs(allowsAll: Bool)
        /// One slug.
        case slug
        /// A drop-in file name (object-cache.php, …) or `all`.
        case dropIn
        /// A PHP constant name.
        case constant
        /// true or false.
        case flag
        /// A whole number of minutes, 1 or more.
        case minutes
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    public var help: String

    init(_ name: String, _ kind: Kind, required: Bool = false, _ help: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.help = help
    }
}

/// The outcome every check and action may end with: it could not run. Without a branch for
/// it the run stops there with the reason.
public let playbookFailedOutcome = "failed"

/// The built-in checks: each looks at the site, changes nothing, and ends with one outcome word
/// (plus evidence lines for the person, and named values other steps can quote as `{{step.value}}`).
public enum PlaybookCheck: String, Sendable, CaseIterable {
    case probe
    case htaccess
    case maintenanceFile = "maintenance-file"
    case debugLog = "debug-log"
    case memoryLimit = "memory-limit"
    case dropins
    case configValid = "config-valid"
    case pluginsCount = "plugins-count"
    case constant
    case siteAddress = "site-address"

    public var summary: String {
        switch self {
        case .probe: return "fetch the site's pages like a first-time visitor; the outcome is the verdict"
        case .htaccess: return "read .htaccess and point out lines Apache would refuse"
        case .maintenanceFile: return "look for the .maintenance file WordPress leaves during updates"
        case .debugLog: return "the recent fatal errors in WordPress's log; no-log when logging is on but nothing was written, logging-off when it is off"
        case .memoryLimit: return "compare WP_MEMORY_LIMIT with a threshold"
        case .dropins: return "look for drop-ins (object-cache.php, advanced-cache.php, …) in wp-content"
        case .configValid: return "whether wp-config.php parses (and passes php -l where PHP is installed)"
        case .pluginsCount: return "count the enabled plugins"
        case .constant: return "read one constant from wp-config.php (secrets masked)"
        case .siteAddress: return "compare home/siteurl with what the server answers (like `url show`)"
        }
    }

    public var parameters: [PlaybookParameterSpec] {
        switch self {
        case .probe:
            return [PlaybookParameterSpec("page", .page, "a page on the site to fetch instead of the default pages, e.g. /wp-login.php"),
                    PlaybookParameterSpec("expect", .text, "text the page must contain to count as healthy")]
        case .htaccess:
            return [PlaybookParameterSpec("file", .path, "the file to check, relative to the site (default .htaccess)")]
        case .debugLog:
            return [PlaybookParameterSpec("file", .path, "the log to read, relative to the site (default: where wp-config.php sends it)"),
                    PlaybookParameterSpec("within-minutes", .minutes, "only count errors logged this recently (default 1440, a day)")]
        case .memoryLimit:
            return [PlaybookParameterSpec("at-least", .size, "the threshold (default 256M)")]
        case .constant:
            return [PlaybookParameterSpec("name", .constant, required: true, "the constant, e.g. DB_HOST")]
        case .maintenanceFile, .dropins, .configValid, .pluginsCount, .siteAddress:
            return []
        }
    }

    /// The outcomes besides `failed`.
    public var outcomes: [String] {
        switch self {
        case .probe: return ProbeVerdict.allCases.map(\.rawValue)
        case .htaccess: return ["ok", "invalid", "missing"]
        case .maintenanceFile: return ["present", "absent"]
        case .debugLog:
            return ["fatal-in-plugin", "fatal-in-theme", "fatal-in-dropin", "memory-exhausted", "fatal-elsewhere", "no-fatal-errors", "no-log", "logging-off"]
        case .memoryLimit: return ["below", "enough", "not-set"]
        case .dropins: return ["present", "none"]
        case .configValid: return ["valid", "invalid"]
        case .pluginsCount: return ["none", "some"]
        case .constant: return ["defined", "not-defined"]
        case .siteAddress: return ["ok", "mismatch"]
        }
    }

    /// Values other steps can quote; every step also has `outcome`.
    public var values: [String] {
        switch self {
        case .probe: return ["verdict", "url", "status", "explanation"]
        case .htaccess: return ["file", "problems", "first-problem"]
        case .maintenanceFile: return ["age"]
        case .debugLog: return ["file", "logging", "plugin", "theme", "dropin", "last-fatal"]
        case .memoryLimit: return ["value", "threshold"]
        case .dropins: return ["names"]
        case .configValid: return ["file", "problem"]
        case .pluginsCount: return ["enabled", "disabled", "names"]
        case .constant: return ["value", "line"]
        case .siteAddress: return ["problem", "explanation", "fix-url", "fix-only", "home", "siteurl"]
        }
    }
}

/// The built-in actions: each changes the site through the journal (one operation each, so
/// `wprescue undo` reverts it), the same way the matching command does, and honours --dry-run.
public enum PlaybookAction: String, Sendable, CaseIterable {
    case disablePlugins = "disable-plugins"
    case enablePlugins = "enable-plugins"
    case disableTheme = "disable-theme"
    case bisectPlugins = "bisect-plugins"
    case debugOn = "debug-on"
    case debugOff = "debug-off"
    case memory
    case htaccessRegenerate = "htaccess-regenerate"
    case removeMaintenance = "remove-maintenance"
    case disableDropin = "disable-dropin"
    case loginLink = "login-link"
    case unlockLogins = "unlock-logins"
    case repairCore = "repair-core"
    case captureError = "capture-error"
    case urlSet = "url-set"
    case recoveryLink = "recovery-link"

    public var summary: String {
        switch self {
        case .disablePlugins: return "move plugins into the quarantine folder (like `plugins disable`)"
        case .enablePlugins: return "move plugins back (like `plugins enable`)"
        case .disableTheme: return "move a theme into the quarantine folder (like `themes disable`)"
        case .bisectPlugins: return "find the plugin or plugins that break the site (like `bisect`)"
        case .debugOn: return "log PHP errors to a file, show none to visitors (like `debug on`)"
        case .debugOff: return "put back the debug settings debug-on replaced (nothing when wprescue did not turn the log on)"
        case .memory: return "raise WP_MEMORY_LIMIT (like `memory`)"
        case .htaccessRegenerate: return "write WordPress's own .htaccess block again (like `htaccess regenerate`)"
        case .removeMaintenance: return "remove the .maintenance file (a copy stays in the journal)"
        case .disableDropin: return "move a drop-in into the quarantine folder (like `plugins disable --dropins`)"
        case .loginLink: return "print a one-time link that logs the administrator in (like `login`)"
        case .unlockLogins: return "clear the lockouts of login-limiting plugins (like `users unlock`)"
        case .repairCore: return "restore damaged or missing WordPress core files from the release (like `core repair`)"
        case .captureError: return "capture the PHP error of wprescue's own request with a temporary must-use plugin, removed at once (as rescue does)"
        case .urlSet: return "set the site's address where WordPress reads it (like `url set`)"
        case .recoveryLink: return "print core's recovery mode link, wp-admin with the failing plugin paused (like `recovery-link`)"
        }
    }

    public var parameters: [PlaybookParameterSpec] {
        switch self {
        case .disablePlugins, .enablePlugins:
            return [PlaybookParameterSpec("plugins", .slugs(allowsAll: true), required: true, "slugs, or all"),
                    PlaybookParameterSpec("except", .slugs(allowsAll: false), "with all: plugins to leave alone")]
        case .disableTheme:
            return [PlaybookParameterSpec("theme", .slug, required: true, "the theme's folder name")]
        case .bisectPlugins:
            return [PlaybookParameterSpec("keep", .slugs(allowsAll: false), "plugins to leave enabled throughout"),
                    PlaybookParameterSpec("suspects", .slugs(allowsAll: false), "plugins to try first (e.g. the one the log names)"),
                    PlaybookParameterSpec("include-mu", .flag, "include must-use plugins"),
                    PlaybookParameterSpec("include-dropins", .flag, "include drop-ins")]
        case .debugOn:
            return [PlaybookParameterSpec("log-path", .path, "where PHP writes the log, relative to the site (default as `debug on`)")]
        case .memory:
            return [PlaybookParameterSpec("limit", .size, required: true, "the new WP_MEMORY_LIMIT: 256M, 512M, 1G")]
        case .htaccessRegenerate:
            return [PlaybookParameterSpec("clean", .flag, "drop everything outside WordPress's block (default false)")]
        case .disableDropin:
            return [PlaybookParameterSpec("name", .dropIn, required: true, "the drop-in's file name, or all")]
        case .loginLink:
            return [PlaybookParameterSpec("user", .text, "the login to log in as (default: the only administrator)")]
        case .urlSet:
            return [PlaybookParameterSpec("url", .text, required: true, "the address, e.g. https://example.com (or {{step.fix-url}})"),
                    PlaybookParameterSpec("only", .text, "home or siteurl (default both)"),
                    PlaybookParameterSpec("in", .text, "config or database (default: where WordPress reads it now)")]
        case .debugOff, .removeMaintenance, .unlockLogins, .recoveryLink, .captureError, .repairCore:
            return []
        }
    }

    /// The outcomes besides `failed`. `skipped`: the person declined, or --dry-run only described it.
    public var outcomes: [String] {
        switch self {
        case .bisectPlugins: return ["culprits-found", "not-broken", "not-a-plugin-problem", "inconclusive", "skipped"]
        case .disablePlugins, .enablePlugins, .disableTheme, .debugOn, .debugOff, .memory, .htaccessRegenerate,
             .removeMaintenance, .disableDropin, .unlockLogins, .urlSet, .repairCore:
            return ["done", "unchanged", "skipped"]
        case .loginLink, .recoveryLink: return ["done", "skipped"]
        case .captureError:
            return ["fatal-in-plugin", "fatal-in-theme", "fatal-in-dropin", "memory-exhausted", "fatal-elsewhere", "nothing-captured",
                    "not-possible", "skipped"]
        }
    }

    public var values: [String] {
        switch self {
        case .bisectPlugins: return ["culprits", "disabled", "verdict", "probes", "operation"]
        case .debugOn: return ["file", "operation"]
        case .memory: return ["value", "operation"]
        case .disablePlugins, .enablePlugins, .disableTheme, .disableDropin: return ["changed", "operation"]
        case .debugOff, .htaccessRegenerate, .removeMaintenance: return ["operation"]
        case .repairCore: return ["restored", "operation"]
        // Never the link itself: a placeholder would print the secret a second time.
        case .loginLink: return ["user", "expires", "operation"]
        case .unlockLogins: return ["cleared", "operation"]
        case .captureError: return ["plugin", "theme", "dropin", "last-fatal", "php-version", "error-log", "operation"]
        case .urlSet: return ["url", "operation"]
        case .recoveryLink: return ["expires", "operation"]
        }
    }
}

/// The outcomes of an `instruct` step.
public enum PlaybookInstruction {
    public static let outcomes = ["done", "skipped"]
}
