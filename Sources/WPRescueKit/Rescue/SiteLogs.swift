import Foundation

/// Where a site's logs are, and what the recent errors in them say.
public enum SiteLogs {
    /// WP_DEBUG_LOG when it names a file, else wp-content/debug.log (where WordPress writes).
    public static func debugLogPath(of site: Site, config: WPConfigFile?) -> String {
        if let path = config?.value(of: "WP_DEBUG_LOG")?.stringValue, !path.isEmpty {
            return path.hasPrefix("/") ? path : SitePath.join(site.layout.root, path)
        }
        return SitePath.join(site.layout.contentDirectory, "debug.log")
    }

    /// Server error logs worth a look when readable: the usual Debian/RHEL places, the
    /// `logs` folder hosting panels put next to the site, and what the server's own
    /// configuration and the common panels' layouts name (`ServerLogDiscovery`).
    public static func usualServerLogs(for site: Site) -> [String] {
        let home = SitePath.parent(site.layout.root)
        return [
            "/var/log/nginx/error.log", "/var/log/apache2/error.log", "/var/log/httpd/error_log",
            "/var/log/php-fpm.log", "/var/log/php8.3-fpm.log", "/var/log/php8.2-fpm.log", "/var/log/php8.1-fpm.log",
            "/var/log/php7.4-fpm.log", SitePath.join(home, "logs/error.log"), SitePath.join(home, "logs/error_log"),
            SitePath.join(site.layout.root, "error_log"),
        ] + ServerLogDiscovery.candidates(root: site.layout.root, fileSystem: site.fileSystem)
    }

    /// The debug log, the server logs given, and (with `searchUsualPlaces`) the usual server
    /// logs, each once, keeping only those that exist and are files.
    public static func readableLogs(of site: Site, config: WPConfigFile?, serverLogs: [String], searchUsualPlaces: Bool = true) -> [String] {
        var paths = [debugLogPath(of: site, config: config)] + serverLogs
        if searchUsualPlaces { paths += usualServerLogs(for: site) }
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted && ((try? site.fileSystem.isFile($0)) ?? false) }
    }

    /// Plugins that recent fatal errors name (by stack frame, not only by file), most recent
    /// first: the first guesses for a bisection.
    public static func pluginsInRecentFatals(of site: Site, serverLogs: [String] = [], since: Date) -> [String] {
        let config = try? SiteConfig.read(site)
        let paths = [debugLogPath(of: site, config: config)] + serverLogs
        let findings = LogEvidence.findings(from: recentProblems(in: paths, site: site, since: since))
        return findings.filter { $0.id == .pluginFatal || $0.id == .memoryExhausted }.compactMap(\.subject)
    }

    /// Error and fatal entries newer than `since` in each readable log (at most 4 MiB from
    /// the end of each); logs that are missing or unreadable are skipped.
    public static func recentProblems(in paths: [String], site: Site, since: Date, timeZone: TimeZone = .current) -> [LogEntry] {
        let attributor = LogAttributor.resolvingSymbolicLinks(layout: site.layout, fileSystem: site.fileSystem)
        var entries: [LogEntry] = []
        for path in paths {
            let options = LogReadOptions(maxBytes: 4 << 20, since: since, minimumLevel: .error, localTimeZone: timeZone)
            guard let listed = try? LogReader(fileSystem: site.fileSystem, path: path, attributor: attributor, options: options).entries()
            else { continue }
            entries += listed.entries
        }
        return entries.sorted { ($0.timestamp ?? .distantPast) < ($1.timestamp ?? .distantPast) }
    }
}
