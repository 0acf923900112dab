/// The debugging constants as they stood before `debug on`, so `debug off` can put back
/// exactly what was there: the same source text, or no definition at all.
public struct DebugSettings: Equatable, Sendable, Codable {
    public static let constantNames = ["WP_DEBUG", "WP_DEBUG_LOG", "WP_DEBUG_DISPLAY"]

    public struct Entry: Equatable, Sendable, Codable {
        public var name: String
        /// The value expression of the effective definition as written, nil when not defined.
        public var valueSource: String?

        public init(name: String, valueSource: String?) {
            self.name = name
            self.valueSource = valueSource
        }
    }

    /// One entry per name in `constantNames`, in that order.
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The recorded source of `name`'s value, nil when it was not defined (or not recorded).
    public func valueSource(of name: String) -> String? {
        entries.first { $0.name == name }?.valueSource
    }
}

extension WPConfigFile {
    /// The current WP_DEBUG, WP_DEBUG_LOG and WP_DEBUG_DISPLAY, for `restoring(_:)` later.
    public var debugSettings: DebugSettings {
        DebugSettings(entries: DebugSettings.constantNames.map {
            DebugSettings.Entry(name: $0, valueSource: definition(of: $0)?.valueSource)
        })
    }

    /// WP_DEBUG true, WP_DEBUG_LOG true (WordPress's wp-content/debug.log) or `logPath`, and
    /// WP_DEBUG_DISPLAY false, so errors go to the log and never to visitors.
    public func enablingDebug(logPath: String?) throws(WPConfigError) -> WPConfigFile {
        try setting("WP_DEBUG", to: .bool(true))
            .setting("WP_DEBUG_LOG", to: logPath.map(PHPValue.string) ?? .bool(true))
            .setting("WP_DEBUG_DISPLAY", to: .bool(false))
    }

    /// Puts the debugging constants back as `snapshot` recorded them: the original source text,
    /// or removed when they were not defined. Constants `snapshot` does not mention are left alone.
    public func restoring(_ snapshot: DebugSettings) throws(WPConfigError) -> WPConfigFile {
        var file = self
        for entry in snapshot.entries {
            let current = file.definition(of: entry.name)
            switch (entry.valueSource, current) {
            case (nil, nil):
                continue
            case (nil, _?):
                file = try file.removing(entry.name)
            case (let source?, let current):
                if current?.valueSource != source {
                    file = try file.setting(entry.name, rawExpression: source)
                }
            }
        }
        return file
    }

    /// Sets WP_MEMORY_LIMIT to `limit` (`256M`, `1G`, `-1`) and raises WP_MAX_MEMORY_LIMIT to the
    /// same when it is defined lower, since WordPress's admin would otherwise get less than the front end.
    public func settingMemoryLimit(_ limit: String) throws(WPConfigError) -> WPConfigFile {
        guard let size = PHPMemorySize(limit) else { throw .invalidMemoryLimit(limit) }
        var file = try setting("WP_MEMORY_LIMIT", to: .string(size.text))
        let maximum: PHPMemorySize?
        switch file.value(of: "WP_MAX_MEMORY_LIMIT") {
        case .string(let text): maximum = PHPMemorySize(text)
        case .int(let bytes): maximum = PHPMemorySize(String(bytes))
        case .bool, .float, .null, .expression, nil: maximum = nil
        }
        if let maximum, maximum < size {
            file = try file.setting("WP_MAX_MEMORY_LIMIT", to: .string(size.text))
        }
        return file
    }
}
