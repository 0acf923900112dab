import Foundation

/// Runs a playbook against an environment. It holds the flow (which step next, what the
/// placeholders say, which answers are decided in advance) and no I/O of its own.
public final class PlaybookEngine {
    /// One step as it ran.
    public struct Entry: Sendable, Equatable, Encodable {
        public var id: String
        public var kind: String
        public var line: Int
        /// The outcome word of a check, action or instruction; the choice number of a question.
        public var outcome: String?
        public var evidence: [String]
        public var values: [String: String]
        public var answer: Int?
    }

    public struct Record: Sendable, Equatable {
        public var playbook: String
        public var entries: [Entry]
        public var endStep: String
        public var status: PlaybookEndStatus
        /// The `end` text, placeholders filled in.
        public var summary: String
        /// Journal operations the actions created, in order.
        public var operations: [String]
    }

    /// A run that passes this many steps is taken to be going round in a loop.
    public static let defaultStepLimit = 500

    public let playbook: Playbook
    private let environment: PlaybookEnvironment
    private let answers: PlaybookAnswers
    private let stepLimit: Int
    private var results: [String: PlaybookStepResult] = [:]
    private var entries: [Entry] = []

    public init(playbook: Playbook, environment: PlaybookEnvironment, answers: PlaybookAnswers = PlaybookAnswers(),
                stepLimit: Int = PlaybookEngine.defaultStepLimit) {
        self.playbook = playbook
        self.environment = environment
        self.answers = answers
        self.stepLimit = stepLimit
    }

    public func run() throws -> Record {
        var index = 0
        var count = 0
        while true {
            let step = playbook.steps[index]
            count += 1
            guard count <= stepLimit else { throw PlaybookRunError.looping(file: playbook.file, step: step.id, steps: stepLimit) }
            let target: String?
            switch step.kind {
            case .say(let text):
                environment.say(render(text))
                entries.append(Entry(id: step.id, kind: step.keyword, line: step.line, outcome: nil, evidence: [], values: [:], answer: nil))
                target = nil
            case .check(let check, let parameters, let on):
                let filled = try fill(parameters, specs: check.parameters, step: step)
                environment.starting(step, description: "check \(check.rawValue)")
                let result = try attempt(step, what: "check \(check.rawValue)", branches: on) {
                    try environment.runCheck(check, with: filled)
                }
                target = record(result, of: step, branches: on)
            case .ask(let question, let choices, let defaultChoice):
                let prompt = PlaybookPrompt(stepID: step.id, kind: .question, text: render(question),
                                            choices: choices.map { render($0.label) }, defaultChoice: defaultChoice)
                let choice = try ask(prompt)
                entries.append(Entry(id: step.id, kind: step.keyword, line: step.line, outcome: String(choice), evidence: [],
                                     values: [:], answer: choice))
                target = choices[choice - 1].goto
            case .act(let action, let parameters, let confirm, let on):
                let filled = try fill(parameters, specs: action.parameters, step: step)
                var agreed = true
                if let confirm {
                    let prompt = PlaybookPrompt(stepID: step.id, kind: .confirmation, text: render(confirm),
                                                choices: ["Yes, go ahead", "No, skip this"], defaultChoice: 1)
                    agreed = try ask(prompt) == 1
                }
                let result: PlaybookStepResult
                if agreed {
                    environment.starting(step, description: "do \(action.rawValue)")
                    result = try attempt(step, what: "do \(action.rawValue)", branches: on) {
                        try environment.perform(action, with: filled)
                    }
                } else {
                    result = PlaybookStepResult(outcome: "skipped", evidence: ["Skipped: nothing was changed."])
                }
                target = record(result, of: step, branches: on)
            case .instruct(let text, let on):
                let prompt = PlaybookPrompt(stepID: step.id, kind: .instruction, text: render(text),
                                            choices: ["Done", "Skip this for now"], defaultChoice: 1)
                let choice = try ask(prompt)
                let outcome = choice == 1 ? "done" : "skipped"
                entries.append(Entry(id: step.id, kind: step.keyword, line: step.line, outcome: outcome, evidence: [],
                                     values: [:], answer: choice))
                target = on.first { $0.outcome == outcome }?.target
            case .goto(let destination):
                entries.append(Entry(id: step.id, kind: step.keyword, line: step.line, outcome: nil, evidence: [], values: [:], answer: nil))
                target = destination
            case .end(let text, let status):
                entries.append(Entry(id: step.id, kind: step.keyword, line: step.line, outcome: status.rawValue, evidence: [],
                                     values: [:], answer: nil))
                let operations = entries.compactMap { $0.values["operation"] }.filter { !$0.isEmpty }
                return Record(playbook: playbook.name, entries: entries, endStep: step.id, status: status,
                              summary: render(text), operations: operations)
            }
            // The parser guarantees targets exist and that only `end` and `goto` close the list.
            if let destination = target ?? step.next, let found = playbook.index(of: destination) {
                index = found
            } else {
                index += 1
            }
        }
    }

    // MARK: - Steps

    private func ask(_ prompt: PlaybookPrompt) throws -> Int {
        let preset = answers.preset(for: prompt)
        let choice = try environment.answer(prompt, preset: preset)
        // The environment is trusted to return a choice in range; a wrong one is not guessed at.
        return min(max(choice, 1), prompt.choices.count)
    }

    /// Runs a check or action; a failure becomes the `failed` outcome when the playbook has a
    /// branch for it, and stops the run otherwise.
    private func attempt(_ step: PlaybookStep, what: String, branches: [PlaybookBranch],
                         _ body: () throws -> PlaybookStepResult) throws -> PlaybookStepResult {
        do {
            return try body()
        } catch let error as PlaybookRunError {
            throw error
        } catch {
            let reason = error.localizedDescription
            guard branches.contains(where: { $0.outcome == playbookFailedOutcome }) else {
                throw PlaybookRunError.stepFailed(file: playbook.file, line: step.line, step: step.id, what: what, reason: reason)
            }
            return PlaybookStepResult(outcome: playbookFailedOutcome, evidence: [reason])
        }
    }

    private func record(_ result: PlaybookStepResult, of step: PlaybookStep, branches: [PlaybookBranch]) -> String? {
        results[step.id] = result
        entries.append(Entry(id: step.id, kind: step.keyword, line: step.line, outcome: result.outcome, evidence: result.evidence,
                             values: result.values, answer: nil))
        environment.show(result, of: step)
        return branches.first { $0.outcome == result.outcome }?.target
    }

    // MARK: - Placeholders

    private func render(_ text: String) -> String {
        PlaybookTemplate.render(text, lookup: lookup)
    }

    /// In parameters a value not found is empty, never a word that could pass for a slug.
    private func renderParameter(_ text: String) -> String {
        PlaybookTemplate.render(text) { lookup($0) ?? "" }
    }

    private func lookup(_ placeholder: PlaybookTemplate.Placeholder) -> String? {
        if placeholder.step == PlaybookTemplate.siteStep { return environment.siteValues[placeholder.value] }
        guard let result = results[placeholder.step] else { return nil }
        if placeholder.value == "outcome" { return result.outcome }
        return result.values[placeholder.value]
    }

    /// Fills in placeholders and checks the result against the same rules the file was read
    /// with: a value found on the site must not turn a parameter into something unsafe.
    private func fill(_ parameters: PlaybookParameters, specs: [PlaybookParameterSpec], step: PlaybookStep) throws -> PlaybookParameters {
        var filled: [String: PlaybookParameters.Value] = [:]
        for (name, value) in parameters.values {
            let spec = specs.first { $0.name == name }
            var isList = false
            if case .slugs? = spec?.kind { isList = true }
            // A placeholder standing for several slugs ("a, b", as bisect reports culprits) becomes several items.
            func items(_ text: String) -> [String] {
                let filled = renderParameter(text)
                guard filled != text else { return [text] }
                return filled.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            let rendered: PlaybookParameters.Value
            switch value {
            case .text(let text):
                rendered = isList && text != renderParameter(text) ? .list(items(text)) : .text(renderParameter(text))
            case .list(let list):
                rendered = .list(list.flatMap(items))
            case .flag:
                rendered = value
            }
            // An optional list whose placeholders found nothing (no plugin named in the log) is left out.
            if case .list(let list) = rendered, list.isEmpty, spec?.required == false { continue }
            if let spec, value != rendered,
               PlaybookParameterRule.problem(with: rendered, kind: spec.kind) != nil {
                throw PlaybookRunError.unsafeParameter(file: playbook.file, line: step.line, step: step.id, parameter: name,
                                                       value: describe(rendered), expected: PlaybookParameterRule.expectation(spec.kind))
            }
            filled[name] = rendered
        }
        return PlaybookParameters(filled)
    }

    private func describe(_ value: PlaybookParameters.Value) -> String {
        switch value {
        case .text(let text): return text
        case .list(let items): return items.joined(separator: ", ")
        case .flag(let flag): return flag ? "true" : "false"
        }
    }
}
