import Foundation

/// A quick look for PHP fatal errors in the tail of a debug log, and for the plugin, theme or
/// drop-in each one happened in (by the file path PHP names). The full log reader comes later;
/// this only has to tell a playbook where to look first.
public enum DebugLogScan {
    /// How much of the end of the log is read.
    public static let tailBytes = 1 << 20

    public struct Fatal: Equatable, Sendable {
        /// The log line, paths inside the site shortened to be relative to it.
        public var text: String
        public var time: Date?
        public var plugin: String?
        public var theme: String?
        public var mustUsePlugin: String?
        public var dropIn: String?
        /// "Allowed memory size of … bytes exhausted".
        public var memoryExhausted: Bool
    }

    /// The fatal errors in `text` logged at or after `since` (lines without a readable time count as recent).
    public static func fatalErrors(in text: String, layout: SiteLayout, since: Date?) -> [Fatal] {
        var found: [Fatal] = []
        for line in TextLines.split(text) where line.contains("PHP Fatal error") {
            let time = timestamp(of: line)
            if let since, let time, time < since { continue }
            found.append(Fatal(text: shorten(line, root: layout.root), time: time,
                               plugin: component(after: layout.pluginDirectory, in: line).map(slug),
                               theme: component(after: layout.themeDirectory, in: line),
                               mustUsePlugin: component(after: layout.mustUsePluginDirectory, in: line).map(slug),
                               dropIn: dropIn(in: line, contentDirectory: layout.contentDirectory),
                               memoryExhausted: line.contains("Allowed memory size of")))
        }
        return found
    }

    /// `[21-Nov-2026 12:00:00 UTC] PHP Fatal error: …` → the time.
    static func timestamp(of line: String) -> Date? {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
        let inside = line[line.index(after: line.startIndex)..<close].split(separator: " ")
        guard inside.count >= 2 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss"
        let zone = inside.count >= 3 ? String(inside[2]) : "UTC"
        formatter.timeZone = TimeZone(identifier: zone) ?? TimeZone(abbreviation: zone) ?? TimeZone(identifier: "UTC")
        return formatter.date(from: "\(inside[0]) \(inside[1])")
    }

    /// The path component right after `directory/` in the line, if the line names a file there.
    static func component(after directory: String, in line: String) -> String? {
        guard let range = line.range(of: directory.hasSuffix("/") ? directory : directory + "/") else { return nil }
        let name = line[range.upperBound...].prefix { $0 != "/" && $0 != ":" && $0 != "(" && !$0.isWhitespace }
        return name.isEmpty ? nil : String(name)
    }

    /// A single-file plugin is named by its file; its slug drops `.php`.
    static func slug(_ component: String) -> String {
        component.hasSuffix(".php") ? String(component.dropLast(4)) : component
    }

    static func dropIn(in line: String, contentDirectory: String) -> String? {
        SiteLayout.dropInNames.first { line.contains(SitePath.join(contentDirectory, $0)) }
    }

    static func shorten(_ line: String, root: String) -> String {
        let short = line.replacingOccurrences(of: root.hasSuffix("/") ? root : root + "/", with: "")
        return short.count > 400 ? String(short.prefix(400)) + "…" : short
    }
}
