import ArgumentParser
import WPRescueKit

struct UndoCommand: SiteCommand {
    /// Undo reverts the newest operation: a sweep made on opening the site would be that one.
    static let removesExpiredLoginHelpers = false
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert the latest change wprescue made (or all of them, newest first).",
        discussion: """
        Undo compares the files with what the journal recorded, so it also finishes the job after a crash \
        or a dropped connection. A file someone else changed since is left alone unless you pass --force.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Revert every change still applied, newest first.")
    var all = false

    @Option(name: .long, help: "Revert this operation (an id from `wprescue history`).")
    var operation: String?

    @Flag(name: .long, help: "Restore wprescue's backups even over files changed by someone else since.")
    var force = false

    func validate() throws {
        if all && operation != nil { throw ValidationError("--all and --operation do not go together.") }
    }

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        // Steps that changed the database (a password, a lockout) are undone there: connect when one needs it.
        site.journal.openDatabase = { try SiteDatabase.connectForChanges(context, site: site).0 }
        let console = context.console
        let pending: [OperationSummary]
        if let operation {
            guard let found = try site.journal.history().first(where: { $0.id == operation }) else {
                throw JournalError.unknownOperation(operation)
            }
            pending = found.status == .undone ? [] : [found]
        } else {
            pending = try site.journal.pendingUndo(all: all)
        }
        guard !pending.isEmpty else {
            // After a deploy, the changes made to the release that was live are in its own journal.
            if operation == nil, let live = site.deployRelease,
               let earlier = site.otherReleaseJournals().first(where: { $0.stillApplied > 0 }) {
                throw CLIError.nothingToUndoInRelease(release: live.name, other: earlier.release, stillApplied: earlier.stillApplied,
                                                      command: context.pasteableCommand(["undo"] + (all ? ["--all"] : []), site: earlier.siteAddress))
            }
            throw JournalError.nothingToUndo
        }
        for item in pending { console.line("\(global.dryRun ? "would undo" : "undo") \(item.id): \(item.summary)") }
        if global.dryRun {
            try console.emit(json: ["dryRun": AnyEncodable(true), "undone": AnyEncodable(pending)])
            return
        }
        if pending.count > 1, !(try context.terminal.confirm("Undo these \(pending.count) operations?", assumeYes: global.yes)) {
            throw CLIError.declined
        }
        var undone: [OperationSummary] = []
        for item in pending {
            undone.append(try site.journal.undo(operation: item.id, force: force))
        }
        console.line("Reverted \(undone.count) operation\(undone.count == 1 ? "" : "s"); the site's files are as they were before.")
        try console.emit(json: ["dryRun": AnyEncodable(false), "undone": AnyEncodable(undone)])
    }
}
