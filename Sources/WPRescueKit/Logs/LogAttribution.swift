import Foundation

/// The part of a WordPress site an entry belongs to.
public enum LogSource: Hashable, Sendable {
    /// A plugin, named by its entry in the plugin folder: a folder (`woocommerce`) or a single file (`hello.php`).
    case plugin(slug: String)
    /// A must-use plugin, named by its entry in the mu-plugins folder (`loader.php`, or a folder a loader includes).
    case mustUsePlugin(name: String)
    /// A theme, named by its folder.
    case theme(slug: String)
    /// A drop-in file directly in wp-content (`object-cache.php`, `advanced-cache.php`, ...).
    case dropIn(file: String)
    /// wp-config.php.
    case configuration
    /// WordPress itself: wp-admin, wp-includes and the wp-*.php files in ABSPATH.
    case core
    case unknown

    /// True for the parts a rescue can switch off: plugins, must-use plugins, themes and drop-ins.
    public var isExtension: Bool {
        switch self {
        case .plugin, .mustUsePlugin, .theme, .dropIn: return true
        case .configuration, .core, .unknown: return false
        }
    }

    /// JSON `source` value.
    public var typeName: String {
        switch self {
        case .plugin: return "plugin"
        case .mustUsePlugin: return "mu-plugin"
        case .theme: return "theme"
        case .dropIn: return "drop-in"
        case .configuration: return "config"
        case .core: return "core"
        case .unknown: return "unknown"
        }
    }

    /// JSON `name`: the plugin or theme slug, the mu-plugin entry, the drop-in file.
    public var name: String? {
        switch self {
        case .plugin(let slug), .theme(let slug): return slug
        case .mustUsePlugin(let name): return name
        case .dropIn(let file): return file
        case .configuration, .core, .unknown: return nil
        }
    }
}

/// Why an entry was attributed where it was.
public enum AttributionEvidence: Hashable, Sendable {
    /// The file the message itself names (`in FILE on line N`).
    case location
    /// A stack frame, by its `#index`: the error surfaced elsewhere (often in wp-includes) but this caller is the first non-core one.
    case stackFrame(index: Int)
    /// A path mentioned in the message text, such as `output started at FILE:LINE` or `called in FILE`.
    case message
    /// No path in the entry points into the site.
    case none

    /// JSON `attributedVia` value.
    public var typeName: String {
        switch self {
        case .location: return "location"
        case .stackFrame: return "stack-frame"
        case .message: return "message"
        case .none: return "none"
        }
    }
}

/// Which part of the site an entry belongs to and how that was decided.
///
/// JSON: `{"source": "plugin", "name": "bar", "attributedVia": "stack-frame", "frameIndex": 2,
/// "path": "/var/www/html/wp-content/plugins/bar/bar.php"}`. `source` is one of `plugin`, `mu-plugin`,
/// `theme`, `drop-in`, `config`, `core`, `unknown`; `name` is absent for the last three; `attributedVia`
/// is `location`, `stack-frame`, `message` or `none`; `frameIndex` only with `stack-frame`; `path` is the
/// path as written in the log that decided it.
public struct LogAttribution: Hashable, Sendable {
    public var source: LogSource
    public var attributedVia: AttributionEvidence
    public var path: String?

    public init(source: LogSource, attributedVia: AttributionEvidence, path: String?) {
        self.source = source
        self.attributedVia = attributedVia
        self.path = path
    }

    public static let unknown = LogAttribution(source: .unknown, attributedVia: .none, path: nil)
}

extension LogAttribution: Codable {
    private enum CodingKeys: String, CodingKey { case source, name, attributedVia, frameIndex, path }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source.typeName, forKey: .source)
        try container.encodeIfPresent(source.name, forKey: .name)
        try container.encode(attributedVia.typeName, forKey: .attributedVia)
        if case .stackFrame(let index) = attributedVia { try container.encode(index, forKey: .frameIndex) }
        try container.encodeIfPresent(path, forKey: .path)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .source)
        let name = try container.decodeIfPresent(String.self, forKey: .name)
        func named() throws -> String {
            guard let name else {
                throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: "A \(type) attribution needs a name.")
            }
            return name
        }
        switch type {
        case "plugin": source = .plugin(slug: try named())
        case "mu-plugin": source = .mustUsePlugin(name: try named())
        case "theme": source = .theme(slug: try named())
        case "drop-in": source = .dropIn(file: try named())
        case "config": source = .configuration
        case "core": source = .core
        case "unknown": source = .unknown
        default: throw DecodingError.dataCorruptedError(forKey: .source, in: container, debugDescription: "Unknown source \(type).")
        }
        switch try container.decode(String.self, forKey: .attributedVia) {
        case "location": attributedVia = .location
        case "stack-frame": attributedVia = .stackFrame(index: try container.decode(Int.self, forKey: .frameIndex))
        case "message": attributedVia = .message
        case "none": attributedVia = .none
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .attributedVia, in: container, debugDescription: "Unknown evidence \(other).")
        }
        path = try container.decodeIfPresent(String.self, forKey: .path)
    }
}

/// A folder as the log names it and the same folder as `SiteLayout` names it: the PHP process may see the
/// site through a symbolic link, a bind mount or a container path that differs from the path wprescue uses.
public struct LogPathAlias: Hashable, Sendable, Codable {
    public var logPrefix: String
    public var sitePrefix: String

    public init(logPrefix: String, sitePrefix: String) {
        self.logPrefix = SitePath.normalize(logPrefix)
        self.sitePrefix = SitePath.normalize(sitePrefix)
    }
}

/// Maps paths found in log entries to the part of the site they belong to.
public struct LogAttributor: Sendable {
    public let layout: SiteLayout
    public let aliases: [LogPathAlias]

    private let root: String
    private let configFile: String
    /// The file a linked wp-config.php points to: the path PHP names in its messages.
    private let configTarget: String?
    private let contentDirectory: String
    private let pluginDirectory: String
    private let mustUsePluginDirectory: String
    private let themeDirectory: String

    /// `alternativeRoots`: other paths under which the log may name the site's ABSPATH.
    public init(layout: SiteLayout, alternativeRoots: [String] = []) {
        self.init(layout: layout, aliases: alternativeRoots.map { LogPathAlias(logPrefix: $0, sitePrefix: layout.root) })
    }

    public init(layout: SiteLayout, aliases: [LogPathAlias]) {
        self.layout = layout
        // Longest first, so a specific alias (wp-content moved elsewhere) wins over a root alias.
        self.aliases = aliases.filter { $0.logPrefix != $0.sitePrefix && $0.logPrefix != "/" }
            .sorted { $0.logPrefix.utf8.count > $1.logPrefix.utf8.count }
        root = SitePath.normalize(layout.root)
        configFile = SitePath.normalize(layout.configFile)
        configTarget = layout.configTarget.map(SitePath.normalize)
        contentDirectory = SitePath.normalize(layout.contentDirectory)
        pluginDirectory = SitePath.normalize(layout.pluginDirectory)
        mustUsePluginDirectory = SitePath.normalize(layout.mustUsePluginDirectory)
        themeDirectory = SitePath.normalize(layout.themeDirectory)
    }

    /// Adds, as aliases, the real paths of the layout's folders where they differ from the layout's own
    /// (a symlinked ABSPATH or wp-content), so entries PHP wrote with resolved paths are still recognized.
    /// Folders that cannot be resolved are skipped: attribution is best effort, never a reason to fail.
    public static func resolvingSymbolicLinks(layout: SiteLayout, fileSystem: SiteFileSystem,
                                              alternativeRoots: [String] = []) -> LogAttributor {
        var aliases = alternativeRoots.map { LogPathAlias(logPrefix: $0, sitePrefix: layout.root) }
        for folder in [layout.root, layout.contentDirectory, layout.pluginDirectory, layout.mustUsePluginDirectory, layout.themeDirectory] {
            guard let real = try? fileSystem.canonicalPath(folder) else { continue }
            if SitePath.normalize(real) != SitePath.normalize(folder) {
                aliases.append(LogPathAlias(logPrefix: real, sitePrefix: folder))
            }
        }
        return LogAttributor(layout: layout, aliases: aliases)
    }

    /// The path as the layout names it: aliases rewritten, dots folded.
    public func sitePath(_ path: String) -> String {
        let normalized = SitePath.normalize(path)
        for alias in aliases where Self.isInside(normalized, alias.logPrefix) {
            let rest = normalized.utf8.dropFirst(alias.logPrefix.utf8.count)
            return alias.sitePrefix + (String(rest) ?? "")
        }
        return normalized
    }

    /// The part of the site `path` belongs to, or nil when it lies outside the site.
    public func source(ofPath path: String) -> LogSource? {
        let path = sitePath(path)
        if let name = Self.firstComponent(of: path, under: mustUsePluginDirectory) { return .mustUsePlugin(name: name) }
        if let name = Self.firstComponent(of: path, under: pluginDirectory) { return .plugin(slug: name) }
        if let name = Self.firstComponent(of: path, under: themeDirectory) { return .theme(slug: name) }
        if path == configFile || path == configTarget { return .configuration }
        // Bedrock's settings: config/application.php and config/environments/*.php.
        if let bedrock = layout.bedrock, Self.isInside(path, SitePath.join(bedrock.projectRoot, "config")) { return .configuration }
        if SitePath.parent(path) == contentDirectory, SiteLayout.dropInNames.contains(SitePath.name(path)) {
            return .dropIn(file: SitePath.name(path))
        }
        if Self.isInside(path, contentDirectory) { return .unknown }
        guard let first = Self.firstComponent(of: path, under: root) else { return nil }
        let isDirectChild = SitePath.parent(path) == root
        if first == "wp-includes" || first == "wp-admin" { return .core }
        if isDirectChild, first == "index.php" || first == "xmlrpc.php" || (first.hasPrefix("wp-") && first.hasSuffix(".php")) {
            return .core
        }
        return .unknown
    }

    /// Decides the source of an entry: the location when it is a plugin, theme, drop-in or wp-config.php;
    /// otherwise the first stack frame (innermost first) inside an extension, then a path the message mentions;
    /// otherwise core when the location or a frame is core.
    public func attribute(file: String?, stackFrames: [LogStackFrame], messagePaths: [String]) -> LogAttribution {
        var sources: [String: LogSource?] = [:]
        return attribute(file: file, stackFrames: stackFrames, messagePaths: messagePaths, remembering: &sources)
    }

    /// `attribute`, looking paths up in `sources` first: a log names the same few hundred files over and over.
    func attribute(file: String?, stackFrames: [LogStackFrame], messagePaths: [String],
                   remembering sources: inout [String: LogSource?]) -> LogAttribution {
        func lookup(_ path: String) -> LogSource? {
            if let known = sources[path] { return known }
            let found = source(ofPath: path)
            if sources.count >= 4096 { sources.removeAll(keepingCapacity: true) }
            sources[path] = .some(found)
            return found
        }
        let locationSource = file.flatMap { lookup($0) }
        if let file, let locationSource, locationSource.isExtension || locationSource == .configuration {
            return LogAttribution(source: locationSource, attributedVia: .location, path: file)
        }
        var firstCoreFrame: LogStackFrame?
        for frame in stackFrames {
            guard let path = frame.file, let frameSource = lookup(path) else { continue }
            if frameSource.isExtension { return LogAttribution(source: frameSource, attributedVia: .stackFrame(index: frame.index), path: path) }
            if frameSource == .core, firstCoreFrame == nil { firstCoreFrame = frame }
        }
        for path in messagePaths where path != file {
            if let messageSource = lookup(path), messageSource.isExtension {
                return LogAttribution(source: messageSource, attributedVia: .message, path: path)
            }
        }
        if let file, locationSource == .core { return LogAttribution(source: .core, attributedVia: .location, path: file) }
        if let frame = firstCoreFrame {
            return LogAttribution(source: .core, attributedVia: .stackFrame(index: frame.index), path: frame.file)
        }
        return .unknown
    }

    /// Rewrites every absolute path in `text` that lies in the site to a path relative to ABSPATH
    /// (`/var/www/html/wp-content/x.php` becomes `wp-content/x.php`), so signatures do not depend on where the site lives.
    public func relativizing(_ text: String) -> String {
        var result = text
        for alias in aliases {
            result = result.replacingOccurrences(of: alias.logPrefix + "/", with: alias.sitePrefix + "/")
        }
        if root != "/" { result = result.replacingOccurrences(of: root + "/", with: "") }
        return result
    }

    /// `path` is `folder` or below it; both already normalized.
    private static func isInside(_ path: String, _ folder: String) -> Bool {
        if folder == "/" { return path.hasPrefix("/") }
        guard path.utf8.starts(with: folder.utf8) else { return false }
        let rest = path.utf8.dropFirst(folder.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    private static func firstComponent(of path: String, under folder: String) -> String? {
        guard path != folder, isInside(path, folder) else { return nil }
        let rest = path.utf8.dropFirst(folder == "/" ? 1 : folder.utf8.count + 1)
        let component = rest.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: true).first
        return component.flatMap { String($0) }
    }
}
