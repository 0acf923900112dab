import Foundation

/// The few values discovery and probing need from wp-config.php, read through the real
/// parser. A file the parser refuses yields nothing here: the commands that edit the file
/// report the problem themselves.
enum ConfigPathReader {
    /// WP_CONTENT_DIR, WP_PLUGIN_DIR, WPMU_PLUGIN_DIR and UPLOADS, when they can be worked out without running PHP.
    static func literalPaths(in contents: Data, configDirectory: String, abspath: String) -> [String: String] {
        guard let config = try? WPConfigFile(data: contents) else { return [:] }
        var paths: [String: String] = [:]
        for name in ["WP_CONTENT_DIR", "WP_PLUGIN_DIR", "WPMU_PLUGIN_DIR", "UPLOADS"] {
            guard let definition = config.definition(of: name) else { continue }
            let value = definition.value.stringValue
                ?? WPConfigFile.evaluatePathExpression(definition.valueSource, configDirectory: configDirectory, abspath: abspath)
            if let value { paths[name] = value }
        }
        return paths
    }

    static func literalStrings(in contents: Data, names: [String]) -> [String: String] {
        guard let config = try? WPConfigFile(data: contents) else { return [:] }
        var values: [String: String] = [:]
        for name in names { if let value = config.value(of: name)?.stringValue { values[name] = value } }
        return values
    }
}
