import ArgumentParser
import Foundation
import WPRescueKit

/// Named after what it prints, core's recovery mode link: unlike `login`, it does not get past the
/// password; it gets past a plugin or theme that breaks wp-admin, as core's e-mail would.
struct RecoveryLinkCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery-link",
        abstract: "Print WordPress's own recovery mode link (no e-mail needed): wp-admin opens with the failing plugin paused.",
        discussion: """
        Writes a recovery key into core's recovery_keys option the way core does (only its hash), \
        through the database, and prints core's link once. Open it, log in as an administrator: core \
        pauses each plugin or theme that dies, for your browser only, and wp-admin shows which. \
        `wprescue undo` takes an unused key back.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "How long the link works: 30s, 15m, 2h (at most 24h, core's own limit).")
    var expires: String = "15m"

    @Option(help: "The site's address, when the database cannot be read from here and wp-config.php does not say it.")
    var url: String?

    func validate() throws { try LoginCommand.validateLifetime(expires, within: RecoveryLink.lifetimes) }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        guard let (database, credentials) = SiteDatabase.open(context, site: site) else { return try withoutDatabase(context, site: site) }
        let settings = try SiteAddressSettings.read(site: site, database: database, tablePrefix: credentials.tablePrefix)
        guard let siteURL = settings.siteURL else {
            throw CLIError.unsupportedSite("Neither WP_SITEURL nor the siteurl option says where wp-login.php is; `wprescue url show` says more.")
        }
        guard let version = try WordPressVersion.read(from: site) else {
            throw CLIError.unsupportedSite("wp-includes/version.php does not say which WordPress this is, so wprescue cannot tell whether it has recovery mode.")
        }
        let stored = try WordPressOptions.read([RecoveryLink.option], from: database, tablePrefix: credentials.tablePrefix)[RecoveryLink.option]
        let remedy = try RecoveryLink(site: site, tablePrefix: credentials.tablePrefix)
            .plan(command: CommandContext.commandLine, siteURL: siteURL, stored: stored, wordpressVersion: version,
                  lifetime: LoginCommand.lifetime(expires) ?? RecoveryLink.defaultLifetime)
        site.journal.openDatabase = { database }
        try present(context, site: site, changes: remedy.changes, url: remedy.facts.url, expires: remedy.facts.expires,
                    introduction: "Recovery mode link, valid until \(LoginCommand.clock(remedy.facts.expires)); it works once:", notes: remedy.notes)
    }

    /// With file access alone: a one-time helper has core make its own link when it is opened.
    private func withoutDatabase(_ context: CommandContext, site: Site) throws {
        guard let home = url ?? context.alias?.url ?? (try? SiteURLs.home(of: site)) else {
            throw CLIError.invalidArguments("The database cannot be read from here and wp-config.php does not say the site's address; pass --url https://example.com.")
        }
        let remedy = try LoginLink(site: site).plan(command: CommandContext.commandLine, home: home, account: .recoveryMode,
                                                    lifetime: LoginCommand.lifetime(expires) ?? RecoveryLink.defaultLifetime)
        try present(context, site: site, changes: remedy.changes, url: remedy.facts.url, expires: remedy.facts.expires,
                    introduction: "The database cannot be read from here: this link has WordPress make its own recovery mode link when you open it. Valid until \(LoginCommand.clock(remedy.facts.expires)); it works once:",
                    notes: ["Then log in as an administrator: core pauses, for your browser only, each plugin or theme that fails, and wp-admin shows which."])
    }

    /// Applies the plan and shows the link once, on standard output (everything else goes to standard error).
    private func present(_ context: CommandContext, site: Site, changes: ChangePlan, url link: String, expires: Date, introduction: String, notes: [String]) throws {
        if global.dryRun {
            _ = try context.apply(changes, on: site)
            context.console.note("Dry run: no link was made.")
            return
        }
        let operation = try context.apply(changes, on: site)
        context.console.note(introduction)
        context.console.line(link)
        notes.forEach { context.console.note($0) }
        if let operation { context.console.note("To take the link back before it is used: wprescue undo   (operation \(operation))") }
        try context.console.emit(json: ["url": AnyEncodable(link), "expires": AnyEncodable(ISO8601DateFormatter().string(from: expires)),
                                        "operation": AnyEncodable(operation)])
    }
}
