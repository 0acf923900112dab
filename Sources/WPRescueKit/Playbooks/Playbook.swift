/// A guided fix for one symptom, read from `playbooks/<name>.yml` (format in playbooks/README.md).
///
/// A playbook is a list of steps run from the top. Each step either continues with the step
/// after it (or its `next`), or jumps: a check or action by its outcome (`on:`), a question
/// by the chosen answer, `goto` always. `end` stops with a summary and a status.
public struct Playbook: Sendable {
    /// The file name without `.yml`: what `wprescue playbook run NAME` takes.
    public var name: String
    public var title: String
    /// What the person sees that brings them here, in their words.
    public var symptom: String
    /// The file it was read from, for messages.
    public var file: String
    public var steps: [PlaybookStep]

    public init(name: String, title: String, symptom: String, file: String, steps: [PlaybookStep]) {
        self.name = name
        self.title = title
        self.symptom = symptom
        self.file = file
        self.steps = steps
    }

    public func index(of id: String) -> Int? {
        steps.firstIndex { $0.id == id }
    }

    public func step(_ id: String) -> PlaybookStep? {
        index(of: id).map { steps[$0] }
    }
}

public struct PlaybookStep: Sendable {
    /// The `id:` given in the file, or `step-N` (N from 1) for a step nobody refers to.
    public var id: String
    /// The line of the step in its file.
    public var line: Int
    public var kind: Kind
    /// Where to continue when nothing else decides; nil means the step after this one.
    public var next: String?

    public enum Kind: Sendable {
        /// Text for the person.
        case say(String)
        /// A built-in check; `on` maps its outcome to a step.
        case check(PlaybookCheck, parameters: PlaybookParameters, on: [PlaybookBranch])
        /// A question with numbered choices; each choice may jump.
        case ask(String, choices: [PlaybookChoice], defaultChoice: Int)
        /// A built-in action, journaled; `confirm` asks first.
        case act(PlaybookAction, parameters: PlaybookParameters, confirm: String?, on: [PlaybookBranch])
        /// Something only the person can do (restart PHP-FPM in the hosting panel, pause the CDN);
        /// they confirm it is done (`done`) or skip it (`skipped`).
        case instruct(String, on: [PlaybookBranch])
        case goto(String)
        case end(String, status: PlaybookEndStatus)
    }

    public init(id: String, line: Int, kind: Kind, next: String? = nil) {
        self.id = id
        self.line = line
        self.kind = kind
        self.next = next
    }

    /// The step kind as written in the file (`say`, `check`, `ask`, `do`, `instruct`, `goto`, `end`).
    public var keyword: String {
        switch kind {
        case .say: return "say"
        case .check: return "check"
        case .ask: return "ask"
        case .act: return "do"
        case .instruct: return "instruct"
        case .goto: return "goto"
        case .end: return "end"
        }
    }

    /// The branches of a check, action or instruction (empty for other kinds).
    public var branches: [PlaybookBranch] {
        switch kind {
        case .check(_, _, let on), .act(_, _, _, let on), .instruct(_, let on): return on
        case .say, .ask, .goto, .end: return []
        }
    }

    /// Every step this one can continue with, not counting falling through to the next.
    public var explicitTargets: [String] {
        var targets = branches.map(\.target)
        if case .ask(_, let choices, _) = kind { targets += choices.compactMap(\.goto) }
        if case .goto(let target) = kind { targets.append(target) }
        if let next { targets.append(next) }
        return targets
    }

    /// True for steps after which the run never falls through to the following step.
    public var neverFallsThrough: Bool {
        switch kind {
        case .goto, .end: return true
        case .say, .check, .ask, .act, .instruct: return next != nil
        }
    }
}

/// `outcome: step-id` in an `on:` map.
public struct PlaybookBranch: Sendable, Equatable {
    public var outcome: String
    public var target: String
    public var line: Int

    public init(outcome: String, target: String, line: Int) {
        self.outcome = outcome
        self.target = target
        self.line = line
    }
}

public struct PlaybookChoice: Sendable, Equatable {
    public var label: String
    /// The step to continue with; nil continues with the step after the question.
    public var goto: String?

    public init(label: String, goto: String? = nil) {
        self.label = label
        self.goto = goto
    }
}

/// How a run ended, as the `status:` of its `end` step.
public enum PlaybookEndStatus: String, Sendable, CaseIterable, Codable {
    /// The site works again.
    case resolved
    /// The site is still broken and the playbook has nothing more to try.
    case unresolved
    /// The fix is someone else's to make (the host, the database administrator); the playbook said who and what.
    case escalated
}

/// The `with:` of a check or action, as written (placeholders not yet filled in).
public struct PlaybookParameters: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case text(String)
        case list([String])
        case flag(Bool)
    }

    public var values: [String: Value]

    public init(_ values: [String: Value] = [:]) { self.values = values }

    public subscript(name: String) -> Value? { values[name] }

    public func text(_ name: String) -> String? {
        if case .text(let text)? = values[name] { return text }
        return nil
    }

    /// A list given as a list, or as one word.
    public func list(_ name: String) -> [String]? {
        switch values[name] {
        case .list(let items)?: return items
        case .text(let text)?: return [text]
        case .flag?, nil: return nil
        }
    }

    public func flag(_ name: String) -> Bool? {
        if case .flag(let flag)? = values[name] { return flag }
        return nil
    }
}
