import Foundation

/// The site's own idea of its address.
public enum SiteURLs {
    public enum Failure: Error, LocalizedError {
        case unknown(configFile: String)
        public var errorDescription: String? {
            switch self {
            case .unknown(let configFile):
                return "The site's address is not in \(configFile) (no WP_HOME or WP_SITEURL); pass --url."
            }
        }
    }

    /// WP_HOME, else WP_SITEURL, from wp-config.php. (The database's `home` option comes
    /// with database access.)
    public static func home(of site: Site) throws -> String {
        let contents = try SiteConfig.contents(site)
        let values = ConfigPathReader.literalStrings(in: contents, names: ["WP_HOME", "WP_SITEURL"])
        guard let home = values["WP_HOME"] ?? values["WP_SITEURL"] else { throw Failure.unknown(configFile: site.layout.configFile) }
        return home
    }
}
