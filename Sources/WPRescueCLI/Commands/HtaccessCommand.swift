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
            let path = RegenerateHtaccess.path(in: site.layout)
            guard try site.fileSystem.exists(path) else {
                context.console.line("No .htaccess in \(site.layout.root). On Apache, pretty permalinks need one: `wprescue htaccess regenerate`.")
                try context.console.emit(json: ["file": AnyEncodable(path), "exists": AnyEncodable(false)])
                return
            }
            let text = String(decoding: try site.fileSystem.readWhole(path, limit: 1 << 20), as: UTF8.self)
            let findings = HtaccessCheck.findings(in: text)
            let hasBlock = HtaccessCheck.hasWordPressBlock(text)
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
            Everything outside the markers stays unless --clean; --turn-off-refused also turns the lines \
            Apache would refuse into comments, keeping auth and deny rules. RewriteBase comes from the home URL's path \
            (--url, the alias, or WP_HOME/WP_SITEURL; else /). Multisite rules follow MULTISITE and \
            SUBDOMAIN_INSTALL in wp-config.php unless --multisite says otherwise. --dry-run shows the diff.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "The site's home URL (for RewriteBase).") var url: String?
        @Option(name: .long, help: "subdirectory or subdomain: write the multisite rules.") var multisite: String?
        @Flag(name: .long, help: "Drop everything outside the WordPress block (a corrupt file you do not want to keep).")
        var clean = false
        @Flag(name: .long, help: "Turn the lines Apache would refuse into comments and keep every other line.")
        var turnOffRefused = false

        func validate() throws {
            if clean && turnOffRefused { throw ValidationError("--clean drops every line outside WordPress's block; --turn-off-refused keeps them: choose one.") }
            if let multisite, HtaccessRules.Multisite(rawValue: multisite) == nil {
                throw ValidationError("--multisite takes subdirectory or subdomain.")
            }
        }

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let remedy = try RegenerateHtaccess(site: site, parameters: .init(
                home: url ?? context.alias?.url, multisite: multisite.flatMap(HtaccessRules.Multisite.init(rawValue:)), clean: clean,
                disableRefusedLines: turnOffRefused
            )).plan(command: CommandContext.commandLine)
            let facts = remedy.facts, console = context.console
            guard facts.changed else {
                remedy.notes.forEach { console.line($0) }
                try console.emit(json: ["file": AnyEncodable(facts.path), "changed": AnyEncodable(false), "operation": AnyEncodable(String?.none)])
                return
            }
            let diff = LineDiff.unified(from: facts.existing ?? "", to: facts.updated)
            if global.dryRun || global.verbose { diff.forEach { console.line($0) } }
            let operation = try context.apply(remedy.changes, on: site)
            if let operation {
                console.line("Wrote \(facts.path). Undo with: wprescue undo   (operation \(operation))")
                remedy.notes.forEach { console.line($0) }
            }
            try console.emit(json: ["file": AnyEncodable(facts.path), "changed": AnyEncodable(true), "operation": AnyEncodable(operation),
                                    "dryRun": AnyEncodable(global.dryRun), "diff": AnyEncodable(diff)])
        }
    }
}
