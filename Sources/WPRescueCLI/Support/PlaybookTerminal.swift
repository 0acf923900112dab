import Foundation
import WPRescueKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a playbook run talks to the person: standard output in text mode, standard error
/// when standard output carries JSON. Colour only on a terminal (and never with NO_COLOR).
final class PlaybookTerminal {
    enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    let handle: FileHandle
    let colour: Bool
    /// Long lines from the playbooks are wrapped to this width.
    let width = 100

    init(toStandardError: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        handle = toStandardError ? .standardError : .standardOutput
        let descriptor = toStandardError ? STDERR_FILENO : STDOUT_FILENO
        colour = Console.allowsColour(on: descriptor, environment: environment)
    }

    func styled(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(TerminalText.inert(text))\u{1B}[0m" : TerminalText.inert(text)
    }

    func line(_ text: String = "") {
        handle.write(Data((TerminalText.inert(text, keepingColour: true) + "\n").utf8))
    }

    /// Writes without a newline (a prompt).
    func partial(_ text: String) {
        handle.write(Data(TerminalText.inert(text, keepingColour: true).utf8))
    }

    /// Text as the playbook wrote it, long lines wrapped at word boundaries, each line indented.
    func paragraph(_ text: String, indent: String = "") {
        for raw in TextLines.split(text) {
            for wrapped in Self.wrap(raw, width: width - indent.count) { line(indent + wrapped) }
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        guard text.count > width else { return [text] }
        let leading = String(text.prefix { $0 == " " })
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = leading + word
            } else {
                current = current.isEmpty ? leading + word : current + " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Outcomes that mean "good" are green, failures red, the rest yellow.
    func outcome(_ word: String) -> String {
        let good: Set = ["healthy", "ok", "valid", "enough", "done", "absent", "none", "resolved", "culprits-found", "not-broken",
                         "defined", "no-fatal-errors"]
        let bad: Set = ["failed", "invalid", "unresolved"]
        return styled(word, good.contains(word) ? .green : bad.contains(word) ? .red : .yellow)
    }
}

/// The run's environment on a real site and a real terminal: checks and actions go to the
/// Kit's `SitePlaybookTools`, questions to the person (or to --answers / --yes).
final class TerminalPlaybookEnvironment: PlaybookEnvironment {
    let tools: SitePlaybookTools
    let terminal: PlaybookTerminal
    let siteValues: [String: String]
    /// Where the scripted answers came from, for the line that shows one.
    let answersSource: String?
    /// Journal operations created so far, for the note when a run stops half way.
    private(set) var operations: [String] = []
    /// Where answers are typed; its prompts go where the run's text goes.
    private let input: Terminal

    init(tools: SitePlaybookTools, terminal: PlaybookTerminal, siteValues: [String: String], answersSource: String?,
         input: Terminal? = nil) {
        self.tools = tools
        self.terminal = terminal
        self.siteValues = siteValues
        self.answersSource = answersSource
        self.input = input ?? Terminal(write: { [terminal] in terminal.partial($0) })
    }

    func runCheck(_ check: PlaybookCheck, with parameters: PlaybookParameters) throws -> PlaybookStepResult {
        try tools.runCheck(check, with: parameters)
    }

    func perform(_ action: PlaybookAction, with parameters: PlaybookParameters) throws -> PlaybookStepResult {
        let result = try tools.perform(action, with: parameters)
        if let operation = result.values["operation"], !operation.isEmpty { operations.append(operation) }
        return result
    }

    func say(_ text: String) {
        terminal.line()
        terminal.paragraph(text)
    }

    func starting(_ step: PlaybookStep, description: String) {
        terminal.line()
        terminal.line(terminal.styled("▸ \(description)", .bold) + terminal.styled("   [\(step.id)]", .dim))
    }

    func show(_ result: PlaybookStepResult, of step: PlaybookStep) {
        for line in result.evidence { terminal.paragraph(line, indent: "  ") }
        terminal.line("  → " + terminal.outcome(result.outcome))
    }

    func answer(_ prompt: PlaybookPrompt, preset: PlaybookPresetAnswer?) throws -> Int {
        terminal.line()
        switch prompt.kind {
        case .question, .confirmation:
            // Wrapped before colouring, so the escape codes do not count towards the width.
            for (index, line) in TextLines.split("? " + prompt.text).flatMap({ PlaybookTerminal.wrap($0, width: terminal.width) }).enumerated() {
                terminal.line(index == 0 ? terminal.styled("?", .cyan) + String(line.dropFirst()) : line)
            }
        case .instruction:
            terminal.line(terminal.styled("Your turn:", .cyan))
            terminal.paragraph(prompt.text, indent: "  ")
        }
        for (index, choice) in prompt.choices.enumerated() {
            let number = index + 1
            terminal.line("  \(number)) \(choice)\(number == prompt.defaultChoice ? terminal.styled("  (default)", .dim) : "")")
        }
        switch preset {
        case .scripted(let choice)?:
            terminal.line("Choice: \(choice)" + terminal.styled("   (from \(answersSource ?? "the answers file"))", .dim))
            return choice
        case .defaulted(let choice)?:
            terminal.line("Choice: \(choice)" + terminal.styled("   (default, --yes)", .dim))
            return choice
        case nil:
            guard input.isInteractive else { throw PlaybookRunError.noAnswer(step: prompt.stepID, question: prompt.text) }
            guard let choice = input.choose(count: prompt.choices.count, defaultChoice: prompt.defaultChoice,
                                            prompt: "Choice [\(prompt.defaultChoice)]: ") else {
                throw PlaybookRunError.inputEnded(step: prompt.stepID)
            }
            return choice
        }
    }
}
