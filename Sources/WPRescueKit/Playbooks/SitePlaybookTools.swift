import Foundation

public enum PlaybookSiteError: Error, Equatable, LocalizedError {
    case noURL
    case notAFile(String)

    public var errorDescription: String? {
        switch self {
        case .noURL:
            return "No URL to probe: pass --url https://example.com/ (or give the alias a `url:`, or define WP_HOME in wp-config.php)."
        case .notAFile(let path):
            return "\(path) is not a file."
        }
    }
}

/// The real checks and actions of a playbook run, on one site: the same remedies as the
/// matching commands, every change through the site's journal (one operation per action) and
/// never outside the site's own folders.
public final class SitePlaybookTools {
    public struct Options {
        public var dryRun = false
        /// The command line, for the journal's history.
        public var command = "playbook run"
        /// Seconds to let pass after a change before probing (PHP's opcache revalidates every 2 s by default).
        public var settle: TimeInterval = 2.1
        /// Seconds before looking again at a 502/503/504 or timeout, which may be load.
        public var confirmDelays: [TimeInterval] = [1, 3]

        public init() {}
    }

    let site: Site
    let prober: Prober
    /// The pages probed by default (`--url`, else the home page and the login page); may be empty.
    let pages: [String]
    /// The site's home URL, for `page:` and .htaccess's RewriteBase.
    let home: String?
    let debugMemory: DebugSnapshotMemory
    let options: Options
    /// Plugins to try first in a bisection (recently changed ones), as `wprescue bisect` picks them.
    let recentSuspects: ([Extension]) -> [String]
    /// Progress lines from long actions (each look of a bisection).
    public var progress: (String) -> Void = { _ in }
    var sleep: (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }
    var now: () -> Date = Date.init
    /// When the last change was made, so a probe right after it waits out PHP's opcache.
    var lastChange: Date?
    /// Opens the site's database and says its table prefix, for the actions that need it
    /// (`login-link` to find the administrator, `unlock-logins`); nil when it cannot be reached.
    public var database: (() throws -> (database: WordPressDatabase, tablePrefix: String))?

    public init(site: Site, prober: Prober, pages: [String], home: String?, debugMemory: DebugSnapshotMemory,
                options: Options = Options(), recentSuspects: @escaping ([Extension]) -> [String] = { _ in [] }) {
        self.site = site
        self.prober = prober
        self.pages = pages
        self.home = home
        self.debugMemory = debugMemory
        self.options = options
        self.recentSuspects = recentSuspects
    }

    public func runCheck(_ check: PlaybookCheck, with parameters: PlaybookParameters) throws -> PlaybookStepResult {
        switch check {
        case .probe: return try probe(parameters)
        case .htaccess: return try htaccess(parameters)
        case .maintenanceFile: return try maintenanceFile()
        case .debugLog: return try debugLog(parameters)
        case .memoryLimit: return try memoryLimit(parameters)
        case .dropins: return try dropins()
        case .configValid: return try configValid()
        case .pluginsCount: return try pluginsCount()
        case .constant: return try constant(parameters)
        case .siteAddress: return try siteAddress()
        }
    }

    public func perform(_ action: PlaybookAction, with parameters: PlaybookParameters) throws -> PlaybookStepResult {
        switch action {
        case .disablePlugins: return try switchPlugins(.disable, parameters)
        case .enablePlugins: return try switchPlugins(.enable, parameters)
        case .disableTheme: return try disableTheme(parameters)
        case .bisectPlugins: return try bisectPlugins(parameters)
        case .debugOn: return try debugOn(parameters)
        case .debugOff: return try debugOff()
        case .memory: return try memory(parameters)
        case .htaccessRegenerate: return try htaccessRegenerate(parameters)
        case .removeMaintenance: return try removeMaintenance()
        case .disableDropin: return try disableDropin(parameters)
        case .loginLink: return try loginLink(parameters)
        case .unlockLogins: return try unlockLogins()
        case .repairCore: return try repairCore()
        case .captureError: return try captureError()
        case .urlSet: return try urlSet(parameters)
        case .recoveryLink: return try recoveryLink()
        }
    }

    // MARK: - Shared

    var root: String { site.layout.root }

    func relative(_ path: String) -> String { SitePath.relative(path, to: root) }

    /// A path a playbook named, relative to the site; refused if it would leave it.
    func sitePath(_ relativePath: String) throws -> String {
        let path = SitePath.normalize(SitePath.join(root, relativePath))
        guard PlaybookParameterRule.isInsideSite(relativePath), SitePath.isInside(path, root: root) else {
            throw PlaybookRunError.outsideSite(path: path, root: root)
        }
        return path
    }

    /// Applies a plan through the journal (or, with --dry-run, only describes it).
    func apply(_ plan: ChangePlan) throws -> (operation: String?, lines: [String]) {
        try PlaybookSiteGuard.check(plan, layout: site.layout)
        let described = plan.changes.map { $0.describe(relativeTo: root) }
        if options.dryRun { return (nil, described.map { "would \($0)" }) }
        let operation = try site.journal.apply(plan)
        lastChange = now()
        return (operation, described)
    }

    /// The outcome and values of an action that applied `plan`. A dry run ends `skipped`: the
    /// change was only described, and the checks after it will see the site unchanged.
    func actionResult(_ plan: ChangePlan, extra: [String] = [], values: [String: String] = [:]) throws -> PlaybookStepResult {
        var values = values
        values["operation"] = values["operation"] ?? ""
        guard !plan.isEmpty else { return PlaybookStepResult(outcome: "unchanged", evidence: extra, values: values) }
        let (operation, lines) = try apply(plan)
        values["operation"] = operation ?? ""
        if options.dryRun {
            return PlaybookStepResult(outcome: "skipped", evidence: lines + extra + ["Dry run: nothing was changed."], values: values)
        }
        return PlaybookStepResult(outcome: "done", evidence: lines + extra + (operation.map { ["Journaled as operation \($0)."] } ?? []),
                                  values: values)
    }

    /// Waits until `settle` seconds have passed since the last change.
    func waitForSettle() {
        guard let lastChange, options.settle > 0 else { return }
        let elapsed = now().timeIntervalSince(lastChange)
        if elapsed < options.settle { sleep(options.settle - elapsed) }
    }
}

/// The run-time half of "a playbook never touches anything outside the site": every change an
/// action plans must stay inside the site's root or its content, plugin and theme folders
/// (which wp-config.php may put elsewhere), or be wp-config.php itself (which may sit one level up).
public enum PlaybookSiteGuard {
    public static func check(_ plan: ChangePlan, layout: SiteLayout) throws {
        for change in plan.changes {
            let paths: [String]
            switch change {
            case .move(let from, let to): paths = [from, to]
            case .createDirectory(let path), .removeDirectory(let path), .write(let path, _), .removeFile(let path),
                 .discardCreatedFile(let path): paths = [path]
            case .databaseRows: paths = [] // the site's own database: no file outside it is touched
            }
            for path in paths where !allows(path, layout: layout) {
                throw PlaybookRunError.outsideSite(path: path, root: layout.root)
            }
        }
    }

    public static func allows(_ path: String, layout: SiteLayout) -> Bool {
        let path = SitePath.normalize(path)
        if path == SitePath.normalize(layout.configFile) { return true }
        // A linked wp-config.php is written where it points, when that belongs to the site.
        if let target = try? layout.configWritePath(), path == SitePath.normalize(target) { return true }
        let quarantine = Quarantine(layout: layout)
        let homes = [layout.pluginDirectory, layout.mustUsePluginDirectory, layout.themeDirectory]
        // The quarantine sits beside each folder extensions are moved out of.
        let folders = [layout.root, layout.contentDirectory] + homes + homes.map(quarantine.root(beside:))
            + [SitePath.join(layout.contentDirectory, Quarantine.folderName)]
        // Only what is inside these folders, never one of them as a whole (the site's root moved away).
        return folders.contains { folder in path != SitePath.normalize(folder) && SitePath.isInside(path, root: folder) }
    }
}
