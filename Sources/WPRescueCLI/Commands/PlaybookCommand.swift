import ArgumentParser
import Foundation
import WPRescueKit

struct PlaybookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playbook",
        abstract: "Guided fixes, one per symptom: list them, read one, run one step by step.",
        discussion: """
        A playbook checks the site, explains what it finds, asks before it changes anything, and tells you \
        what only you can do (restart PHP-FPM in the hosting panel, pause the CDN). Every change is journaled: \
        `wprescue undo --all` reverts a whole run. Playbooks are YAML files (playbooks/README.md describes the \
        format); --playbooks DIR uses your own folder.
        """,
        subcommands: [List.self, Show.self, Run.self]
    )

    struct Folder: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The folder of playbooks (default: the one installed with wprescue).", valueName: "dir"))
        var playbooks: String?

        func library() throws -> PlaybookLibrary {
            let explicit = playbooks.map { $0.hasPrefix("/") ? $0 : SitePath.join(FileManager.default.currentDirectoryPath, $0) }
            return try PlaybookLibrary.locate(explicit: explicit, executablePaths: PlaybookLibrary.executablePaths())
        }
    }

    /// For subcommands that need no site: one line on standard error and exit 1 on failure.
    static func guarded(_ global: GlobalOptions, _ body: (Console) throws -> Void) throws {
        let console = Console(format: global.format, verbose: global.verbose)
        do {
            try body(console)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            console.error(error.localizedDescription)
            throw ExitCode.failure
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The playbooks: name, title and the symptom each one is for.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var folder: Folder

        struct Entry: Encodable {
            var name: String
            var title: String
            var symptom: String
            var steps: Int
        }

        func run() throws {
            try PlaybookCommand.guarded(global) { console in
                let library = try folder.library()
                var entries: [Entry] = []
                var problems: [[String: String]] = []
                for (name, loaded) in try library.loadAll() {
                    switch loaded {
                    case .success(let playbook):
                        entries.append(Entry(name: name, title: playbook.title, symptom: playbook.symptom, steps: playbook.steps.count))
                    case .failure(let error):
                        problems.append(["name": name, "error": error.localizedDescription])
                        console.error(error.localizedDescription)
                    }
                }
                console.table(["NAME", "TITLE", "SYMPTOM"], entries.map { [$0.name, $0.title, $0.symptom] })
                if entries.isEmpty && problems.isEmpty { console.line("(no playbooks in \(library.folder))") }
                console.detail("From \(library.folder).")
                try console.emit(json: ["folder": AnyEncodable(library.folder), "playbooks": AnyEncodable(entries),
                                        "invalid": AnyEncodable(problems)])
                if !problems.isEmpty { throw ExitCode.failure }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a playbook's steps, its branches and what each check and action does.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var folder: Folder
        @Argument(help: "The playbook's name (see `playbook list`), or a .yml file.") var name: String

        func run() throws {
            try PlaybookCommand.guarded(global) { console in
                let playbook = try (name.contains("/") ? PlaybookLibrary(folder: ".") : folder.library()).load(name)
                console.line("\(playbook.name): \(playbook.title)")
                console.line("Symptom: \(playbook.symptom)")
                console.line("File: \(playbook.file)")
                for (index, step) in playbook.steps.enumerated() {
                    console.line("")
                    for line in PlaybookCommand.describe(step, number: index + 1, in: playbook) { console.line(line) }
                }
                try console.emit(json: PlaybookJSON(playbook))
            }
        }
    }

    struct Run: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a playbook against the site, asking before each change.",
            discussion: """
            On a terminal, answer each question by its number (Enter takes the default). --yes takes every default \
            and confirms every instruction; --answers FILE scripts the answers (a YAML or JSON map of step id to a \
            choice number, or yes/no). Exit status: 0 when the run ends with the site fixed, 2 when it ends with the \
            site still broken or the fix handed to someone else, 1 when the run could not go on.
            """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var probe: ProbeOptions
        @OptionGroup var folder: Folder
        @Argument(help: "The playbook's name (see `playbook list`), or a .yml file.") var name: String

        @Option(name: .long, help: ArgumentHelp("Scripted answers: a YAML or JSON map of step id to choice number or yes/no.", valueName: "file"))
        var answers: String?

        @OptionGroup var timing: SearchTimingOptions

        func execute(_ context: CommandContext) throws {
            let console = context.console
            let playbook = try (name.contains("/") ? PlaybookLibrary(folder: ".") : folder.library()).load(name)
            var presets = PlaybookAnswers(takeDefaults: global.yes)
            if let answers {
                let text: String
                do {
                    text = try String(contentsOfFile: answers, encoding: .utf8)
                } catch {
                    throw PlaybookFileError(file: answers, line: 1, problem: .unreadable("no such file, or not UTF-8 text"))
                }
                presets = try PlaybookAnswers.parse(text, file: answers, for: playbook, takeDefaults: global.yes)
            }
            let site = try context.site()
            // Only a playbook that probes needs an address; it fails at that step, with the reason.
            let pages = (try? probe.pages(context: context)) ?? []
            let home = context.alias?.url ?? (try? SiteURLs.home(of: site))
            var options = SitePlaybookTools.Options()
            options.dryRun = global.dryRun
            options.command = CommandContext.commandLine
            options.settle = timing.settle
            options.confirmDelays = timing.confirmDelays
            let tools = SitePlaybookTools(site: site, prober: probe.prober(), pages: pages, home: home,
                                          debugMemory: DebugSnapshotStore(state: site.journal.state), options: options,
                                          recentSuspects: { SiteBisection.recentlyChanged($0) })
            let terminal = PlaybookTerminal(toStandardError: console.isJSON)
            tools.progress = { terminal.line("    " + $0) }
            tools.database = { let (database, credentials) = try SiteDatabase.connectForChanges(context, site: site); return (database, credentials.tablePrefix) }
            let environment = TerminalPlaybookEnvironment(
                tools: tools, terminal: terminal,
                siteValues: ["root": site.layout.root, "url": home ?? pages.first ?? "(unknown)"], answersSource: answers)

            terminal.line(terminal.styled("\(playbook.title)", .bold) + terminal.styled("   (playbook \(playbook.name))", .dim))
            terminal.line("For: \(playbook.symptom)")
            terminal.line("Site: \(site.layout.root)\(pages.isEmpty ? "" : "   pages: \(pages.joined(separator: ", "))")")
            if global.dryRun { terminal.line(terminal.styled("Dry run: nothing will be changed.", .yellow)) }

            let record: PlaybookEngine.Record
            do {
                record = try PlaybookEngine(playbook: playbook, environment: environment, answers: presets).run()
            } catch {
                if !environment.operations.isEmpty {
                    console.note("Changes made before the run stopped stay in place: operations \(environment.operations.joined(separator: ", ")). "
                        + "`wprescue history` lists them; `wprescue undo` reverts the latest, `wprescue undo --all` all of them.")
                }
                throw error
            }

            terminal.line()
            let status = terminal.outcome(record.status.rawValue)
            terminal.line(terminal.styled("Result: ", .bold) + status)
            terminal.paragraph(record.summary)
            if !record.operations.isEmpty {
                terminal.line()
                terminal.paragraph("Changed the site in \(record.operations.count) journaled operation\(record.operations.count == 1 ? "" : "s") "
                    + "(\(record.operations.joined(separator: ", "))). `wprescue history` lists them; "
                    + "`wprescue undo` reverts the latest, `wprescue undo --all` all of them.")
            }
            try console.emit(json: RunJSON(playbook: playbook.name, status: record.status.rawValue, summary: record.summary,
                                           end: record.endStep, dryRun: global.dryRun, operations: record.operations, steps: record.entries))
            if record.status != .resolved { throw ExitCode(2) }
        }
    }

    /// `playbook run --format json`.
    struct RunJSON: Encodable {
        var playbook: String
        var status: String
        var summary: String
        var end: String
        var dryRun: Bool
        var operations: [String]
        var steps: [PlaybookEngine.Entry]
    }

    // MARK: - show

    static func describe(_ step: PlaybookStep, number: Int, in playbook: Playbook) -> [String] {
        let label = step.id.hasPrefix("#") ? "" : " [\(step.id)]"
        let head = String(format: "%2d.", number) + label + "  (line \(step.line))"
        var lines: [String] = []
        func text(_ body: String) {
            for line in TextLines.split(body) { lines += PlaybookTerminal.wrap(line, width: 94).map { "      " + $0 } }
        }
        func branches(_ on: [PlaybookBranch], outcomes: [String]) {
            for branch in on { lines.append("      \(branch.outcome) → \(branch.target)") }
            let unmapped = outcomes.filter { outcome in !on.contains { $0.outcome == outcome } }
            if !unmapped.isEmpty, on.count > 0 { lines.append("      otherwise → \(step.next ?? "the next step")") }
        }
        func parameters(_ parameters: PlaybookParameters) -> String {
            guard !parameters.values.isEmpty else { return "" }
            let shown = parameters.values.sorted { $0.key < $1.key }.map { name, value -> String in
                switch value {
                case .text(let text): return "\(name): \(text)"
                case .list(let items): return "\(name): [\(items.joined(separator: ", "))]"
                case .flag(let flag): return "\(name): \(flag)"
                }
            }
            return " (" + shown.joined(separator: ", ") + ")"
        }
        switch step.kind {
        case .say(let said):
            lines.append(head + "  say:")
            text(said)
        case .check(let check, let given, let on):
            lines.append(head + "  check \(check.rawValue)\(parameters(given)): \(check.summary)")
            branches(on, outcomes: check.outcomes)
        case .ask(let question, let choices, let defaultChoice):
            lines.append(head + "  ask:")
            text(question)
            for (index, choice) in choices.enumerated() {
                lines.append("      \(index + 1)) \(choice.label)\(index + 1 == defaultChoice ? " (default)" : "")\(choice.goto.map { " → \($0)" } ?? "")")
            }
        case .act(let action, let given, let confirm, let on):
            lines.append(head + "  do \(action.rawValue)\(parameters(given)): \(action.summary)")
            if let confirm { lines.append("      asks first: \(confirm)") }
            branches(on, outcomes: action.outcomes)
        case .instruct(let instruction, let on):
            lines.append(head + "  instruct (you do this, then confirm):")
            text(instruction)
            branches(on, outcomes: PlaybookInstruction.outcomes)
        case .goto(let target):
            lines.append(head + "  goto \(target)")
        case .end(let summary, let status):
            lines.append(head + "  end (\(status.rawValue)):")
            text(summary)
        }
        if let next = step.next, step.branches.isEmpty { lines.append("      then → \(next)") }
        return lines
    }

    /// `playbook show --format json`.
    struct PlaybookJSON: Encodable {
        struct Step: Encodable {
            var id: String
            var kind: String
            var line: Int
            var text: String?
            var check: String?
            var action: String?
            var with: [String: String]?
            var on: [String: String]?
            var choices: [String]?
            var defaultChoice: Int?
            var next: String?
            var status: String?
        }

        var name: String
        var title: String
        var symptom: String
        var file: String
        var steps: [Step]

        init(_ playbook: Playbook) {
            name = playbook.name
            title = playbook.title
            symptom = playbook.symptom
            file = playbook.file
            steps = playbook.steps.map { step in
                var entry = Step(id: step.id, kind: step.keyword, line: step.line, next: step.next)
                func flatten(_ parameters: PlaybookParameters) -> [String: String]? {
                    guard !parameters.values.isEmpty else { return nil }
                    return parameters.values.mapValues { value in
                        switch value {
                        case .text(let text): return text
                        case .list(let items): return items.joined(separator: ", ")
                        case .flag(let flag): return flag ? "true" : "false"
                        }
                    }
                }
                let branches = step.branches.isEmpty ? nil : Dictionary(step.branches.map { ($0.outcome, $0.target) }) { first, _ in first }
                switch step.kind {
                case .say(let text): entry.text = text
                case .check(let check, let parameters, _):
                    entry.check = check.rawValue
                    entry.with = flatten(parameters)
                    entry.on = branches
                case .ask(let question, let choices, let defaultChoice):
                    entry.text = question
                    entry.choices = choices.map(\.label)
                    entry.defaultChoice = defaultChoice
                case .act(let action, let parameters, let confirm, _):
                    entry.action = action.rawValue
                    entry.with = flatten(parameters)
                    entry.text = confirm
                    entry.on = branches
                case .instruct(let text, _):
                    entry.text = text
                    entry.on = branches
                case .goto(let target): entry.next = target
                case .end(let text, let status):
                    entry.text = text
                    entry.status = status.rawValue
                }
                return entry
            }
        }
    }
}
