import ArgumentParser
import Foundation
import WPRescueKit

struct HistoryCommand: SiteCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List what wprescue changed on this site, newest first, and what undo would revert."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also list each file or folder every operation touched.")
    var paths = false

    func execute(_ context: CommandContext) throws {
        let site = try context.site()
        let operations = try site.journal.history().reversed()
        let console = context.console
        if operations.isEmpty { console.line("No changes recorded for \(site.identity).") }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        for operation in operations {
            let steps = operation.status == .interrupted ? "\(operation.stepsDone)/\(operation.steps) steps" : "\(operation.steps) steps"
            console.line("\(operation.id)  \(formatter.string(from: operation.started))  \(operation.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0))  \(operation.summary) (\(steps))")
            console.detail("    command: wprescue \(operation.command)")
            if paths {
                for touched in operation.paths {
                    console.line("    " + touched.map { SitePath.relative($0, to: site.layout.root) }.joined(separator: " → "))
                }
            }
        }
        if operations.contains(where: { $0.status == .interrupted }) {
            console.line("An interrupted operation stopped partway; `wprescue undo` reverts exactly the steps that happened.")
        }
        let otherReleases = site.otherReleaseJournals()
        for other in otherReleases {
            console.line("Release \(other.release) of this deploy has its own journal: \(other.operations) operation\(other.operations == 1 ? "" : "s"), "
                         + "\(other.stillApplied) still applied; see it with: \(context.pasteableCommand(["history"], site: other.siteAddress))")
        }
        let damaged = try site.journal.damagedLines()
        if !damaged.isEmpty {
            console.note("wprescue: warning: \(damaged.count) line(s) of \(site.journal.state.journalFile) cannot be read (\(damaged.prefix(5).map(String.init).joined(separator: ", "))): a crash or a full disk cut them short; history and undo use the rest.")
        }
        try console.emit(json: ["site": AnyEncodable(site.identity), "operations": AnyEncodable(Array(operations)),
                                "damagedLines": AnyEncodable(damaged), "otherReleases": AnyEncodable(otherReleases)])
    }
}

/// Lets one JSON object mix value types.
struct AnyEncodable: Encodable {
    private let encodeValue: (Encoder) throws -> Void
    init<Value: Encodable>(_ value: Value) { encodeValue = value.encode }
    func encode(to encoder: Encoder) throws { try encodeValue(encoder) }
}
