import ArgumentParser
import Foundation
import WPRescueKit

struct HtaccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "htaccess",
        abstract: "Show and check .htaccess, or write WordPress's own rewrite block again.",
        subcommands: [Show.self, Regenerate.self]
    )

    struct Show: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Print .htaccess and point out lines Apache would refuse.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let path = SitePath.join(site.layout.root, ".htaccess")
            guard try site.fileSystem.exists(path) else {
                context.console.line("No .htaccess in \(site.layout.root). On Apache, pretty permalinks need one: `wprescue htaccess regenerate`.")
                try context.console.emit(json: ["file": AnyEncodable(path), "exists": AnyEncodable(false)])
                return
            }
            let text = String(decoding: try site.fileSystem.readWhole(path, limit: 1 << 20), as: UTF8.self)
            let findings = HtaccessCheck.findings(in: text)
            let hasBlock = text.contains("# BEGIN WordPress") && text.contains("# END WordPress")
            context.console.line(text.hasSuffix("\n") ? String(text.dropLast()) : text)
            context.console.line("")
            if !hasBlock { context.console.line("No WordPress block (# BEGIN WordPress … # END WordPress): pretty permalinks will not work on Apache.") }
            for finding in findings { context.console.line("line \(finding.line): \(finding.problem)") }
            if findings.isEmpty && hasBlock { context.console.line("Looks plausible: every line is a known directive and sections are balanced.") }
            try context.console.emit(json: ["file": AnyEncodable(path), "exists": AnyEncodable(true), "contents": AnyEncodable(text),
                                            "hasWordPressBlock": AnyEncodable(hasBlock), "findings": AnyEncodable(findings)])
        }
    }

    struct Regenerate: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the block WordPress writes between # BEGIN WordPress and # END WordPress.",
            discussion: """
            Everything outside the markers stays unless --clean. RewriteBase comes from the home URL's path \
            (--url, the alias, or WP_HOME/WP_SITEURL; else /). Multisite rules follow MULTISITE and \
            SUBDOMAIN_INSTALL in wp-config.php unless --multisite says otherwise. --dry-run shows the diff.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "The site's home URL (for RewriteBase).") var url: String?
        @Option(name: .long, help: "subdirectory or subdomain: write the multisite rules.") var multisite: String?
        @Flag(name: .long, help: "Drop everything outside the WordPress block (a corrupt file you do not want to keep).")
        var clean = false

        func validate() throws {
            if let multisite, HtaccessRules.Multisite(rawValue: multisite) == nil {
                throw ValidationError("--multisite takes subdirectory or subdomain.")
            }
        }

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let path = SitePath.join(site.layout.root, ".htaccess")
            let config = try? SiteConfig.read(site)
            let home = url ?? context.alias?.url ?? config?.value(of: "WP_HOME")?.stringValue ?? config?.value(of: "WP_SITEURL")?.stringValue
            let homePath = home.map(HtaccessRules.homePath(fromURL:)) ?? "/"
            let network = multisite.flatMap(HtaccessRules.Multisite.init(rawValue:)) ?? Self.multisite(from: config)
            let existing = try site.fileSystem.exists(path)
                ? String(decoding: try site.fileSystem.readWhole(path, limit: 1 << 20), as: UTF8.self) : nil
            let updated = HtaccessRules.inserting(HtaccessRules.rules(homePath: homePath, multisite: network), into: existing, clean: clean)
            let console = context.console
            if home == nil { console.line("Home URL unknown: using RewriteBase / (pass --url if the site lives in a subfolder).") }
            guard updated != existing else {
                console.line(".htaccess already has WordPress's rules; nothing to change.")
                for finding in HtaccessCheck.findings(in: existing ?? "") {
                    console.line("But line \(finding.line) outside them: \(finding.problem). Use --clean to keep only WordPress's block (the old file stays in the journal).")
                }
                try console.emit(json: ["file": AnyEncodable(path), "changed": AnyEncodable(false), "operation": AnyEncodable(String?.none)])
                return
            }
            let diff = LineDiff.unified(from: existing ?? "", to: updated)
            if global.dryRun || global.verbose { diff.forEach { console.line($0) } }
            let plan = ChangePlan(command: CommandContext.commandLine,
                                  summary: existing == nil ? "Create .htaccess" : "Regenerate .htaccess\(clean ? " (clean)" : "")",
                                  changes: [.write(path: path, contents: Data(updated.utf8))])
            let operation = try context.apply(plan, on: site)
            if let operation {
                console.line("Wrote WordPress's rules\(network.map { " (multisite, \($0))" } ?? "") with RewriteBase \(homePath) to \(path). The old file is in the journal: wprescue undo   (operation \(operation))")
            }
            try console.emit(json: ["file": AnyEncodable(path), "changed": AnyEncodable(true), "operation": AnyEncodable(operation),
                                    "dryRun": AnyEncodable(global.dryRun), "diff": AnyEncodable(diff)])
        }

        static func multisite(from config: WPConfigFile?) -> HtaccessRules.Multisite? {
            guard config?.value(of: "MULTISITE")?.boolValue == true else { return nil }
            return config?.value(of: "SUBDOMAIN_INSTALL")?.boolValue == true ? .subdomain : .subdirectory
        }
    }
}
