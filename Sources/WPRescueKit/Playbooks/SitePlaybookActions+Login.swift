import Foundation

/// The lockout actions: adapters over LoginLink and ClearLockouts, as `wprescue login` and
/// `wprescue users unlock` are.
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
}
