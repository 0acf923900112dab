import ArgumentParser
import Foundation
import WPRescueKit

struct LoginCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Print a one-time link that logs you in to wp-admin, with file access alone.",
        discussion: """
        A temporary must-use plugin logs in whoever opens the link, once, as the user chosen (an \
        administrator unless --user names another), then deletes itself. The link expires after \
        --expires; it is printed once and written nowhere (the plugin holds only a hash of its secret). \
        Users are read from the database (over SFTP, through an SSH tunnel); when it cannot be reached, \
        the plugin picks the site's only administrator, or the login --user names.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The login to log in as (default: the administrator; asked on a terminal when there are several).")
    var user: String?

    @Option(help: "How long the link works: 30s, 15m, 2h (at most 24h).")
    var expires: String = "15m"

    @Option(help: "The site's address, when neither the alias, wp-config.php nor the database says it.")
    var url: String?

    func validate() throws { try Self.validateLifetime(expires, within: LoginLink.lifetimes) }

    static func validateLifetime(_ text: String, within range: ClosedRange<TimeInterval>) throws {
        guard let lifetime = lifetime(text), range.contains(lifetime) else {
            throw ValidationError("--expires takes 30s, 15m or 2h, from 1m to 24h.")
        }
    }

    static func lifetime(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value > 0 else { return nil }
        return value * scale
    }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let database = SiteDatabase.open(context, site: site)
        let account = try Self.account(named: user, database: database, terminal: context.terminal, console: context.console)
        guard let home = url ?? context.alias?.url ?? (try? SiteURLs.home(of: site))
            ?? database.flatMap({ try? WordPressOptions.home(in: $0.database, tablePrefix: $0.credentials.tablePrefix) })
        else {
            throw CLIError.invalidArguments("The site's address is not in wp-config.php and its database cannot be read from here; pass --url https://example.com.")
        }
        let remedy = try LoginLink(site: site).plan(command: CommandContext.commandLine, home: home, account: account,
                                                    lifetime: Self.lifetime(expires) ?? LoginLink.defaultLifetime)
        if global.dryRun {
            _ = try context.apply(remedy.changes, on: site)
            context.console.note("Dry run: no link was made.")
            return
        }
        let operation = try context.apply(remedy.changes, on: site)
        let facts = remedy.facts
        let whom = facts.user.map { "'\($0)'" } ?? "the site's only administrator"
        context.console.note("One-time login link for \(whom), valid until \(Self.clock(facts.expires)); it works once:")
        context.console.line(facts.url)
        remedy.notes.forEach { context.console.note($0) }
        if let operation { context.console.note("To take the link back before it is used: wprescue undo   (operation \(operation))") }
        try context.console.emit(json: ["url": AnyEncodable(facts.url), "user": AnyEncodable(facts.user), "expires": AnyEncodable(ISO8601DateFormatter().string(from: facts.expires))])
    }

    /// Whom to log in: the login named (checked when the database can say), else the administrator,
    /// asked for on a terminal when there are several. Without a database, the helper decides.
    static func account(named login: String?, database: (database: WordPressDatabase, credentials: DatabaseCredentials)?,
                        terminal: Terminal, console: Console) throws -> LoginLink.Account {
        guard let (database, credentials) = database,
              let users = try? WordPressUsers.list(in: database, tablePrefix: credentials.tablePrefix)
        else {
            if let login { return .login(login) }
            console.note("The database cannot be read from here: the link logs in the site's only administrator (with several, it refuses; name one with --user).")
            return .soleAdministrator
        }
        if let login {
            guard let found = users.first(where: { $0.login == login }) else {
                throw CLIError.invalidArguments("There is no user '\(login)' on this site; 'wprescue users list' shows them.")
            }
            return .login(found.login)
        }
        let administrators = users.filter(\.isAdministrator)
        guard let first = administrators.first else {
            throw CLIError.invalidArguments("This site has no administrator; name a user with --user LOGIN ('wprescue users list' shows them).")
        }
        if administrators.count == 1 { return .login(first.login) }
        guard terminal.isInteractive else {
            throw CLIError.invalidArguments("This site has \(administrators.count) administrators; name one with --user LOGIN ('wprescue users list' shows them).")
        }
        console.note("This site has \(administrators.count) administrators:")
        for (index, user) in administrators.enumerated() { console.note("  \(index + 1). \(user.login) <\(user.email)>") }
        guard let choice = terminal.choose(count: administrators.count, defaultChoice: 1, prompt: "Log in as [1]: ") else {
            throw CLIError.declined
        }
        return .login(administrators[choice - 1].login)
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss ZZZZZ"
        return formatter.string(from: date)
    }
}
