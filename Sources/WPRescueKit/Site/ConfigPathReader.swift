import Foundation

/// The path constants discovery needs from wp-config.php.
enum ConfigPathReader {
    static func literalPaths(in contents: Data, configDirectory: String, abspath: String) -> [String: String] {
        #warning("wire to WPConfigFile after merging the config branch")
        return [:]
    }

    static func literalStrings(in contents: Data, names: [String]) -> [String: String] {
        #warning("wire to WPConfigFile after merging the config branch")
        return [:]
    }
}
