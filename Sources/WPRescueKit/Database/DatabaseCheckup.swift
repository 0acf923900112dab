import Foundation

/// Answers "is the database why my site is down?": connects the way WordPress would, then
/// looks at the server, the core tables and the options WordPress needs to render a page.
/// Reads only; `DatabaseRepair` is the one part that changes anything.
public struct DatabaseCheckup {
    public struct Options: Sendable {
        /// The address the site should be at (`--url`), compared with siteurl and home.
        public var expectedURL: String?
        /// Theme folders present on disk; nil when unknown.
        public var installedThemes: Set<String>?
        /// WP_HOME and WP_SITEURL from wp-config.php, which override the database's values.
        public var configuredHome: String?
        public var configuredSiteURL: String?
        /// Seconds for the connection and for each wait on the server.
        public var timeoutSeconds: Int = 5
        /// The multisite network wp-config.php declares; nil for a single site.
        public var network: NetworkSettings?

        public init(expectedURL: String? = nil, installedThemes: Set<String>? = nil, configuredHome: String? = nil,
                    configuredSiteURL: String? = nil, timeoutSeconds: Int = 5, network: NetworkSettings? = nil) {
            self.network = network
            self.expectedURL = expectedURL
            self.installedThemes = installedThemes
            self.configuredHome = configuredHome
            self.configuredSiteURL = configuredSiteURL
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// WordPress's core tables of a single site (wp-admin/includes/schema.php).
    public static let coreTables = [
        "options", "users", "usermeta", "posts", "postmeta", "comments", "commentmeta",
        "terms", "term_taxonomy", "term_relationships", "termmeta", "links",
    ]

    /// Site Health's threshold for autoloaded options (WordPress 6.6, filter
    /// site_status_autoloaded_options_size_limit).
    public static let autoloadWarningBytes = 800_000

    /// A server that started this recently probably restarted on its own.
    public static let recentRestartSeconds = 600

    public let credentials: DatabaseCredentials
    public let options: Options

    public init(credentials: DatabaseCredentials, options: Options = Options()) {
        self.credentials = credentials
        self.options = options
    }

    /// The report, and the open connection when there is one (for `--repair`).
    public func run(using connector: WordPressDatabaseConnector) -> (report: DatabaseReport, database: WordPressDatabase?) {
        var checks = [settingsCheck()]
        let database: WordPressDatabase
        do {
            database = try connector.connect(credentials, timeoutSeconds: options.timeoutSeconds)
        } catch {
            let failure = databaseError(error)
            checks.append(DatabaseCheck(.connection, .problem, failure.meaning,
                                        evidence: ["error \(failure.code): \(failure.serverMessage)"]))
            let report = DatabaseReport(connected: false, error: .init(failure), checks: checks)
            return (report.scrubbed(of: credentials.password), nil)
        }
        checks.append(DatabaseCheck(.connection, .ok,
                                    "Connected to \(database.place) as '\(credentials.user)', database '\(credentials.name)'."))
        let report = inspect(database, startingWith: checks)
        return (report.scrubbed(of: credentials.password), database)
    }

    /// Every check after the connection, on an open database.
    public func inspect(_ database: WordPressDatabase, startingWith earlier: [DatabaseCheck] = []) -> DatabaseReport {
        var checks = earlier
        checks += serverChecks(database)
        let present = tablesCheck(database)
        checks.append(present.check)
        let tables = present.found.map { found in checkTable(found.name, engine: found.engine, on: database) }
        if !present.found.isEmpty { checks.append(Self.evaluateTableHealth(tables)) }
        if present.found.contains(where: { $0.base == "options" }) {
            checks += optionChecks(database)
        }
        if let network = options.network { checks += networkChecks(database, network: network) }
        return DatabaseReport(connected: true, checks: checks, tables: tables)
    }

    // MARK: wp-config.php

    func settingsCheck() -> DatabaseCheck {
        var status = DatabaseCheck.Status.ok
        var evidence = ["DB_HOST '\(credentials.host.written)' → \(credentials.host.endpoint)"]
        evidence += credentials.host.notes
        var problems: [String] = []
        if let problem = credentials.host.wordPressProblem { problems.append(problem) }
        if let problem = credentials.tablePrefixProblem { problems.append(problem) }
        if !problems.isEmpty { status = .problem }
        evidence.append("$table_prefix '\(credentials.tablePrefix)'")
        if !credentials.tablePrefixWasRead {
            status = max(status, .warning)
            evidence.append("$table_prefix is not a plain string in wp-config.php, so 'wp_' was assumed")
        }
        if let charset = credentials.charset, !charset.isEmpty { evidence.append("DB_CHARSET '\(charset)'") }
        let summary = problems.isEmpty
            ? (status == .ok ? "wp-config.php's database settings are well-formed." : "wp-config.php's database settings were read with assumptions.")
            : problems.joined(separator: "; ") + "."
        return DatabaseCheck(.settings, status, summary, evidence: evidence)
    }

    // MARK: Server

    func serverChecks(_ database: WordPressDatabase) -> [DatabaseCheck] {
        let status: [String: String]
        let variables: [String: String]
        do {
            status = try Self.nameValuePairs(database.query(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime', 'Threads_connected', 'Max_used_connections')"))
            variables = try Self.nameValuePairs(database.query(
                "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'version_comment', 'max_connections')"))
        } catch {
            let failure = databaseError(error)
            return [DatabaseCheck(.server, .warning, "Could not read the server's status: \(failure.meaning)",
                                  evidence: ["error \(failure.code): \(failure.serverMessage)"])]
        }
        return [Self.evaluateServer(status: status, variables: variables),
                Self.evaluateConnections(status: status, variables: variables)]
    }

    /// Variable_name/Value rows as a dictionary, names lowercased.
    static func nameValuePairs(_ result: QueryResult) -> [String: String] {
        var pairs: [String: String] = [:]
        for index in result.rows.indices {
            if let name = result.value("Variable_name", row: index) { pairs[name.lowercased()] = result.value("Value", row: index) ?? "" }
        }
        return pairs
    }

    static func evaluateServer(status: [String: String], variables: [String: String]) -> DatabaseCheck {
        let version = [variables["version"], variables["version_comment"]].compactMap { $0 }.joined(separator: " ")
        let name = version.isEmpty ? "The server" : "Server \(version)"
        guard let uptime = status["uptime"].flatMap(Int.init) else {
            return DatabaseCheck(.server, .ok, "\(name) answers.", evidence: ["uptime not reported"])
        }
        let evidence = ["Uptime \(uptime) s"]
        if uptime < recentRestartSeconds {
            return DatabaseCheck(.server, .warning,
                                 "\(name) started only \(describeDuration(uptime)) ago: if nobody restarted it, it crashed or was killed (out of memory?); read its error log.",
                                 evidence: evidence)
        }
        return DatabaseCheck(.server, .ok, "\(name), up \(describeDuration(uptime)).", evidence: evidence)
    }

    static func evaluateConnections(status: [String: String], variables: [String: String]) -> DatabaseCheck {
        guard let limit = variables["max_connections"].flatMap(Int.init), limit > 0,
              let current = status["threads_connected"].flatMap(Int.init) else {
            return DatabaseCheck(.connections, .ok, "Connection counts not reported.")
        }
        let peak = status["max_used_connections"].flatMap(Int.init)
        let evidence = ["Threads_connected \(current)", "Max_used_connections \(peak.map(String.init) ?? "unknown")",
                        "max_connections \(limit)"]
        if current >= limit {
            return DatabaseCheck(.connections, .problem,
                                 "All \(limit) connections are in use (\(current) open): new visitors get 'Error establishing a database connection'; look for slow queries (SHOW PROCESSLIST) or raise max_connections.",
                                 evidence: evidence)
        }
        if let peak, peak >= limit {
            return DatabaseCheck(.connections, .warning,
                                 "The server ran out of connections since it started (peak \(peak) of \(limit)): visitors may have seen 'Error establishing a database connection' then.",
                                 evidence: evidence)
        }
        if current * 5 >= limit * 4 {
            return DatabaseCheck(.connections, .warning, "\(current) of \(limit) connections in use, close to the limit.", evidence: evidence)
        }
        return DatabaseCheck(.connections, .ok, "\(current) of \(limit) connections in use (peak \(peak.map(String.init) ?? "unknown")).",
                             evidence: evidence)
    }

    static func describeDuration(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: return "\(seconds) s"
        case ..<7200: return "\(seconds / 60) min"
        case ..<172_800: return "\(seconds / 3600) h"
        default: return "\(seconds / 86400) days"
        }
    }

    // MARK: Tables

    struct FoundTable: Equatable {
        var base: String
        var name: String
        var engine: String?
    }

    func tablesCheck(_ database: WordPressDatabase) -> (check: DatabaseCheck, found: [FoundTable]) {
        let result: QueryResult
        do {
            result = try database.query(
                "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
        } catch {
            let failure = databaseError(error)
            return (DatabaseCheck(.tables, .problem, "Could not list the tables: \(failure.meaning)"), [])
        }
        var engines: [String: String?] = [:]
        for index in result.rows.indices {
            if let name = result.value("TABLE_NAME", row: index) { engines[name] = result.value("ENGINE", row: index) }
        }
        return Self.evaluateTables(engines, prefix: credentials.tablePrefix, database: credentials.name)
    }

    /// `engines`: every table in the database and its engine (nil when the server cannot open it).
    static func evaluateTables(_ engines: [String: String?], prefix: String, database: String) -> (check: DatabaseCheck, found: [FoundTable]) {
        var found: [FoundTable] = []
        var missing: [String] = []
        for base in coreTables {
            let wanted = prefix + base
            // Names compare case-insensitively where the server folds case (lower_case_table_names).
            if let name = engines.keys.first(where: { $0 == wanted }) ?? engines.keys.first(where: { $0.lowercased() == wanted.lowercased() }) {
                found.append(FoundTable(base: base, name: name, engine: engines[name] ?? nil))
            } else {
                missing.append(wanted)
            }
        }
        let evidence = found.map { "\($0.name) (\($0.engine ?? "engine unknown: the server cannot open it"))" }
        if missing.isEmpty {
            return (DatabaseCheck(.tables, .ok, "All \(coreTables.count) core tables for prefix '\(prefix)' are present.", evidence: evidence), found)
        }
        if found.isEmpty {
            let others = otherPrefixes(in: Array(engines.keys))
            let hint = others.isEmpty
                ? (engines.isEmpty ? "The database '\(database)' is empty: restore it from a backup, or check DB_NAME." : "Check DB_NAME, or restore the tables from a backup.")
                : "The database has WordPress tables with the prefix \(others.map { "'\($0)'" }.joined(separator: ", ")): $table_prefix in wp-config.php is probably wrong."
            return (DatabaseCheck(.tables, .problem, "No WordPress tables with the prefix '\(prefix)' in database '\(database)'. \(hint)",
                                  evidence: ["\(engines.count) tables in the database"]), found)
        }
        return (DatabaseCheck(.tables, .problem,
                              "Missing core tables: \(missing.joined(separator: ", ")). WordPress fails or offers to reinstall; restore them from a backup.",
                              evidence: evidence), found)
    }

    /// Prefixes of other WordPress installations in the same database (tables named `<prefix>options`
    /// next to `<prefix>posts`).
    static func otherPrefixes(in tables: [String]) -> [String] {
        let names = Set(tables.map { $0.lowercased() })
        return tables.compactMap { table -> String? in
            guard table.lowercased().hasSuffix("options") else { return nil }
            let prefix = String(table.dropLast("options".count))
            return names.contains((prefix + "posts").lowercased()) ? prefix : nil
        }.sorted()
    }

    func checkTable(_ table: String, engine: String?, on database: WordPressDatabase) -> TableHealth {
        do {
            let result = try database.query("CHECK TABLE \(SQLText.identifier(table))")
            return TableHealth(table: table, engine: engine, messages: Self.messages(in: result))
        } catch {
            let failure = databaseError(error)
            return TableHealth(table: table, engine: engine,
                               messages: [.init(type: "error", text: failure.meaning), .init(type: "status", text: "Operation failed")])
        }
    }

    /// Every Msg_type/Msg_text row of a CHECK or REPAIR TABLE result, in order.
    static func messages(in result: QueryResult) -> [TableHealth.Message] {
        result.rows.indices.map { index in
            TableHealth.Message(type: result.value("Msg_type", row: index) ?? "", text: result.value("Msg_text", row: index) ?? "")
        }
    }

    static func evaluateTableHealth(_ tables: [TableHealth]) -> DatabaseCheck {
        let damaged = tables.filter { !$0.isHealthy }
        let warned = tables.filter { $0.isHealthy && $0.hasWarnings }
        var evidence: [String] = []
        for table in damaged + warned {
            let engine = table.engine ?? "engine unknown"
            var notes = table.messages.filter { $0.type.lowercased() != "status" }.map(\.text)
            if notes.last == table.verdict { notes.removeLast() }
            evidence.append("\(table.table) (\(engine)): \(table.verdict)" + (notes.isEmpty ? "" : " — " + notes.joined(separator: "; ")))
        }
        if !damaged.isEmpty {
            let names = damaged.map(\.table).joined(separator: ", ")
            var advice: [String] = []
            if damaged.contains(where: \.isRepairable) {
                advice.append("run `wprescue db check --repair` to rebuild \(damaged.filter(\.isRepairable).map(\.table).joined(separator: ", "))")
            }
            if damaged.contains(where: \.isInnoDB) {
                advice.append(DatabaseRepair.innoDBAdvice)
            }
            let summary = "CHECK TABLE reports damage in \(names)" + (advice.isEmpty ? "." : ": " + advice.joined(separator: "; ") + ".")
            return DatabaseCheck(.tableHealth, .problem, summary, evidence: evidence)
        }
        if !warned.isEmpty {
            return DatabaseCheck(.tableHealth, .warning,
                                 "CHECK TABLE passes every core table, with warnings on \(warned.map(\.table).joined(separator: ", ")).",
                                 evidence: evidence)
        }
        return DatabaseCheck(.tableHealth, .ok, "CHECK TABLE reports OK for all \(tables.count) core tables present.")
    }

    // MARK: Options

    static let readOptions = ["siteurl", "home", "active_plugins", "template", "stylesheet"]

    func optionChecks(_ database: WordPressDatabase) -> [DatabaseCheck] {
        let table = credentials.table("options")
        let values: [String: String]
        do {
            values = try WordPressOptions.read(Self.readOptions, from: database, tablePrefix: credentials.tablePrefix)
        } catch {
            let failure = databaseError(error)
            return [DatabaseCheck(.options, .problem, "WordPress cannot read \(table) either: \(failure.meaning)",
                                  evidence: ["error \(failure.code): \(failure.serverMessage)"])]
        }
        return [
            Self.evaluateSiteAddress(siteURL: values["siteurl"], home: values["home"], options: options),
            Self.evaluateActivePlugins(values["active_plugins"]),
            Self.evaluateTheme(template: values["template"], stylesheet: values["stylesheet"], installed: options.installedThemes),
            autoloadCheck(database),
        ]
    }

    static func evaluateSiteAddress(siteURL: String?, home: String?, options: Options) -> DatabaseCheck {
        var status = DatabaseCheck.Status.ok
        var findings: [String] = []
        var evidence: [String] = []
        for (name, stored, constant, constantName) in [("siteurl", siteURL, options.configuredSiteURL, "WP_SITEURL"),
                                                      ("home", home, options.configuredHome, "WP_HOME")] {
            evidence.append("\(name) = \(stored.map { "'\($0)'" } ?? "(missing)")")
            if let constant {
                evidence.append("\(constantName) = '\(constant)' in wp-config.php overrides the stored \(name)")
            }
            let effective = constant ?? stored
            let address: SiteAddress
            switch SiteAddress.read(option: name, effective) {
            case .success(let read):
                address = read
            case .failure(let unusable):
                status = .problem
                findings.append(effective?.isEmpty ?? true ? "\(unusable), so WordPress builds broken links" : unusable.description)
                continue
            }
            if let expectedText = options.expectedURL, let expected = SiteAddress(expectedText) {
                // WordPress may live in a subfolder of the home address, so siteurl's path is not compared.
                switch address.compare(with: expected, includingPath: name == "home") {
                case .same:
                    break
                case .differentHost:
                    status = .problem
                    findings.append("\(name) is \(effective) but the site is expected at \(expectedText): WordPress redirects visitors and logins there")
                case .differentSchemeOrPath:
                    status = max(status, .warning)
                    findings.append("\(name) is \(effective), not \(expectedText): expect redirects (or a redirect loop behind a proxy)")
                }
            }
        }
        let summary = findings.isEmpty
            ? "siteurl and home are set\(options.expectedURL.map { " and match \($0)" } ?? "")."
            : sentence(findings)
        return DatabaseCheck(.siteAddress, status, summary, evidence: evidence)
    }

    static func evaluateActivePlugins(_ stored: String?) -> DatabaseCheck {
        guard let stored else {
            return DatabaseCheck(.activePlugins, .warning, "There is no active_plugins option: WordPress runs with no plugins.")
        }
        switch WordPressOptions.activePlugins(fromStored: stored) {
        case .success(let files):
            let unusual = files.filter { !$0.hasSuffix(".php") }
            let evidence = ["\(files.count) active: " + (files.isEmpty ? "(none)" : files.joined(separator: ", "))]
            if !unusual.isEmpty {
                return DatabaseCheck(.activePlugins, .warning,
                                     "active_plugins lists entries that are not plugin files (WordPress skips them): \(unusual.joined(separator: ", ")).",
                                     evidence: evidence)
            }
            return DatabaseCheck(.activePlugins, .ok, "active_plugins is readable: \(files.count) active plugin\(files.count == 1 ? "" : "s").",
                                 evidence: evidence)
        case .failure(let failure):
            return DatabaseCheck(.activePlugins, .problem, "active_plugins is damaged: \(failure.detail). \(failure.consequence)",
                                 evidence: ["stored value (\(stored.utf8.count) bytes): \(Self.excerpt(stored))"])
        }
    }

    static func evaluateTheme(template: String?, stylesheet: String?, installed: Set<String>?) -> DatabaseCheck {
        var findings: [String] = []
        let evidence = ["template = \(template.map { "'\($0)'" } ?? "(missing)")", "stylesheet = \(stylesheet.map { "'\($0)'" } ?? "(missing)")"]
        for (name, value) in [("template", template), ("stylesheet", stylesheet)] {
            guard let value, !value.isEmpty else {
                findings.append("the \(name) option is \(value == nil ? "missing" : "empty")")
                continue
            }
            if let installed, !installed.contains(value) {
                findings.append("the \(name) theme '\(value)' is not in the themes folder (visitors get a blank page until it is restored or another theme is chosen)")
            }
        }
        if findings.isEmpty {
            let same = template == stylesheet
            let theme = same ? "'\(template ?? "")'" : "'\(stylesheet ?? "")' (child of '\(template ?? "")')"
            return DatabaseCheck(.theme, .ok, "Active theme \(theme)\(installed == nil ? "" : " is installed").", evidence: evidence)
        }
        return DatabaseCheck(.theme, .problem, sentence(findings), evidence: evidence)
    }

    // MARK: Multisite

    func networkChecks(_ database: WordPressDatabase, network: NetworkSettings) -> [DatabaseCheck] {
        let sites: [NetworkSite]
        do {
            sites = try WordPressNetwork.sites(in: database, tablePrefix: credentials.tablePrefix, networkID: network.networkID)
        } catch {
            let failure = databaseError(error)
            return [DatabaseCheck(.network, .problem,
                                  "wp-config.php turns MULTISITE on but WordPress cannot read \(credentials.table("blogs")): \(failure.meaning)",
                                  evidence: ["error \(failure.code): \(failure.serverMessage)"])]
        }
        let sitewide: Result<String?, DatabaseError>
        do {
            sitewide = .success(try WordPressNetwork.storedSitewidePlugins(in: database, tablePrefix: credentials.tablePrefix,
                                                                           networkID: network.networkID))
        } catch {
            sitewide = .failure(databaseError(error))
        }
        return [Self.evaluateNetwork(network, sites: sites, sitewide: sitewide, tablePrefix: credentials.tablePrefix),
                Self.evaluateNetworkSites(sites, tablePrefix: credentials.tablePrefix)]
    }

    static func evaluateNetwork(_ network: NetworkSettings, sites: [NetworkSite], sitewide: Result<String?, DatabaseError>,
                                tablePrefix: String) -> DatabaseCheck {
        var status = DatabaseCheck.Status.ok
        var findings: [String] = []
        var evidence = ["MULTISITE (\(network.kind.rawValue)) with \(sites.count) site\(sites.count == 1 ? "" : "s") in \(tablePrefix)blogs"]
        if sites.isEmpty {
            status = .problem
            findings.append("\(tablePrefix)blogs has no site for network \(network.networkID), so WordPress has no site to load")
        }
        if let domain = network.domain, let path = network.path {
            evidence.append("DOMAIN_CURRENT_SITE '\(domain)', PATH_CURRENT_SITE '\(path)'")
            let main = sites.first { $0.domain.lowercased() == domain.lowercased() && $0.path == path }
            if main == nil, !sites.isEmpty {
                status = .problem
                findings.append("no site in \(tablePrefix)blogs is at \(domain)\(path) (DOMAIN_CURRENT_SITE + PATH_CURRENT_SITE), "
                                + "so WordPress cannot load the network's main site")
            }
        }
        switch sitewide {
        case .failure(let failure):
            status = .problem
            findings.append("\(tablePrefix)sitemeta cannot be read: \(failure.meaning)")
            evidence.append("error \(failure.code): \(failure.serverMessage)")
        case .success(nil):
            evidence.append("no active_sitewide_plugins in \(tablePrefix)sitemeta: no plugin is network-activated")
        case .success(let stored?):
            switch WordPressNetwork.sitewidePlugins(fromStored: stored) {
            case .success(let files):
                evidence.append("\(files.count) network-activated: " + (files.isEmpty ? "(none)" : files.joined(separator: ", ")))
            case .failure(let damage):
                status = .problem
                findings.append("the active_sitewide_plugins site option is damaged: \(damage.detail); "
                                + damage.consequence.trimmingCharacters(in: CharacterSet(charactersIn: ".")))
                evidence.append("stored value (\(stored.utf8.count) bytes): \(excerpt(stored))")
            }
        }
        let summary = findings.isEmpty
            ? "The \(network.kind.rawValue) network's tables are readable: \(sites.count) site\(sites.count == 1 ? "" : "s")."
            : sentence(findings)
        return DatabaseCheck(.network, status, summary, evidence: evidence)
    }

    /// Each live site's home must be where wp_blogs puts it: ms-load.php finds the site by the
    /// requested domain and path, then WordPress redirects to its home, so a mismatch sends visitors away.
    static func evaluateNetworkSites(_ sites: [NetworkSite], tablePrefix: String) -> DatabaseCheck {
        var status = DatabaseCheck.Status.ok
        var findings: [String] = []
        var evidence: [String] = []
        for site in sites {
            let label = "site \(site.id) (\(site.address))"
            guard site.isLive else {
                evidence.append("\(label): \([site.archived ? "archived" : nil, site.spam ? "spam" : nil, site.deleted ? "deleted" : nil].compactMap { $0 }.joined(separator: ", ")), not served")
                continue
            }
            if let error = site.optionsError {
                status = .problem
                findings.append("\(label): its options table \(site.optionsTable) cannot be read, so WordPress cannot show it")
                evidence.append("\(label): \(error)")
                continue
            }
            evidence.append("\(label): home \(site.home.map { "'\($0)'" } ?? "(missing)"), siteurl \(site.siteURL.map { "'\($0)'" } ?? "(missing)")")
            let expectedPath = String(site.path.reversed().drop { $0 == "/" }.reversed())
            for (name, value, includingPath) in [("home", site.home, true), ("siteurl", site.siteURL, false)] {
                let address: SiteAddress
                switch SiteAddress.read(option: name, value) {
                case .success(let read):
                    address = read
                case .failure(let unusable):
                    status = .problem
                    findings.append("\(label): \(unusable)")
                    continue
                }
                // wp_blogs' domain carries the port when the site has one (network.test:8080), as HTTP_HOST does.
                let expected = SiteAddress("\(address.scheme)://\(site.domain)/")
                if address.host != expected?.host || address.port != expected?.port || (includingPath && address.path != expectedPath) {
                    status = .problem
                    findings.append("\(label): \(name) is \(value ?? ""), not at \(site.address) where \(tablePrefix)blogs puts it, "
                                    + "so visitors of \(site.address) are sent elsewhere")
                }
            }
            if let stored = site.activePlugins, case .failure(let damage) = WordPressOptions.activePlugins(fromStored: stored) {
                status = max(status, .warning)
                findings.append("\(label): active_plugins is damaged: \(damage.detail)")
            }
        }
        let live = sites.filter(\.isLive).count
        let summary = findings.isEmpty
            ? "Every live site's home and siteurl match its address in the network (\(live) site\(live == 1 ? "" : "s"))."
            : sentence(findings)
        return DatabaseCheck(.networkSites, status, summary, evidence: evidence)
    }

    func autoloadCheck(_ database: WordPressDatabase) -> DatabaseCheck {
        let table = SQLText.identifier(credentials.table("options"))
        let filter = "autoload IN (\(WordPressOptions.autoloadValues.map(SQLText.literal).joined(separator: ", ")))"
        do {
            let total = try database.query("SELECT COUNT(*) AS options, COALESCE(SUM(LENGTH(option_value)), 0) AS bytes FROM \(table) WHERE \(filter)")
            let largest = try database.query(
                "SELECT option_name, LENGTH(option_value) AS bytes FROM \(table) WHERE \(filter) ORDER BY bytes DESC LIMIT 5")
            let top = largest.rows.indices.map { index in
                (name: largest.value("option_name", row: index) ?? "?", bytes: Int(largest.value("bytes", row: index) ?? "") ?? 0)
            }
            return Self.evaluateAutoload(count: Int(total.value("options", row: 0) ?? "") ?? 0,
                                         bytes: Int(total.value("bytes", row: 0) ?? "") ?? 0, largest: top)
        } catch {
            let failure = databaseError(error)
            return DatabaseCheck(.autoload, .warning, "Could not measure autoloaded options: \(failure.meaning)")
        }
    }

    static func evaluateAutoload(count: Int, bytes: Int, largest: [(name: String, bytes: Int)]) -> DatabaseCheck {
        let evidence = ["\(count) autoloaded options, \(bytes) bytes"] + largest.map { "\($0.name): \($0.bytes) bytes" }
        let size = describeBytes(bytes)
        if bytes > autoloadWarningBytes {
            return DatabaseCheck(.autoload, .warning,
                                 "Autoloaded options total \(size), over Site Health's \(describeBytes(autoloadWarningBytes)): every page loads them, which slows the site and can exhaust PHP memory; the largest are listed below.",
                                 evidence: evidence)
        }
        return DatabaseCheck(.autoload, .ok, "Autoloaded options total \(size) (\(count) options).", evidence: evidence)
    }

    static func describeBytes(_ bytes: Int) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000)
            : bytes >= 1000 ? "\(bytes / 1000) KB" : "\(bytes) bytes"
    }

    /// Findings joined into one sentence.
    static func sentence(_ findings: [String]) -> String {
        let text = findings.joined(separator: "; ")
        return text.prefix(1).uppercased() + String(text.dropFirst()) + "."
    }

    static func excerpt(_ text: String, limit: Int = 120) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    private func databaseError(_ error: Error) -> DatabaseError {
        if let error = error as? DatabaseError { return error }
        let context = DatabaseError.Context(user: credentials.user, database: credentials.name,
                                            endpoint: credentials.host.endpoint, timeoutSeconds: options.timeoutSeconds)
        return DatabaseError(code: 0, serverMessage: error.localizedDescription, context: context, password: credentials.password)
    }
}

/// A site address reduced to what decides where a browser ends up.
struct SiteAddress: Equatable {
    var scheme: String
    var host: String
    var port: Int?
    var path: String

    init?(_ text: String) {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host
        let defaultPort = scheme == "https" ? 443 : 80
        port = components.port.flatMap { $0 == defaultPort ? nil : $0 }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    /// The address stored in the `name` option (home, siteurl), or why WordPress cannot use it.
    static func read(option name: String, _ value: String?) -> Result<SiteAddress, UnusableAddress> {
        guard let value, !value.isEmpty else {
            return .failure(UnusableAddress(description: "the \(name) option is \(value == nil ? "missing" : "empty")"))
        }
        guard let address = SiteAddress(value) else {
            return .failure(UnusableAddress(description: "\(name) '\(value)' is not an http(s) address"))
        }
        return .success(address)
    }

    struct UnusableAddress: Error, CustomStringConvertible {
        let description: String
    }

    enum Comparison { case same, differentHost, differentSchemeOrPath }

    /// `other` is where the site should be; a page below this address counts as the same place.
    func compare(with other: SiteAddress, includingPath: Bool) -> Comparison {
        if host != other.host || port != other.port { return .differentHost }
        guard scheme == other.scheme else { return .differentSchemeOrPath }
        guard includingPath else { return .same }
        return other.path == path || other.path.hasPrefix(path + "/") ? .same : .differentSchemeOrPath
    }
}
