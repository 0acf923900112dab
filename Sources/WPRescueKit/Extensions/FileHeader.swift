import Foundation

/// Reads the `Name: value` headers WordPress reads from the top of plugin files and theme
/// stylesheets, the way `get_file_data()` does: only the first 8 KiB, a header may follow
/// comment decoration (`*`, `#`, `//`, `@`) or the `<?php` tag, and the value ends at a
/// closing `*/` or `?>`.
public enum FileHeader {
    public static let bytesRead = 8 * 1024

    public static func values(in data: Data, names: [String]) -> [String: String] {
        let prefix = data.prefix(bytesRead)
        let text = String(decoding: prefix, as: UTF8.self).replacingOccurrences(of: "\r", with: "\n")
        var found: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let (name, value) = header(in: line, names: names), found[name] == nil else { continue }
            found[name] = value
        }
        return found
    }

    private static func header(in line: Substring, names: [String]) -> (String, String)? {
        var rest = line[...]
        // Optional leading whitespace and <?php, then decoration characters.
        let trimmedStart = rest.drop(while: { $0 == " " || $0 == "\t" })
        if trimmedStart.lowercased().hasPrefix("<?php") { rest = trimmedStart.dropFirst(5) }
        rest = rest.drop(while: { " \t/*#@".contains($0) })
        for name in names {
            guard rest.count > name.count,
                  rest.prefix(name.count).caseInsensitiveCompare(name) == .orderedSame,
                  rest.dropFirst(name.count).first == ":" else { continue }
            var value = String(rest.dropFirst(name.count + 1))
            for terminator in ["*/", "?>"] {
                if let range = value.range(of: terminator) { value = String(value[..<range.lowerBound]) }
            }
            let cleaned = value.trimmingCharacters(in: .whitespaces)
            return cleaned.isEmpty ? nil : (name, cleaned)
        }
        return nil
    }
}
