import Foundation

/// Where the debug settings replaced by turning the log on are kept, so turning it off puts back
/// exactly what was there. `DebugSnapshotStore` keeps them in the operator's state folder; the
/// command and the playbook action share it.
public protocol DebugSnapshotMemory {
    func load() throws -> DebugSettings?
    func save(_ settings: DebugSettings) throws
    func clear() throws
}

/// Turns WordPress's error log on: WP_DEBUG true, WP_DEBUG_LOG to a file (outside the web root
/// when the folder above the site is the owner's), WP_DEBUG_DISPLAY false, so errors are never
/// shown to visitors.
public struct TurnOnDebugLog {
    public struct Facts: Sendable {
        /// Where PHP writes the log.
        public var logFile: String
        /// The log is wp-content/debug.log, which anyone who guesses its address can download.
        public var publicLog: Bool
        /// The settings this replaces, to put back later.
        public var before: DebugSettings
        /// WordPress already logs to a file and shows visitors nothing.
        public var alreadyLogging: Bool
        public var changed: [ConfigEditPlan.Changed]
    }

    public static let summary = "Debug log on"
    /// The change as a rescue proposes it.
    public static let description = "Turn on WordPress's error log (errors go to a file, never to visitors) to see what fails"

    public let site: Site
    /// Absolute path for the log; nil: outside the web root when possible, else wp-content/debug.log.
    public let logPath: String?

    public init(site: Site, logPath: String? = nil) {
        self.site = site
        self.logPath = logPath
    }

    public func plan(command: String, summary: String = TurnOnDebugLog.summary) throws -> RemedyPlan<Facts> {
        let config = try SiteConfig.read(site)
        let path = try logPath ?? DebugLogLocation.preferred(for: site)
        let edited = try config.enablingDebug(logPath: path)
        let edit = try ConfigEditPlan(site: site, from: config, to: edited, changing: DebugSettings.constantNames,
                                      command: command, summary: summary)
        let logging = config.value(of: "WP_DEBUG")?.boolValue == true
            && config.value(of: "WP_DEBUG_LOG").map { $0.boolValue == true || $0.stringValue != nil } == true
        let logFile = SiteLogs.debugLogPath(of: site, config: edited)
        let facts = Facts(logFile: logFile, publicLog: path == nil, before: config.debugSettings,
                          alreadyLogging: logging && config.value(of: "WP_DEBUG_DISPLAY")?.boolValue == false, changed: edit.changed)
        var notes = ["PHP errors go to \(SitePath.relative(logFile, to: site.layout.root)); visitors see none of them."]
        if path == nil {
            notes.append("wp-content/debug.log can be downloaded by anyone who guesses its address: turn the log off when done.")
        }
        return edit.remedy(facts, notes: notes)
    }

    /// Keeps what the plan replaces, unless an earlier `debug on` already did: that record is
    /// the owner's own settings, which a second `on` must not overwrite.
    public static func remember(_ plan: RemedyPlan<Facts>, in memory: DebugSnapshotMemory) throws {
        if try memory.load() == nil { try memory.save(plan.facts.before) }
    }
}

/// Puts the debug settings back as a snapshot recorded them.
public struct TurnOffDebugLog {
    public struct Facts: Sendable {
        public var changed: [ConfigEditPlan.Changed]
    }

    public static let summary = "Debug log off"

    /// WordPress's defaults, for `debug off` with no record of what was there: WP_DEBUG false, the rest undefined.
    public static let wordPressDefaults = DebugSettings(entries: DebugSettings.constantNames.map {
        DebugSettings.Entry(name: $0, valueSource: $0 == "WP_DEBUG" ? "false" : nil)
    })

    public let site: Site
    public let snapshot: DebugSettings

    public init(site: Site, snapshot: DebugSettings) {
        self.site = site
        self.snapshot = snapshot
    }

    public func plan(command: String, summary: String = TurnOffDebugLog.summary) throws -> RemedyPlan<Facts> {
        let config = try SiteConfig.read(site)
        let edit = try ConfigEditPlan(site: site, from: config, to: try config.restoring(snapshot), changing: DebugSettings.constantNames,
                                      command: command, summary: summary)
        return edit.remedy(Facts(changed: edit.changed), notes: [])
    }
}

/// `debug on`'s record in the operator's state folder (never the web root), shared by
/// `wprescue debug on|off` and the playbook actions `debug-on`/`debug-off`.
public struct DebugSnapshotStore: DebugSnapshotMemory {
    public let state: SiteStateDirectory

    public init(state: SiteStateDirectory) { self.state = state }

    public var path: String { SitePath.join(state.path, "debug-settings-before.json") }

    public func load() throws -> DebugSettings? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(DebugSettings.self, from: data)
    }

    public func save(_ settings: DebugSettings) throws {
        // wprescue's own atomic write: synced to disk before the rename, readable by the operator only.
        try LocalFileSystem().writeAtomically(path, contents: try JSONEncoder().encode(settings), newFileMode: 0o600)
    }

    public func clear() throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }
}
