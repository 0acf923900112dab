import ArgumentParser
import Foundation
import WPRescueHTTP
import WPRescueKit

struct CoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Check WordPress core against WordPress.org's checksums, and restore damaged files.",
        discussion: """
        The version and locale come from wp-includes/version.php (read, never run). Checksums and \
        release archives come from $WPRESCUE_WPORG_API (default https://api.wordpress.org) and \
        $WPRESCUE_WPORG_DOWNLOADS (default https://downloads.wordpress.org), and are cached in your \
        state folder. Over SFTP every file is read, several connections at once.
        """,
        subcommands: [Verify.self, Repair.self]
    )

    struct ReleaseOptions: ParsableArguments {
        @Option(name: .long, help: "The WordPress version, when wp-includes/version.php cannot say.")
        var version: String?

        @Option(name: .long, help: "With --version: the locale of the release (default en_US).")
        var locale: String = "en_US"

        @Option(name: .long, help: "How many connections read at once (SFTP: SSH logins).")
        var parallel: Int = 4

        func validate() throws {
            if let version, !CoreRelease.isPlainName(version) { throw ValidationError("'\(version)' is not a WordPress version.") }
            if !CoreRelease.isPlainName(locale) { throw ValidationError("'\(locale)' is not a locale.") }
            if !(1...16).contains(parallel) { throw ValidationError("--parallel takes 1 to 16.") }
        }

        var release: CoreRelease? { version.map { CoreRelease(version: $0, locale: locale) } }
    }

    struct Verify: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare every core file with WordPress.org's checksums: modified, missing and unexpected files.",
            discussion: "Exit status 2 when anything differs.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var release: ReleaseOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let report = try CoreIntegrity.verify(site, wordPressOrg: try CoreCommand.wordPressOrg(), release: release.release,
                                                  width: release.parallel)
            CoreCommand.show(report, console: context.console)
            if !report.result.isClean {
                context.console.line("Fix with: \(context.pasteableCommand(["core", "repair"]))\(report.result.unexpected.isEmpty ? "" : " (add --quarantine-unexpected to move the unexpected files out of the way)")")
            }
            try context.console.emit(json: report)
            if !report.result.isClean { throw ExitCode(2) }
        }
    }

    struct Repair: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore modified and missing core files from the release archive (journaled; undo puts the damaged files back).",
            discussion: "Files that are not part of WordPress are listed, and moved to wp-content/wprescue-quarantine/files/ only with --quarantine-unexpected.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var release: ReleaseOptions

        @Flag(name: .long, help: "Move files that are not part of WordPress out of the way (renamed so PHP no longer runs them; never deleted).")
        var quarantineUnexpected = false

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let (report, planned) = try RepairCore.verifyAndPlan(site, wordPressOrg: try CoreCommand.wordPressOrg(), release: release.release,
                                                                 width: release.parallel, quarantineUnexpected: quarantineUnexpected,
                                                                 command: CommandContext.commandLine)
            CoreCommand.show(report, console: context.console)
            var operation: String?
            let facts = planned?.facts
            if let remedy = planned {
                operation = try context.apply(remedy.changes, on: site)
                if operation != nil || remedy.changes.isEmpty { remedy.notes.forEach { context.console.line($0) } }
                if let operation { context.console.line("Undo with: wprescue undo   (operation \(operation))") }
            } else if !report.result.unexpected.isEmpty {
                context.console.line("Nothing to restore. The files above are not part of WordPress and stay where they are; look at them, then add --quarantine-unexpected to move them out of the way.")
            }
            try context.console.emit(json: RepairOutput(operation: operation, dryRun: global.dryRun, release: report.release,
                                                        restored: facts?.restored ?? [], created: facts?.created ?? [],
                                                        quarantined: facts?.quarantined ?? [], unexpected: facts?.unexpected ?? [],
                                                        skipped: facts?.skipped ?? []))
        }
    }

    struct RepairOutput: Encodable {
        var operation: String?
        var dryRun: Bool
        var release: CoreRelease
        var restored, created, quarantined, unexpected, skipped: [String]
    }

    static func wordPressOrg() throws -> WordPressOrg { try WordPressOrg(fetcher: CurlPageFetcher()) }

    /// Diagnose's findings from WordPress.org's checksums: core, then each plugin; when they
    /// cannot be reached, one finding that says so.
    static func findings(_ site: Site) -> [Finding] {
        do {
            let wordPressOrg = try wordPressOrg()
            var findings = IntegrityFindings.findings(from: try CoreIntegrity.verify(site, wordPressOrg: wordPressOrg))
            for plugin in try site.catalog.extensions(of: .plugin) where plugin.state == .enabled {
                guard let result = try? PluginIntegrity.verify(plugin, fileSystem: site.fileSystem, wordPressOrg: wordPressOrg, strict: false) else { continue }
                findings += IntegrityFindings.findings(from: result)
            }
            return findings
        } catch {
            return [Finding(id: .coreUnverified, severity: .info, summary: "Core files were not compared with WordPress.org's checksums",
                            evidence: [error.localizedDescription], fix: "wprescue core verify")]
        }
    }

    /// Rescue's core step: the repair plan, or nil when core matches the release. Unexpected
    /// files are left where they are (rescue reports them; `core repair --quarantine-unexpected` moves them).
    static func planRepair(_ site: Site, command: String) throws -> RemedyPlan<RepairCore.Facts>? {
        try RepairCore.verifyAndPlan(site, wordPressOrg: try wordPressOrg(), command: command).plan
    }

    static func show(_ report: CoreIntegrity.Report, console: Console) {
        let result = report.result
        console.line("WordPress \(report.release.version) (\(report.release.locale)): \(result.filesChecked) core files compared by \(result.digest) in \(String(format: "%.1f", result.seconds)) s, \(describe(bytes: result.bytesRead)) read\(result.networkBytes.map { ", \(describe(bytes: $0)) received over SSH with \(result.readers) connection\(result.readers == 1 ? "" : "s")" } ?? "").")
        show(result, console: console)
        if result.isClean { console.line("Every core file matches the release.") }
    }

    static func show(_ result: TreeVerification.Report, console: Console, indent: String = "") {
        var rows: [[String]] = []
        for entry in result.modified {
            rows.append(["\(indent)modified", entry.path, entry.detail])
            rows += entry.injected.map { ["", "", "line \($0.line): \($0.pattern)"] }
        }
        rows += result.missing.map { ["\(indent)missing", $0, ""] }
        for entry in result.unexpected {
            rows.append(["\(indent)unexpected", entry.path, entry.detail])
            rows += entry.injected.map { ["", "", "line \($0.line): \($0.pattern)"] }
        }
        if !rows.isEmpty { console.table(["\(indent)state", "file", "detail"], rows) }
    }

    static func describe(bytes: UInt64) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : bytes >= 1024 ? String(format: "%.1f KiB", Double(bytes) / 1024) : "\(bytes) bytes"
    }
}
