import Foundation
import WPRescueDatabase
import WPRescueKit
import WPRescueSFTP

/// How commands reach the site's database, and the quick read-only look-ups they make with it:
/// which plugins are active, the home URL, and database findings for diagnose and rescue.
///
/// A local site's database is reached from here. An SFTP site's is reached the way the site
/// reaches it, from its own server through an SSH tunnel (`--direct` on `db check` connects
/// from here instead), so 'localhost' means that server's database and not this machine's.
enum SiteDatabase {
    /// Opens the connector for `site`: tunnelled for an SFTP site unless `direct`.
    static func connector(_ context: CommandContext, site: Site, queryTimeoutSeconds: Int, direct: Bool = false) -> MariaDBConnector {
        MariaDBConnector(queryTimeoutSeconds: queryTimeoutSeconds, tunnels: direct ? nil : context.databaseTunnels(for: site),
                         tlsCertificateAuthority: context.global.dbSslCa)
    }

    /// Opens the tunnel to `credentials`' database before anything connects, so an SSH server that
    /// refuses to forward is said in its own words rather than as a database error. A database the
    /// server cannot reach is not a failure here: the connection reports it as the database's problem.
    static func prepareRoute(_ connector: MariaDBConnector, credentials: DatabaseCredentials) throws -> DatabaseRoute? {
        guard let tunnels = connector.tunnels else { return nil }
        do {
            return try tunnels.prepare(credentials.host.endpoint)
        } catch is DatabaseTunnels.Unreachable {
            return nil
        }
    }

    /// An open connection with wp-config.php's credentials, or nil when there is none to be had quickly.
    static func open(_ context: CommandContext, site: Site, timeoutSeconds: Int = 3) -> (database: WordPressDatabase, credentials: DatabaseCredentials)? {
        guard let (credentials, _) = try? DatabaseCredentials.read(from: site),
              let database = try? connector(context, site: site, queryTimeoutSeconds: 10).connect(credentials, timeoutSeconds: timeoutSeconds)
        else { return nil }
        return (database, credentials)
    }

    /// Where each plugin is active (on a network: for the network and per site); nil when the database cannot be read.
    static func activePlugins(_ context: CommandContext, site: Site) -> PluginActivation? {
        guard let (database, credentials) = open(context, site: site) else { return nil }
        return try? PluginActivation.read(in: database, tablePrefix: credentials.tablePrefix, network: NetworkSettings.declared(by: site))
    }

    static func home(_ context: CommandContext, site: Site) -> String? {
        guard let (database, credentials) = open(context, site: site) else { return nil }
        return try? WordPressOptions.home(in: database, tablePrefix: credentials.tablePrefix)
    }

    /// The database's problems as diagnose findings (nothing when it is fine): connects, checks,
    /// and leaves the wording to the Kit's `DatabaseFindings`.
    static func findings(_ context: CommandContext, site: Site, expectedURL: String?) -> [Finding] {
        guard let settings = try? DatabaseSettings.read(from: site),
              let credentials = try? DatabaseCredentials(settings: settings, overrides: .init(), configFile: site.layout.configFile)
        else {
            return [DatabaseFindings.incompleteSettings]
        }
        let connector = connector(context, site: site, queryTimeoutSeconds: 30)
        let route: DatabaseRoute?
        do {
            route = try prepareRoute(connector, credentials: credentials)
        } catch {
            return [DatabaseFindings.notChecked(credentials.password.scrub(error.localizedDescription))]
        }
        let checkup = DatabaseCheckup(credentials: credentials, options: DatabaseCheckup.Options(
            expectedURL: expectedURL, configuredHome: settings.constants["WP_HOME"], configuredSiteURL: settings.constants["WP_SITEURL"],
            timeoutSeconds: 5, network: NetworkSettings.declared(by: site)))
        let report = checkup.run(using: connector).report.scrubbed(of: credentials.password)
        if let lost = route?.failure { return [DatabaseFindings.cutShort(credentials.password.scrub("\(lost)"))] }
        return DatabaseFindings.findings(from: report)
    }
}

extension CommandContext {
    /// The SSH tunnels to `site`'s database, kept for the whole command; nil for a local site.
    func databaseTunnels(for site: Site) -> DatabaseTunnels? {
        guard let sftp = site.fileSystem as? SFTPFileSystem else { return nil }
        if let tunnels = openedTunnels { return tunnels }
        let tunnels = DatabaseTunnels(server: sftp.session.displayName, openSession: { try sftp.session.openSibling() },
                                      socketExists: { path in
                                          do { return try sftp.status(path) != nil } catch { return nil }
                                      })
        openedTunnels = tunnels
        return tunnels
    }
}
