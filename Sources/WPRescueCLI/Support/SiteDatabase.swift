import Foundation
import WPRescueDatabase
import WPRescueKit

/// Quick, read-only database look-ups other commands use when the database is reachable:
/// which plugins are active, the home URL, and database findings for diagnose and rescue.
enum SiteDatabase {
    /// Why the database cannot be reached from here, for a site on another machine whose
    /// database only listens locally (the SSH tunnel is not built yet).
    static func unreachableReason(_ site: Site, credentials: DatabaseCredentials) -> String? {
        guard !site.identity.hasPrefix("local:") else { return nil }
        let local: Bool
        switch credentials.host.endpoint {
        case .socket: local = true
        case .tcp(let host, _): local = ["127.0.0.1", "localhost", "::1"].contains(host)
        }
        guard local else { return nil }
        return "The database of \(site.identity) listens on that server only (DB_HOST '\(credentials.host.written)'); "
            + "wprescue cannot reach it through the SSH connection yet. Run wprescue on the server, or pass --db-host if the database accepts connections from here."
    }

    /// An open connection with wp-config.php's credentials, or nil when there is none to be had quickly.
    static func open(_ site: Site, timeoutSeconds: Int = 3) -> (database: WordPressDatabase, credentials: DatabaseCredentials)? {
        guard let (credentials, _) = try? DatabaseCredentials.read(from: site),
              unreachableReason(site, credentials: credentials) == nil,
              let database = try? MariaDBConnector(queryTimeoutSeconds: 10).connect(credentials, timeoutSeconds: timeoutSeconds)
        else { return nil }
        return (database, credentials)
    }

    static func activePlugins(_ site: Site) -> Set<String>? {
        guard let (database, credentials) = open(site) else { return nil }
        return (try? WordPressOptions.activePluginSlugs(in: database, tablePrefix: credentials.tablePrefix)).map(Set.init)
    }

    static func home(_ site: Site) -> String? {
        guard let (database, credentials) = open(site) else { return nil }
        return try? WordPressOptions.home(in: database, tablePrefix: credentials.tablePrefix)
    }

    /// The database's problems as diagnose findings (nothing when it is fine).
    static func findings(_ site: Site, expectedURL: String?) -> [Finding] {
        guard let settings = try? DatabaseSettings.read(from: site),
              let credentials = try? DatabaseCredentials(settings: settings, overrides: .init(), configFile: site.layout.configFile)
        else {
            return [Finding(id: .databaseOther, severity: .warning, summary: "wp-config.php lacks complete database settings",
                            fix: "wprescue db check")]
        }
        if let reason = unreachableReason(site, credentials: credentials) {
            return [Finding(id: .databaseOther, severity: .info, summary: reason)]
        }
        let checkup = DatabaseCheckup(credentials: credentials, options: DatabaseCheckup.Options(
            expectedURL: expectedURL, configuredHome: settings.constants["WP_HOME"], configuredSiteURL: settings.constants["WP_SITEURL"],
            timeoutSeconds: 5))
        let report = checkup.run(using: MariaDBConnector(queryTimeoutSeconds: 30)).report.scrubbed(of: credentials.password)
        if let error = report.error {
            return [Finding(id: .databaseConnection, severity: .critical,
                            summary: "WordPress cannot connect to its database: \(error.meaning)",
                            evidence: ["error \(error.code): \(error.message)"], fix: "wprescue db check")]
        }
        return report.checks.filter { $0.status != .ok }.map { check in
            Finding(id: check.id == .tables || check.id == .tableHealth ? .databaseTables : .databaseOther,
                    severity: check.status == .problem ? .critical : .warning, summary: check.summary, evidence: check.evidence,
                    fix: check.id == .tableHealth ? "wprescue db check --repair" : "wprescue db check")
        }
    }
}
