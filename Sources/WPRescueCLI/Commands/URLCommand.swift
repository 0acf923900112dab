import ArgumentParser
import Foundation
import WPRescueHTTP
import WPRescueKit

struct URLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url",
        abstract: "Compare the site's address (home, siteurl) with what the server answers, and set it.",
        subcommands: [Show.self, SetAddress.self]
    )

    struct Show: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare home/siteurl (wp-config.php and the database) with what the server answers, and say what is wrong in one line.",
            discussion: """
            Follows the redirects of the home page, wp-login.php and wp-admin one hop at a time, looks \
            where the login form sends the password and which cookie wp-login.php sets. Exit status 2 \
            when the address is why logins fail or loop.
            """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var probe: ProbeOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let opened = SiteDatabase.open(context, site: site)
            let settings = try SiteAddressSettings.read(site: site, database: opened?.database, tablePrefix: opened?.credentials.tablePrefix ?? "wp_")
            guard let visitor = probe.url.first ?? context.alias?.url ?? settings.home else {
                throw CLIError.invalidArguments("The site's address is neither in wp-config.php nor in a database reachable from here; pass --url https://example.com.")
            }
            let observed = SiteAddressObservation.observe(visitorURL: try ProbeOptions.web(visitor, from: probe.url.isEmpty ? "the site's home address" : "--url"), fetcher: CurlPageFetcher(),
                                                          resolve: probe.resolve, timeout: probe.timeout, verifyTLS: !probe.insecure)
            let verdict = SiteAddressCheck.judge(settings, observed: observed)
            let console = context.console
            func source(_ constant: String?, _ option: String?, _ name: String, _ constantName: String) -> String {
                let optionText = settings.optionsRead ? (option ?? "(missing)") : "(database not reachable)"
                if let constant { return "\(constant)   (\(constantName) in wp-config.php; the \(name) option: \(optionText))" }
                return "\(optionText)   (the \(name) option; \(constantName) not set)"
            }
            func chain(_ chain: SiteAddressObservation.Chain) -> String {
                chain.hops.map { hop in
                    hop.url + " " + (hop.status.map(String.init) ?? (hop.failure ?? "no reply"))
                }.joined(separator: " → ") + (chain.loops ? " → … (loop)" : "")
            }
            let rows = [
                ("home", source(settings.homeConstant, settings.homeOption, "home", "WP_HOME")),
                ("siteurl", source(settings.siteURLConstant, settings.siteURLOption, "siteurl", "WP_SITEURL")),
                ("home page", chain(observed.homePage)),
                ("wp-login.php", chain(observed.loginPage)),
                ("login form", "posts to " + (observed.loginFormAction ?? "(not found)") + (observed.loginFormTarget.map { ": " + chain($0) } ?? "")),
                ("wp-admin", chain(observed.admin)),
                ("cookie", "path \(observed.cookiePaths.isEmpty ? "(none seen)" : observed.cookiePaths.joined(separator: ", ")), domain \(observed.cookieDomain ?? "(the host)")"),
            ]
            for (label, text) in rows { console.line(label.padding(toLength: 14, withPad: " ", startingAt: 0) + TerminalText.inert(text)) }
            verdict.notes.forEach { console.line(TerminalText.inert($0)) }
            console.line(TerminalText.inert(verdict.explanation))
            try console.emit(json: ["settings": AnyEncodable(settings), "observed": AnyEncodable(observed),
                                    "problem": AnyEncodable(verdict.problem?.rawValue), "explanation": AnyEncodable(verdict.explanation),
                                    "fix": AnyEncodable(verdict.fixArguments.map { context.pasteableCommand($0) }), "notes": AnyEncodable(verdict.notes)])
            if verdict.problem != nil { throw ExitCode(2) }
        }
    }

    struct SetAddress: SiteCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the site's address (home and siteurl, or one of them), where WordPress reads it; undo puts the old one back.",
            discussion: """
            By default each address is changed where it is in effect: WP_HOME/WP_SITEURL when wp-config.php \
            defines them (the option would change nothing), else the home/siteurl options (what Settings → \
            General edits, so that screen keeps working), and the constants when the database cannot be \
            reached from here. --in config or --in database chooses.
            """
        )
        @OptionGroup var global: GlobalOptions

        @Argument(help: "The address, e.g. https://example.com or https://example.com/blog.")
        var url: String

        @Option(help: "Set only this one: home or siteurl.")
        var only: SetSiteAddress.Field?

        @Option(name: .customLong("in"), help: "Where to write it: config (WP_HOME/WP_SITEURL in wp-config.php) or database (the options).")
        var place: SetSiteAddress.Place?

        func validate() throws {
            do { _ = try SetSiteAddress.normalized(url) } catch { throw ValidationError(error.localizedDescription) }
        }

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let opened = place == .config ? nil : SiteDatabase.open(context, site: site, timeoutSeconds: 5)
            let prefix = opened?.credentials.tablePrefix ?? "wp_"
            let settings = try SiteAddressSettings.read(site: site, database: opened?.database, tablePrefix: prefix)
            let remedy = try SetSiteAddress(site: site, tablePrefix: prefix)
                .plan(command: CommandContext.commandLine, url: url, fields: only.map { [$0] } ?? SetSiteAddress.Field.allCases,
                      place: place, settings: settings)
            if let opened { site.journal.openDatabase = { opened.database } }
            let operation = try context.apply(remedy.changes, on: site)
            if !global.dryRun { remedy.facts.changed.forEach { context.console.line(TerminalText.inert($0.line)) } }
            if global.dryRun && !remedy.isEmpty {
                context.console.note("Dry run: nothing was changed.")
            } else {
                remedy.notes.forEach { context.console.line(TerminalText.inert($0)) }
            }
            if let operation { context.console.line("Undo with: wprescue undo   (operation \(operation))") }
            try context.console.emit(json: ["operation": AnyEncodable(operation), "url": AnyEncodable(remedy.facts.url),
                                            "changed": AnyEncodable(remedy.facts.changed), "dryRun": AnyEncodable(global.dryRun)])
        }
    }
}

extension SetSiteAddress.Field: ExpressibleByArgument {}
extension SetSiteAddress.Place: ExpressibleByArgument {}
