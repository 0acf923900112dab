import Foundation

/// A mistake in a playbook (or answers) file: where it is and one sentence on what to write instead.
public struct PlaybookFileError: Error, Equatable, LocalizedError {
    public var file: String
    public var line: Int
    public var problem: Problem

    public init(file: String, line: Int, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        case syntax(String)
        case unreadable(String)
        case notAMapping(String)
        case missingKey(String, in: String)
        case unknownKey(String, in: String, allowed: [String])
        case wrongType(String, expected: String)
        case emptyText(String)
        case noSteps
        case noStepKind
        case unknownStepKind(String)
        case twoStepKinds(String, String)
        case invalidID(String)
        case reservedID(String)
        case duplicateID(String, firstLine: Int)
        case unknownCheck(String)
        case unknownAction(String)
        case unknownParameter(String, owner: String, known: [String])
        case missingParameter(String, owner: String)
        case invalidParameter(String, owner: String, value: String, expected: String)
        case pathOutsideSite(String, owner: String, value: String)
        case unknownOutcome(String, owner: String, known: [String])
        case missingTarget(String)
        case tooFewChoices
        case defaultOutOfRange(Int, count: Int)
        case unknownStatus(String)
        case malformedPlaceholder(String)
        case unknownPlaceholderStep(String)
        case placeholderStepHasNoValues(String, kind: String)
        case unknownPlaceholderValue(String, step: String, known: [String])
        case fallsOffTheEnd(String)
        case unreachable(String)
        case answerForUnknownStep(String)
        case answerForStepWithoutQuestion(String, kind: String)
        case answerOutOfRange(String, value: String, count: Int)
        case answerUnreadable(String, value: String)

        var sentence: String {
            switch self {
            case .syntax(let detail):
                return "this is not valid YAML (\(detail)); check the indentation and quoting on this line or the one above."
            case .unreadable(let detail):
                return "cannot read the file (\(detail))."
            case .notAMapping(let what):
                return "\(what) must be a mapping of `key: value` lines."
            case .missingKey(let key, let what):
                return "\(what) needs an entry `\(key):`."
            case .unknownKey(let key, let what, let allowed):
                return "`\(key)` is not allowed in \(what); it takes \(list(allowed))."
            case .wrongType(let key, let expected):
                return "`\(key)` must be \(expected)."
            case .emptyText(let key):
                return "`\(key)` needs some text."
            case .noSteps:
                return "`steps` must be a list with at least one step."
            case .noStepKind:
                return "this step does nothing: give it one of \(list(PlaybookParser.stepKinds))."
            case .unknownStepKind(let key):
                return "`\(key)` is not a step kind; a step is one of \(list(PlaybookParser.stepKinds))."
            case .twoStepKinds(let first, let second):
                return "a step is either `\(first)` or `\(second)`, not both: split it into two steps."
            case .invalidID(let id):
                return "`\(id)` is not a usable step id: use lowercase letters, digits and dashes, starting with a letter or digit."
            case .reservedID(let id):
                return "`\(id)` is reserved for placeholders like {{\(id).url}}: pick another step id."
            case .duplicateID(let id, let firstLine):
                return "the step id `\(id)` is already used on line \(firstLine): give each step its own id."
            case .unknownCheck(let name):
                return "there is no built-in check `\(name)`; the checks are \(list(PlaybookCheck.allCases.map(\.rawValue)))."
            case .unknownAction(let name):
                return "there is no built-in action `\(name)`; the actions are \(list(PlaybookAction.allCases.map(\.rawValue)))."
            case .unknownParameter(let name, let owner, let known):
                return known.isEmpty ? "\(owner) takes no parameters, so `\(name)` cannot be given."
                    : "\(owner) has no parameter `\(name)`; it takes \(list(known))."
            case .missingParameter(let name, let owner):
                return "\(owner) needs the parameter `\(name)` under `with:`."
            case .invalidParameter(let name, let owner, let value, let expected):
                return "the parameter `\(name)` of \(owner) must be \(expected), not `\(value)`."
            case .pathOutsideSite(let name, let owner, let value):
                return "the parameter `\(name)` of \(owner) names `\(value)`, outside the site: "
                    + "playbooks may only name paths relative to the site's folder, without `..`."
            case .unknownOutcome(let outcome, let owner, let known):
                return "\(owner) never ends with `\(outcome)`; its outcomes are \(list(known))."
            case .missingTarget(let target):
                return "`\(target)` names no step in this playbook: add a step with `id: \(target)` or fix the name."
            case .tooFewChoices:
                return "a question needs `choices:`, a list of at least two answers."
            case .defaultOutOfRange(let value, let count):
                return "`default: \(value)` must be the number of one of the \(count) choices (1 to \(count))."
            case .unknownStatus(let value):
                return "`status: \(value)` is not a status; use \(list(PlaybookEndStatus.allCases.map(\.rawValue)))."
            case .malformedPlaceholder(let text):
                return "`\(text)` is not a placeholder: write {{step-id.value}}, e.g. {{probe.verdict}}."
            case .unknownPlaceholderStep(let step):
                return "the placeholder names the step `\(step)`, which this playbook does not have."
            case .placeholderStepHasNoValues(let step, let kind):
                return "the placeholder names the step `\(step)`, a `\(kind)` step, which produces no values; only check and do steps do."
            case .unknownPlaceholderValue(let value, let step, let known):
                return "the step `\(step)` has no value `\(value)`; it has \(list(known))."
            case .fallsOffTheEnd(let id):
                return "the run can continue past this last step\(named(id)): end the playbook with an `end` or `goto` step."
            case .unreachable(let id):
                return "no path through the playbook reaches this step\(named(id)): remove it or point a branch at it."
            case .answerForUnknownStep(let id):
                return "the playbook has no step `\(id)` to answer."
            case .answerForStepWithoutQuestion(let id, let kind):
                return "the step `\(id)` is a `\(kind)` step that asks nothing; answers go to ask and instruct steps and to do steps with `confirm`."
            case .answerOutOfRange(let id, let value, let count):
                return "the answer `\(value)` for `\(id)` must be a choice number from 1 to \(count)."
            case .answerUnreadable(let id, let value):
                return "the answer `\(value)` for `\(id)` must be a choice number, or yes or no."
            }
        }

        /// " (`id`)" for a step with an id of its own, nothing for one known only by its line.
        private func named(_ id: String) -> String {
            id.hasPrefix("#") ? "" : " (`\(id)`)"
        }

        private func list(_ items: [String]) -> String {
            items.map { "`\($0)`" }.joined(separator: ", ")
        }
    }

    public var errorDescription: String? { "\(file):\(line): \(problem.sentence)" }
}

/// Something that stopped a run part way.
public enum PlaybookRunError: Error, Equatable, LocalizedError {
    /// A check or action failed and the playbook has no `failed` branch for it.
    case stepFailed(file: String, line: Int, step: String, what: String, reason: String)
    /// A placeholder filled in at run time gave a parameter a value the playbook could not have written.
    case unsafeParameter(file: String, line: Int, step: String, parameter: String, value: String, expected: String)
    /// Over the step limit: the playbook keeps going round.
    case looping(file: String, step: String, steps: Int)
    /// A change that would land outside the site's folders (never applied).
    case outsideSite(path: String, root: String)
    /// Nobody can answer: standard input is not a terminal and there is no --yes or scripted answer.
    case noAnswer(step: String, question: String)
    /// Standard input ended while a question was waiting.
    case inputEnded(step: String)

    public var errorDescription: String? {
        switch self {
        case .stepFailed(let file, let line, let step, let what, let reason):
            return "\(file):\(line): step `\(step)` (\(what)) failed: \(reason)"
        case .unsafeParameter(let file, let line, let step, let parameter, let value, let expected):
            return "\(file):\(line): step `\(step)` would run with \(parameter) `\(value)`, which is not \(expected); stopped before touching anything."
        case .looping(let file, let step, let steps):
            return "\(file): the run went through \(steps) steps without reaching an end (last at `\(step)`); the playbook is going round in a loop."
        case .outsideSite(let path, let root):
            return "Refused to change \(path): it is outside the site at \(root), and a playbook may only change the site's own files."
        case .noAnswer(let step, let question):
            return "Step `\(step)` asks \"\(question)\" but standard input is not a terminal: pass --yes to take the default answers, or --answers FILE."
        case .inputEnded(let step):
            return "Standard input ended while step `\(step)` waited for an answer; nothing more was done."
        }
    }
}
