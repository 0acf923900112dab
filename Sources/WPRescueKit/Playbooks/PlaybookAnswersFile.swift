import Foundation
import Yams

extension PlaybookAnswers {
    /// Reads `--answers FILE`: a YAML (or JSON) mapping of step id to a choice number, or to
    /// yes/no (done/skip) for instructions and confirmations. Every entry must fit a question
    /// the playbook really asks, so a stale script fails at once rather than half way.
    public static func parse(_ text: String, file: String, for playbook: Playbook, takeDefaults: Bool) throws -> PlaybookAnswers {
        let reader = PlaybookParser.Reader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw reader.syntaxError(error)
        }
        guard let root else { return PlaybookAnswers(takeDefaults: takeDefaults) }
        guard let mapping = root.mapping else { throw reader.error(at: root, .notAMapping("an answers file")) }
        var scripted: [String: Int] = [:]
        for (key, value) in mapping {
            let id = key.string ?? "?"
            guard let step = playbook.step(id) else { throw reader.error(at: key, .answerForUnknownStep(id)) }
            let count: Int
            switch step.kind {
            case .ask(_, let choices, _): count = choices.count
            case .instruct: count = 2
            case .act(_, _, .some, _): count = 2
            case .act, .say, .check, .goto, .end:
                throw reader.error(at: key, .answerForStepWithoutQuestion(id, kind: step.keyword))
            }
            let raw = value.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
            let choice: Int
            if let number = Int(raw) {
                guard (1...count).contains(number) else { throw reader.error(at: value, .answerOutOfRange(id, value: raw, count: count)) }
                choice = number
            } else if case .ask = step.kind {
                throw reader.error(at: value, .answerUnreadable(id, value: raw))
            } else {
                switch raw.lowercased() {
                case "yes", "y", "true", "done": choice = 1
                case "no", "n", "false", "skip", "skipped": choice = 2
                default: throw reader.error(at: value, .answerUnreadable(id, value: raw))
                }
            }
            scripted[id] = choice
        }
        return PlaybookAnswers(scripted: scripted, takeDefaults: takeDefaults)
    }
}
