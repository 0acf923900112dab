/// What a check or action found: one outcome word, lines of evidence for the person, and
/// named values later steps can quote (`{{log.plugin}}`).
public struct PlaybookStepResult: Sendable, Equatable {
    public var outcome: String
    public var evidence: [String]
    public var values: [String: String]

    public init(outcome: String, evidence: [String] = [], values: [String: String] = [:]) {
        self.outcome = outcome
        self.evidence = evidence
        self.values = values
    }
}

/// A question put to the person: an `ask`, an `instruct` (done or skip) or a `do` step's `confirm`.
public struct PlaybookPrompt: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case question, instruction, confirmation
    }

    public var stepID: String
    public var kind: Kind
    public var text: String
    public var choices: [String]
    /// 1-based.
    public var defaultChoice: Int

    public init(stepID: String, kind: Kind, text: String, choices: [String], defaultChoice: Int) {
        self.stepID = stepID
        self.kind = kind
        self.text = text
        self.choices = choices
        self.defaultChoice = defaultChoice
    }
}

/// An answer decided before asking: from the answers file, or the default under --yes.
public enum PlaybookPresetAnswer: Sendable, Equatable {
    case scripted(Int)
    case defaulted(Int)

    public var choice: Int {
        switch self {
        case .scripted(let choice), .defaulted(let choice): return choice
        }
    }
}

/// Everything a run does outside the engine: looking at and changing the site, and talking to
/// the person. The engine decides what happens next; the environment does it. Tests give the
/// engine a scripted environment; `wprescue playbook run` gives it the site and the terminal.
public protocol PlaybookEnvironment: AnyObject {
    /// Values for `{{site.root}}` and `{{site.url}}`.
    var siteValues: [String: String] { get }

    /// Runs a built-in check; throws when it cannot run at all.
    func runCheck(_ check: PlaybookCheck, with parameters: PlaybookParameters) throws -> PlaybookStepResult

    /// Carries out a built-in action through the journal; throws when it fails (having changed nothing).
    func perform(_ action: PlaybookAction, with parameters: PlaybookParameters) throws -> PlaybookStepResult

    /// Text for the person.
    func say(_ text: String)

    /// Called before a check or action starts (some take a while).
    func starting(_ step: PlaybookStep, description: String)

    /// What a check or action found, shown before anything is asked about it.
    func show(_ result: PlaybookStepResult, of step: PlaybookStep)

    /// Puts a question and returns the chosen number (1-based). With a preset answer it shows the
    /// question and that answer; without one it asks the person, or throws when nobody can answer.
    func answer(_ prompt: PlaybookPrompt, preset: PlaybookPresetAnswer?) throws -> Int
}

/// Answers decided before the run: --answers FILE, and --yes for the rest.
public struct PlaybookAnswers: Sendable, Equatable {
    /// Step id → 1-based choice (for yes/no prompts, 1 is yes or done, 2 is no or skip).
    public var scripted: [String: Int]
    /// --yes: take each default the script does not cover.
    public var takeDefaults: Bool

    public init(scripted: [String: Int] = [:], takeDefaults: Bool = false) {
        self.scripted = scripted
        self.takeDefaults = takeDefaults
    }

    func preset(for prompt: PlaybookPrompt) -> PlaybookPresetAnswer? {
        if let choice = scripted[prompt.stepID] { return .scripted(choice) }
        return takeDefaults ? .defaulted(prompt.defaultChoice) : nil
    }
}
