import Foundation

/// The lockout checks and actions: adapters over LoginLink, ClearLockouts, SiteAddressCheck,
/// SetSiteAddress and RecoveryLink, as `wprescue login`, `users unlock`, `url show`, `url set`
/// and `recovery-link` are.
extension SitePlaybookTools {
    public enum LoginActionError: Error, Equatable, LocalizedError {
        case noAddress
        case administrators(count: Int)
        case noDatabase(String)

        public var errorDescription: String? {
            switch self {
            case .noAddress:
                return "The site's address is unknown, so no link can be made: pass --url https://example.com/."
            case .administrators(let count):
                return count == 0 ? "This site has no administrator; run `wprescue login --user LOGIN`."
                    : "This site has \(count) administrators; run `wprescue login --user LOGIN` for one of them."
            case .noDatabase(let detail):
                return "The site's database cannot be reached (\(detail)); `wprescue db check` says why."
            }
        }
    }

    func loginLink(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let opened = try? database?()
        guard let home = home ?? opened.flatMap({ try? WordPressOptions.home(in: $0.database, tablePrefix: $0.tablePrefix) }) else {
            throw LoginActionError.noAddress
        }
        let account: LoginLink.Account
        if let user = parameters.text("user") {
            account = .login(user)
        } else if let opened {
            let administrators = try WordPressUsers.list(in: opened.database, tablePrefix: opened.tablePrefix).filter(\.isAdministrator)
            guard administrators.count == 1, let only = administrators.first else { throw LoginActionError.administrators(count: administrators.count) }
            account = .login(only.login)
        } else {
            account = .soleAdministrator
        }
        let remedy = try LoginLink(site: site).plan(command: options.command, home: home, account: account)
        let user = remedy.facts.user ?? "the only administrator"
        let expires = ISO8601DateFormatter().string(from: remedy.facts.expires)
        var result = try actionResult(remedy.changes, values: ["user": user, "expires": expires])
        guard !options.dryRun else { return result }
        // The one place the link is shown: it is not a value, so no placeholder can repeat it.
        result.evidence.insert(contentsOf: ["One-time login link for \(user), until \(expires):", remedy.facts.url] + remedy.notes, at: 0)
        return result
    }

    func unlockLogins() throws -> PlaybookStepResult {
        guard let database else { throw LoginActionError.noDatabase("no connection was set up") }
        let opened: (database: WordPressDatabase, tablePrefix: String)
        do { opened = try database() } catch { throw LoginActionError.noDatabase(error.localizedDescription) }
        let active = (try? WordPressOptions.activePluginSlugs(in: opened.database, tablePrefix: opened.tablePrefix)) ?? []
        let remedy = try ClearLockouts(database: opened.database, tablePrefix: opened.tablePrefix)
            .plan(command: options.command, login: nil, activePlugins: active)
        site.journal.openDatabase = { opened.database }
        return try actionResult(remedy.changes, extra: remedy.facts.lockouts.map { "\($0.plugin): \($0.description)" } + remedy.notes,
                                values: ["cleared": String(remedy.facts.lockouts.count)])
    }

    /// The database when it can be opened, for the address's options; nil otherwise.
    private func openedDatabase() -> (database: WordPressDatabase, tablePrefix: String)? {
        try? database?()
    }

    func siteAddress() throws -> PlaybookStepResult {
        let opened = openedDatabase()
        let settings = try SiteAddressSettings.read(site: site, database: opened?.database, tablePrefix: opened?.tablePrefix ?? "wp_")
        guard let visitor = home ?? settings.home else { throw LoginActionError.noAddress }
        let observed = SiteAddressObservation.observe(visitorURL: visitor, fetcher: prober.fetcher, resolve: prober.options.resolve,
                                                      timeout: prober.options.timeout, verifyTLS: prober.options.verifyTLS)
        let verdict = SiteAddressCheck.judge(settings, observed: observed)
        let values = ["problem": verdict.problem?.rawValue ?? "", "explanation": verdict.explanation, "fix-url": verdict.fixURL ?? "",
                      "fix-only": verdict.fixOnly?.rawValue ?? "", "home": settings.home ?? "", "siteurl": settings.siteURL ?? ""]
        return PlaybookStepResult(outcome: verdict.problem == nil ? "ok" : "mismatch", evidence: verdict.notes + [verdict.explanation], values: values)
    }

    func urlSet(_ parameters: PlaybookParameters) throws -> PlaybookStepResult {
        // A placeholder may leave a parameter empty ({{address.fix-only}} when both are to change).
        func given(_ name: String) -> String? { parameters.text(name).flatMap { $0.isEmpty ? nil : $0 } }
        let opened = given("in") == "config" ? nil : openedDatabase()
        let prefix = opened?.tablePrefix ?? "wp_"
        let settings = try SiteAddressSettings.read(site: site, database: opened?.database, tablePrefix: prefix)
        let fields = try given("only").map { text -> [SetSiteAddress.Field] in
            guard let field = SetSiteAddress.Field(rawValue: text) else { throw SetSiteAddress.Failure.invalidURL("only: \(text)") }
            return [field]
        } ?? SetSiteAddress.Field.allCases
        let place = given("in").flatMap(SetSiteAddress.Place.init(rawValue:))
        let remedy = try SetSiteAddress(site: site, tablePrefix: prefix)
            .plan(command: options.command, url: parameters.text("url") ?? "", fields: fields, place: place, settings: settings)
        if let opened { site.journal.openDatabase = { opened.database } }
        return try actionResult(remedy.changes, extra: remedy.facts.changed.map(\.line) + remedy.notes, values: ["url": remedy.facts.url])
    }

    func recoveryLink() throws -> PlaybookStepResult {
        guard let database else { throw LoginActionError.noDatabase("no connection was set up") }
        let opened: (database: WordPressDatabase, tablePrefix: String)
        do { opened = try database() } catch { throw LoginActionError.noDatabase(error.localizedDescription) }
        let settings = try SiteAddressSettings.read(site: site, database: opened.database, tablePrefix: opened.tablePrefix)
        guard let siteURL = settings.siteURL else { throw LoginActionError.noAddress }
        guard let version = try WordPressVersion.read(from: site) else { throw RecoveryLink.Failure.tooOld("(unknown version)") }
        let stored = try WordPressOptions.read([RecoveryLink.option], from: opened.database, tablePrefix: opened.tablePrefix)[RecoveryLink.option]
        let remedy = try RecoveryLink(site: site, tablePrefix: opened.tablePrefix)
            .plan(command: options.command, siteURL: siteURL, stored: stored, wordpressVersion: version)
        site.journal.openDatabase = { opened.database }
        let expires = ISO8601DateFormatter().string(from: remedy.facts.expires)
        var result = try actionResult(remedy.changes, values: ["expires": expires])
        guard !options.dryRun else { return result }
        // Shown once, in the step's own output, never as a value.
        result.evidence.insert(contentsOf: ["Recovery mode link, until \(expires):", remedy.facts.url] + remedy.notes, at: 0)
        return result
    }
}
