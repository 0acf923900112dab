import ArgumentParser
import Foundation
import WPRescueDatabase
import WPRescueKit

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "List the site's users, reset a password, clear login lockouts (through the database).",
        subcommands: [List.self, ResetPassword.self, Unlock.self]
    )

    struct List: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Login, e-mail, roles and (where a plugin records it) last login of every user.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let (database, credentials) = try SiteDatabase.connectForChanges(context, site: site)
            let users = try WordPressUsers.list(in: database, tablePrefix: credentials.tablePrefix)
            context.console.table(["LOGIN", "E-MAIL", "ROLES", "LAST LOGIN"], users.map { user in
                [user.login, user.email, user.roles.joined(separator: ","), user.lastLogin.map(LoginCommand.clock) ?? "-"]
            })
            struct Entry: Encodable {
                var id: Int, login: String, email: String, roles: [String], lastLogin: String?
            }
            try context.console.emit(json: ["users": users.map {
                Entry(id: $0.id, login: $0.login, email: $0.email, roles: $0.roles,
                      lastLogin: $0.lastLogin.map { ISO8601DateFormatter().string(from: $0) })
            }])
        }
    }

    struct ResetPassword: SiteCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a user's password (typed at a hidden prompt or piped in, never in argv) and end their sessions.",
            discussion: """
            The password is hashed here, the way the site's WordPress does it (its version is read from \
            wp-includes/version.php), and written to the database; the old hash is kept in the journal, \
            so `wprescue undo` brings the old password back.
            """
        )
        @OptionGroup var global: GlobalOptions

        @Argument(help: "The user's login.")
        var login: String

        @Flag(help: "Make up a strong password and print it once.")
        var generate = false

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let (database, credentials) = try SiteDatabase.connectForChanges(context, site: site)
            let users = try WordPressUsers.list(in: database, tablePrefix: credentials.tablePrefix)
            guard let user = users.first(where: { $0.login == login }) else {
                throw CLIError.invalidArguments("There is no user '\(login)' on this site; 'wprescue users list' shows them.")
            }
            guard let version = try WordPressVersion.read(from: site) else {
                throw CLIError.unsupportedSite("wp-includes/version.php does not say which WordPress this is, so wprescue cannot tell how it hashes passwords; use `wprescue login` instead.")
            }
            let password = try generate ? WPRescueKit.ResetPassword.generate() : Self.askPassword(for: user.login, terminal: context.terminal)
            let remedy = try WPRescueKit.ResetPassword(tablePrefix: credentials.tablePrefix)
                .plan(command: CommandContext.commandLine, user: user, password: password, wordpressVersion: version)
            site.journal.openDatabase = { database }
            guard let operation = try context.apply(remedy.changes, on: site) else { return }
            if generate { context.console.line("New password: \(password)") }
            remedy.notes.forEach { context.console.line($0) }
            if try site.fileSystem.isFile(SitePath.join(site.layout.contentDirectory, "object-cache.php")) {
                context.console.note("The site has a persistent object cache (object-cache.php): it may keep the old password until it is flushed.")
            }
            context.console.line("Undo with: wprescue undo   (operation \(operation))")
            try context.console.emit(json: ["operation": AnyEncodable(operation), "user": AnyEncodable(user.login),
                                            "format": AnyEncodable(remedy.facts.format.rawValue),
                                            "password": AnyEncodable(generate ? password : nil)])
        }

        static func askPassword(for login: String, terminal: Terminal) throws -> String {
            guard let typed = terminal.secret("New password for '\(TerminalText.inert(login))': "),
                  !PasswordHash.trimmed(typed).isEmpty else {
                throw CLIError.invalidArguments("No password given: type it at the prompt or pipe it in (printf '%s\\n' \"$password\" | wprescue users reset-password LOGIN), or pass --generate.")
            }
            if terminal.isInteractive {
                guard terminal.hidden("Again: ") == typed else { throw CLIError.invalidArguments("The two passwords differ; nothing was changed.") }
            }
            return typed
        }
    }
}

extension UsersCommand {
    struct Unlock: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear the login lockouts of Limit Login Attempts, Wordfence, Solid Security and All In One WP Security (undo puts them back).")
        @OptionGroup var global: GlobalOptions

        @Argument(help: "Only this user's lockouts (lockouts by address are cleared too).")
        var login: String?

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let (database, credentials) = try SiteDatabase.connectForChanges(context, site: site)
            let active = (try? WordPressOptions.activePluginSlugs(in: database, tablePrefix: credentials.tablePrefix)) ?? []
            let remedy = try ClearLockouts(database: database, tablePrefix: credentials.tablePrefix)
                .plan(command: CommandContext.commandLine, login: login, activePlugins: active)
            for lockout in remedy.facts.lockouts { context.console.line("\(lockout.plugin): \(lockout.description)") }
            site.journal.openDatabase = { database }
            let operation = try context.apply(remedy.changes, on: site)
            if operation != nil || remedy.isEmpty { remedy.notes.forEach { context.console.line($0) } }
            if let operation { context.console.line("Undo with: wprescue undo   (operation \(operation))") }
            struct Entry: Encodable { var plugin: String, description: String }
            try context.console.emit(json: ["operation": AnyEncodable(operation),
                                            "lockouts": AnyEncodable(remedy.facts.lockouts.map { Entry(plugin: $0.plugin, description: $0.description) }),
                                            "twoFactorPlugins": AnyEncodable(remedy.facts.twoFactorPlugins)])
        }
    }
}

extension SiteDatabase {
    /// A connection for reading users or changing rows, failing with the database's own sentence
    /// (scrubbed of its password) rather than quietly.
    static func connectForChanges(_ context: CommandContext, site: Site) throws -> (WordPressDatabase, DatabaseCredentials) {
        let (credentials, _) = try DatabaseCredentials.read(from: site)
        let connector = connector(context, site: site, queryTimeoutSeconds: 30)
        do {
            _ = try prepareRoute(connector, credentials: credentials)
            return (try connector.connect(credentials, timeoutSeconds: 10), credentials)
        } catch {
            throw CLIError.unsupportedSite(credentials.password.scrub(error.localizedDescription))
        }
    }
}
