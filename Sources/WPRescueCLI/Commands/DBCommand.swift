import ArgumentParser
import Foundation
import WPRescueDatabase
import WPRescueKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Look at the site's database the way WordPress reaches it.",
        subcommands: [Check.self]
    )

    struct Check: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether the database is why the site is down (and repair crashed MyISAM tables on request).",
            discussion: """
            Connects with wp-config.php's DB_NAME, DB_USER, DB_PASSWORD and DB_HOST, then checks the server, \
            the connection limit, the core tables (with CHECK TABLE), siteurl and home, active_plugins, the theme \
            and the size of autoloaded options. It changes nothing unless --repair is given.
            For a site over SFTP the connection is made the way the site makes it: from its own server, through \
            an SSH tunnel (DB_HOST, --db-host included, is read as that server sees it; 'localhost' is its socket). \
            The SSH server must allow port forwarding for the account; --direct connects from here instead.
            The password is read from wp-config.php, from $WPRESCUE_DB_PASSWORD, or from a prompt \
            (--ask-db-password); never from the command line, and it is never printed.
            Exit status: 0 when the database is fine (warnings included), 2 when it is a problem, \
            1 when wprescue itself could not run.
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("db-host"), help: ArgumentHelp(
            "Connect here instead of DB_HOST, in any form DB_HOST takes (host, host:port, localhost:/path/to.sock, [::1]:3306).",
            valueName: "host"))
        var host: String?

        @Option(name: .customLong("db-user"), help: ArgumentHelp(
            "Connect as this user instead of DB_USER (the password then comes from $WPRESCUE_DB_PASSWORD or a prompt).",
            valueName: "user"))
        var user: String?

        @Option(name: .customLong("db-name"), help: ArgumentHelp("Use this database instead of DB_NAME.", valueName: "name"))
        var name: String?

        @Flag(name: .customLong("ask-db-password"), help: "Prompt for the database password instead of using DB_PASSWORD.")
        var askPassword = false

        @Option(name: .customLong("db-timeout"), help: ArgumentHelp(
            "Seconds to wait for the server to accept the connection and greet.", valueName: "seconds"))
        var timeout = 5

        @Option(name: .customLong("db-query-timeout"), help: ArgumentHelp(
            "Seconds to wait on each query once connected (CHECK TABLE on a large table takes a while).", valueName: "seconds"))
        var queryTimeout = 60

        @Option(name: .long, help: ArgumentHelp("The address the site should be at, compared with siteurl and home.",
                                                valueName: "url"))
        var url: String?

        @Flag(name: .long, help: "For a site over SFTP, connect from this machine instead of from the site's server through the SSH connection.")
        var direct = false

        @Flag(name: .long, help: "Run REPAIR TABLE on damaged MyISAM/Aria tables after confirmation (not undoable by `wprescue undo`).")
        var repair = false

        func validate() throws {
            if timeout < 1 { throw ValidationError("--db-timeout must be at least 1 second.") }
            if queryTimeout < 1 { throw ValidationError("--db-query-timeout must be at least 1 second.") }
            if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("--url takes an http:// or https:// address, got '\(url)'.")
            }
        }

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let settings = try DatabaseSettings.read(from: site)
            let credentials = try DatabaseCredentials(
                settings: settings, overrides: try overrides(defaultUser: settings.constants["DB_USER"], terminal: context.terminal),
                configFile: site.layout.configFile)
            let checkup = DatabaseCheckup(credentials: credentials, options: DatabaseCheckup.Options(
                expectedURL: url, installedThemes: installedThemes(of: site),
                configuredHome: settings.constants["WP_HOME"], configuredSiteURL: settings.constants["WP_SITEURL"],
                timeoutSeconds: timeout, network: NetworkSettings.declared(by: site)))
            let console = context.console
            let connector = SiteDatabase.connector(context, site: site, queryTimeoutSeconds: queryTimeout, direct: direct)
            let route = try SiteDatabase.prepareRoute(connector, credentials: credentials)
            let place = DatabaseEndpoint.describe(route?.endpoint ?? credentials.host.endpoint, via: connector.tunnels?.server)
            // Any of these may be the password by mistake (or by a test); nothing printed may contain it.
            console.line(credentials.password.scrub(
                "Database '\(credentials.name)' at \(place) as '\(credentials.user)', tables '\(credentials.tablePrefix)*'"))
            for note in route?.notes ?? [] { console.detail(credentials.password.scrub("  \(note)")) }
            var (report, database) = checkup.run(using: connector)
            if let lost = route?.failure {
                // The checks after the drop failed for that reason, not the database's: no verdict.
                throw CLIError.interrupted(credentials.password.scrub(
                    "The SSH connection under the database tunnel dropped during the check (\(lost)); nothing was changed. Connect again and rerun `wprescue db check`."))
            }
            show(report, on: console)

            var repairs: [DatabaseRepair.Outcome]?
            if repair, let database {
                repairs = try runRepair(report, on: database, context: context)
                if let repairs, !repairs.isEmpty {
                    report = checkup.inspect(database, startingWith: Array(report.checks.prefix { [.settings, .connection].contains($0.id) }))
                        .scrubbed(of: credentials.password)
                    console.line()
                    console.line("After the repair:")
                    show(report, on: console)
                }
            } else if !repair, !DatabaseRepair.repairable(in: report).isEmpty {
                console.line("To rebuild the damaged tables, run: wprescue db check --repair")
            }
            console.line(verdict(report))
            try console.emit(json: CheckJSON(report: report, repairs: repairs?.map { RepairJSON($0, password: credentials.password) }))
            if report.isProblem { throw ExitCode(2) }
        }

        /// Flags and environment; the password never comes from argv.
        /// A different user than wp-config.php's needs its own password: from the environment or a prompt.
        private func overrides(defaultUser: String?, terminal: Terminal) throws -> DatabaseCredentials.Overrides {
            var overrides = DatabaseCredentials.Overrides(host: host, user: user, name: name)
            if let password = ProcessInfo.processInfo.environment["WPRESCUE_DB_PASSWORD"] {
                overrides.password = DatabasePassword(password)
            } else if askPassword || (user != nil && user != defaultUser) {
                let account = user ?? defaultUser ?? "the database user"
                guard terminal.isInteractive else {
                    throw CLIError.invalidArguments("A database password is needed and standard input is not a terminal: set WPRESCUE_DB_PASSWORD in the environment.")
                }
                overrides.password = DatabasePassword(terminal.hidden("Database password for '\(account)': ") ?? "")
            }
            return overrides
        }

        private func installedThemes(of site: Site) -> Set<String>? {
            guard let themes = try? site.catalog.extensions(of: .theme) else { return nil }
            return Set(themes.filter { $0.state == .enabled }.map(\.slug))
        }

        private func show(_ report: DatabaseReport, on console: Console) {
            let width = report.checks.map(\.id.rawValue.count).max() ?? 0
            for check in report.checks {
                let status = check.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                console.line("\(status)  \(check.id.rawValue.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.summary)")
                for line in check.evidence {
                    if check.status == .ok { console.detail("           \(line)") } else { console.line("           \(line)") }
                }
            }
        }

        private func verdict(_ report: DatabaseReport) -> String {
            switch report.status {
            case .ok: return "Verdict: the database is healthy; it is not why the site is down."
            case .warning: return "Verdict: the database works, with warnings worth a look; it is probably not why the site is down."
            case .problem:
                let first = report.checks.first { $0.status == .problem }
                return "Verdict: the database is a problem (\(first?.id.rawValue ?? "see above"))."
            }
        }

        /// REPAIR TABLE for the damaged tables that support it, after confirmation.
        private func runRepair(_ report: DatabaseReport, on database: WordPressDatabase,
                               context: CommandContext) throws -> [DatabaseRepair.Outcome] {
            let console = context.console
            let repairable = DatabaseRepair.repairable(in: report)
            let others = DatabaseRepair.notRepairable(in: report)
            if !others.isEmpty {
                console.line("Not repairable with REPAIR TABLE: \(others.map { "\($0.table) (\($0.engine ?? "engine unknown"))" }.joined(separator: ", ")).")
                if others.contains(where: \.isInnoDB) { console.line(DatabaseRepair.innoDBAdvice + ".") }
            }
            guard !repairable.isEmpty else {
                console.line("Nothing to repair: no damaged MyISAM or Aria tables.")
                return []
            }
            let names = repairable.map(\.table).joined(separator: ", ")
            if context.global.dryRun {
                console.line("Dry run: would run REPAIR TABLE on \(names). Nothing was changed.")
                return []
            }
            let question = "Run REPAIR TABLE on \(names)? This changes the database directly and `wprescue undo` cannot revert it; back the database up first if you can."
            guard try context.terminal.confirm(question, assumeYes: context.global.yes) else { throw CLIError.declined }
            let outcomes = DatabaseRepair.repair(repairable, on: database)
            for outcome in outcomes {
                console.line("REPAIR TABLE \(outcome.table): \(outcome.verdict); CHECK TABLE now says \(outcome.after.verdict).")
            }
            return outcomes
        }
    }
}

/// JSON shape of `db check` (stable names, documented in the README):
/// `{"connected", "error": null | {"code", "kind", "meaning", "message"}, "checks": [{"id", "status", "summary", "evidence"}],
/// "tables": [...], "repairs": [...] (with --repair)}`.
private struct CheckJSON: Encodable {
    var report: DatabaseReport
    var repairs: [RepairJSON]?

    enum CodingKeys: String, CodingKey { case connected, error, checks, tables, status, repairs }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.connected, forKey: .connected)
        try container.encode(report.error, forKey: .error)
        try container.encode(report.checks, forKey: .checks)
        try container.encode(report.tables, forKey: .tables)
        try container.encode(report.status, forKey: .status)
        try container.encodeIfPresent(repairs, forKey: .repairs)
    }
}

private struct RepairJSON: Encodable {
    var table: String
    var verdict: String
    var repaired: Bool
    var messages: [TableHealth.Message]

    init(_ outcome: DatabaseRepair.Outcome, password: DatabasePassword) {
        table = outcome.table
        verdict = password.scrub(outcome.verdict)
        repaired = outcome.repaired
        messages = outcome.messages.map { .init(type: $0.type, text: password.scrub($0.text)) }
    }
}
