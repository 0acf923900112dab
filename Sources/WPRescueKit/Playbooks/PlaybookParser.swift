import Foundation
import Yams

/// Reads a playbook file and refuses anything it cannot run exactly as written, naming the
/// file and line: unknown step kinds, checks, actions, parameters or outcomes, jumps to steps
/// that do not exist, missing required parameters, and paths that would leave the site.
public enum PlaybookParser {
    static let stepKinds = ["say", "check", "ask", "do", "instruct", "goto", "end"]
    static let topLevelKeys = ["title", "symptom", "steps"]

    static let keysByKind: [String: [String]] = [
        "say": ["id", "say", "next"],
        "check": ["id", "check", "with", "on", "next"],
        "ask": ["id", "ask", "choices", "default", "next"],
        "do": ["id", "do", "with", "confirm", "on", "next"],
        "instruct": ["id", "instruct", "on", "next"],
        "goto": ["id", "goto"],
        "end": ["id", "end", "status"],
    ]

    /// Lowercase letters, digits and dashes, starting with a letter or digit.
    static func isValidID(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase || first.isNumber else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    public static func parse(_ text: String, file: String, name: String) throws -> Playbook {
        let reader = Reader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw reader.syntaxError(error)
        }
        guard let root, let mapping = root.mapping else { throw reader.error(at: root, .notAMapping("a playbook")) }
        try reader.onlyKeys(topLevelKeys, in: mapping, what: "a playbook")
        let title = try reader.requiredText("title", in: mapping, at: root, what: "a playbook")
        let symptom = try reader.requiredText("symptom", in: mapping, at: root, what: "a playbook")
        guard let stepsNode = mapping["steps"] else { throw reader.error(at: root, .missingKey("steps", in: "a playbook")) }
        guard let sequence = stepsNode.sequence, !sequence.isEmpty else { throw reader.error(at: stepsNode, .noSteps) }

        var steps: [PlaybookStep] = []
        var textsToCheck: [(text: String, line: Int)] = []
        var idLines: [String: Int] = [:]
        for (position, node) in sequence.enumerated() {
            let parsed = try reader.step(node, position: position)
            if let first = idLines[parsed.step.id] {
                throw reader.error(at: node, .duplicateID(parsed.step.id, firstLine: first))
            }
            idLines[parsed.step.id] = parsed.step.line
            steps.append(parsed.step)
            textsToCheck += parsed.texts
        }
        let playbook = Playbook(name: name, title: title, symptom: symptom, file: file, steps: steps)
        try Linker(playbook: playbook, file: file, source: TextLines.split(text)).check(texts: textsToCheck)
        return playbook
    }

    // MARK: - Reading nodes

    struct Reader {
        let file: String

        func line(_ node: Node?) -> Int { node?.mark?.line ?? 1 }

        func error(at node: Node?, _ problem: PlaybookFileError.Problem) -> PlaybookFileError {
            PlaybookFileError(file: file, line: line(node), problem: problem)
        }

        func syntaxError(_ error: YamlError) -> PlaybookFileError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                // libyaml notices an unclosed quote or bracket only at the end of the file; the
                // context says where the construct began, which is where the mistake is.
                guard let context else { return PlaybookFileError(file: file, line: mark.line, problem: .syntax(problem)) }
                return PlaybookFileError(file: file, line: context.mark.line, problem: .syntax("\(context.text), \(problem)"))
            case .reader(let problem, _, _, _):
                return PlaybookFileError(file: file, line: 1, problem: .syntax(problem))
            case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
                return PlaybookFileError(file: file, line: 1, problem: .syntax("\(error)"))
            }
        }

        func onlyKeys(_ allowed: [String], in mapping: Node.Mapping, what: String) throws {
            for (key, _) in mapping where !allowed.contains(key.string ?? "") {
                throw error(at: key, .unknownKey(key.string ?? "?", in: what, allowed: allowed))
            }
        }

        func text(_ node: Node, key: String) throws -> String {
            guard let scalar = node.scalar else { throw error(at: node, .wrongType(key, expected: "text")) }
            let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw error(at: node, .emptyText(key)) }
            return text
        }

        func requiredText(_ key: String, in mapping: Node.Mapping, at owner: Node?, what: String) throws -> String {
            guard let node = mapping[key] else { throw error(at: owner, .missingKey(key, in: what)) }
            return try text(node, key: key)
        }

        func stepID(_ node: Node) throws -> String {
            let id = try text(node, key: "id")
            guard PlaybookParser.isValidID(id) else { throw error(at: node, .invalidID(id)) }
            guard id != PlaybookTemplate.siteStep else { throw error(at: node, .reservedID(id)) }
            return id
        }

        func step(_ node: Node, position: Int) throws -> (step: PlaybookStep, texts: [(text: String, line: Int)]) {
            guard let mapping = node.mapping else { throw error(at: node, .notAMapping("a step")) }
            let kinds = mapping.keys.compactMap(\.string).filter(PlaybookParser.stepKinds.contains)
            guard let keyword = kinds.first else {
                // A key that is neither a step kind nor a common key is most likely a misspelt kind.
                let common = ["id", "with", "on", "next", "choices", "default", "confirm", "status"]
                if let stray = mapping.keys.first(where: { !common.contains($0.string ?? "") }) {
                    throw error(at: stray, .unknownStepKind(stray.string ?? "?"))
                }
                throw error(at: node, .noStepKind)
            }
            if kinds.count > 1 { throw error(at: node, .twoStepKinds(kinds[0], kinds[1])) }
            let allowed = PlaybookParser.keysByKind[keyword] ?? []
            for (key, _) in mapping where !allowed.contains(key.string ?? "") {
                throw error(at: key, .unknownKey(key.string ?? "?", in: "a `\(keyword)` step", allowed: allowed))
            }
            let body = mapping[keyword] ?? node
            let explicitID = try mapping["id"].map(stepID)
            let id = explicitID ?? "#\(position + 1)"
            let next = try mapping["next"].map { try text($0, key: "next") }
            var texts: [(text: String, line: Int)] = []

            func needsID(_ what: String) throws {
                if explicitID == nil { throw error(at: node, .missingKey("id", in: "\(what) (answers refer to it)")) }
            }

            let kind: PlaybookStep.Kind
            switch keyword {
            case "say":
                let said = try text(body, key: "say")
                texts.append((said, line(body)))
                kind = .say(said)
            case "check":
                let name = try text(body, key: "check")
                guard let check = PlaybookCheck(rawValue: name) else { throw error(at: body, .unknownCheck(name)) }
                let owner = "the check `\(name)`"
                let parameters = try self.parameters(mapping["with"], specs: check.parameters, owner: owner, owningNode: node)
                texts += parameterTexts(mapping["with"])
                let branches = try self.branches(mapping["on"], outcomes: check.outcomes + [playbookFailedOutcome], owner: owner)
                kind = .check(check, parameters: parameters, on: branches)
            case "ask":
                try needsID("an `ask` step")
                let question = try text(body, key: "ask")
                texts.append((question, line(body)))
                guard let choicesNode = mapping["choices"], let list = choicesNode.sequence, list.count >= 2 else {
                    throw error(at: mapping["choices"] ?? node, .tooFewChoices)
                }
                var choices: [PlaybookChoice] = []
                for choiceNode in list {
                    let choice = try self.choice(choiceNode)
                    texts.append((choice.label, line(choiceNode)))
                    choices.append(choice)
                }
                guard let defaultNode = mapping["default"] else {
                    throw error(at: node, .missingKey("default", in: "an `ask` step (the answer --yes takes)"))
                }
                guard let defaultChoice = defaultNode.scalar.flatMap({ Int($0.string) }) else {
                    throw error(at: defaultNode, .wrongType("default", expected: "the number of a choice"))
                }
                guard (1...choices.count).contains(defaultChoice) else {
                    throw error(at: defaultNode, .defaultOutOfRange(defaultChoice, count: choices.count))
                }
                kind = .ask(question, choices: choices, defaultChoice: defaultChoice)
            case "do":
                let name = try text(body, key: "do")
                guard let action = PlaybookAction(rawValue: name) else { throw error(at: body, .unknownAction(name)) }
                let owner = "the action `\(name)`"
                let parameters = try self.parameters(mapping["with"], specs: action.parameters, owner: owner, owningNode: node)
                texts += parameterTexts(mapping["with"])
                let confirm = try mapping["confirm"].map { try text($0, key: "confirm") }
                if let confirm, let confirmNode = mapping["confirm"] {
                    try needsID("a `do` step with `confirm`")
                    texts.append((confirm, line(confirmNode)))
                }
                let branches = try self.branches(mapping["on"], outcomes: action.outcomes + [playbookFailedOutcome], owner: owner)
                kind = .act(action, parameters: parameters, confirm: confirm, on: branches)
            case "instruct":
                try needsID("an `instruct` step")
                let instruction = try text(body, key: "instruct")
                texts.append((instruction, line(body)))
                let branches = try self.branches(mapping["on"], outcomes: PlaybookInstruction.outcomes, owner: "an `instruct` step")
                kind = .instruct(instruction, on: branches)
            case "goto":
                kind = .goto(try text(body, key: "goto"))
            default: // "end"
                let summary = try text(body, key: "end")
                texts.append((summary, line(body)))
                guard let statusNode = mapping["status"] else {
                    throw error(at: node, .missingKey("status", in: "an `end` step (resolved, unresolved or escalated)"))
                }
                let statusText = try text(statusNode, key: "status")
                guard let status = PlaybookEndStatus(rawValue: statusText) else { throw error(at: statusNode, .unknownStatus(statusText)) }
                kind = .end(summary, status: status)
            }
            return (PlaybookStep(id: id, line: line(node), kind: kind, next: next), texts)
        }

        func choice(_ node: Node) throws -> PlaybookChoice {
            if node.scalar != nil { return PlaybookChoice(label: try text(node, key: "choices")) }
            guard let mapping = node.mapping else { throw error(at: node, .wrongType("choices", expected: "a list of answers")) }
            try onlyKeys(["label", "goto"], in: mapping, what: "a choice")
            guard let label = mapping["label"] else { throw error(at: node, .missingKey("label", in: "a choice")) }
            return PlaybookChoice(label: try text(label, key: "label"), goto: try mapping["goto"].map { try text($0, key: "goto") })
        }

        func branches(_ node: Node?, outcomes: [String], owner: String) throws -> [PlaybookBranch] {
            guard let node else { return [] }
            guard let mapping = node.mapping else { throw error(at: node, .wrongType("on", expected: "a mapping of `outcome: step-id` lines")) }
            var branches: [PlaybookBranch] = []
            for (key, value) in mapping {
                let outcome = key.string ?? "?"
                guard outcomes.contains(outcome) else { throw error(at: key, .unknownOutcome(outcome, owner: owner, known: outcomes)) }
                branches.append(PlaybookBranch(outcome: outcome, target: try text(value, key: outcome), line: line(key)))
            }
            return branches
        }

        func parameters(_ node: Node?, specs: [PlaybookParameterSpec], owner: String, owningNode: Node) throws -> PlaybookParameters {
            var values: [String: PlaybookParameters.Value] = [:]
            if let node {
                guard let mapping = node.mapping else { throw error(at: node, .wrongType("with", expected: "a mapping of parameters")) }
                for (key, valueNode) in mapping {
                    let name = key.string ?? "?"
                    guard let spec = specs.first(where: { $0.name == name }) else {
                        throw error(at: key, .unknownParameter(name, owner: owner, known: specs.map(\.name)))
                    }
                    let value = try parameterValue(valueNode, spec: spec, owner: owner)
                    switch PlaybookParameterRule.problem(with: PlaybookParameterRule.withPlaceholdersStubbed(value, kind: spec.kind), kind: spec.kind) {
                    case nil: break
                    case .outsideSite?: throw error(at: valueNode, .pathOutsideSite(name, owner: owner, value: describe(value)))
                    case .invalid(let expected)?:
                        throw error(at: valueNode, .invalidParameter(name, owner: owner, value: describe(value), expected: expected))
                    }
                    values[name] = value
                }
            }
            for spec in specs where spec.required && values[spec.name] == nil {
                throw error(at: node ?? owningNode, .missingParameter(spec.name, owner: owner))
            }
            return PlaybookParameters(values)
        }

        func parameterValue(_ node: Node, spec: PlaybookParameterSpec, owner: String) throws -> PlaybookParameters.Value {
            if let sequence = node.sequence {
                return .list(try sequence.map { item in
                    guard let scalar = item.scalar else {
                        throw error(at: item, .invalidParameter(spec.name, owner: owner, value: "a nested list or mapping",
                                                                expected: PlaybookParameterRule.expectation(spec.kind)))
                    }
                    return scalar.string
                })
            }
            guard let scalar = node.scalar else {
                throw error(at: node, .invalidParameter(spec.name, owner: owner, value: "a mapping",
                                                        expected: PlaybookParameterRule.expectation(spec.kind)))
            }
            if spec.kind == .flag, let flag = node.bool { return .flag(flag) }
            return .text(scalar.string)
        }

        /// Placeholders may appear in text parameters too.
        func parameterTexts(_ node: Node?) -> [(text: String, line: Int)] {
            guard let mapping = node?.mapping else { return [] }
            var texts: [(text: String, line: Int)] = []
            for (_, value) in mapping {
                if let scalar = value.scalar { texts.append((scalar.string, line(value))) }
                for item in value.sequence ?? [] { if let scalar = item.scalar { texts.append((scalar.string, line(item))) } }
            }
            return texts
        }

        func describe(_ value: PlaybookParameters.Value) -> String {
            switch value {
            case .text(let text): return text
            case .list(let items): return "[" + items.joined(separator: ", ") + "]"
            case .flag(let flag): return flag ? "true" : "false"
            }
        }
    }

    // MARK: - Checking references between steps

    /// Checks what only the whole playbook can tell: jumps land on steps, placeholders name
    /// values that exist, every step can be reached, and no run falls off the end.
    struct Linker {
        let playbook: Playbook
        let file: String
        /// The file's lines, to point at the line of a placeholder inside a text of several lines.
        let source: [String]

        /// The line at or after `line` (where the text starts) that contains `needle`.
        func line(of needle: String, from line: Int) -> Int {
            guard line >= 1, line <= source.count else { return line }
            return (line...source.count).first { source[$0 - 1].contains(needle) } ?? line
        }

        func error(line: Int, _ problem: PlaybookFileError.Problem) -> PlaybookFileError {
            PlaybookFileError(file: file, line: line, problem: problem)
        }

        func check(texts: [(text: String, line: Int)]) throws {
            for step in playbook.steps {
                for branch in step.branches where playbook.index(of: branch.target) == nil {
                    throw error(line: branch.line, .missingTarget(branch.target))
                }
                for target in step.explicitTargets where playbook.index(of: target) == nil {
                    throw error(line: step.line, .missingTarget(target))
                }
            }
            for (text, line) in texts { try checkPlaceholders(in: text, line: line) }
            if let last = playbook.steps.last, fallsThrough(last) { throw error(line: last.line, .fallsOffTheEnd(last.id)) }
            let reachable = reachableSteps()
            for (index, step) in playbook.steps.enumerated() where !reachable.contains(index) {
                throw error(line: step.line, .unreachable(step.id))
            }
        }

        func checkPlaceholders(in text: String, line: Int) throws {
            for piece in PlaybookTemplate.pieces(of: text) {
                switch piece {
                case .literal: continue
                case .malformed(let raw): throw error(line: self.line(of: raw, from: line), .malformedPlaceholder(raw))
                case .placeholder(let placeholder):
                    let line = self.line(of: "\(placeholder.step).\(placeholder.value)", from: line)
                    if placeholder.step == PlaybookTemplate.siteStep {
                        guard PlaybookTemplate.siteValues.contains(placeholder.value) else {
                            throw error(line: line, .unknownPlaceholderValue(placeholder.value, step: placeholder.step, known: PlaybookTemplate.siteValues))
                        }
                        continue
                    }
                    guard let step = playbook.step(placeholder.step) else { throw error(line: line, .unknownPlaceholderStep(placeholder.step)) }
                    guard let known = PlaybookParser.values(of: step) else {
                        throw error(line: line, .placeholderStepHasNoValues(placeholder.step, kind: step.keyword))
                    }
                    guard known.contains(placeholder.value) else {
                        throw error(line: line, .unknownPlaceholderValue(placeholder.value, step: placeholder.step, known: known))
                    }
                }
            }
        }

        /// Whether the run may continue with the step after this one.
        func fallsThrough(_ step: PlaybookStep) -> Bool {
            guard step.next == nil else { return false }
            switch step.kind {
            case .goto, .end: return false
            case .say: return true
            case .ask(_, let choices, _): return choices.contains { $0.goto == nil }
            case .check(let check, _, let on): return !Set(check.outcomes).isSubset(of: on.map(\.outcome))
            case .act(let action, _, _, let on): return !Set(action.outcomes).isSubset(of: on.map(\.outcome))
            case .instruct(_, let on): return !Set(PlaybookInstruction.outcomes).isSubset(of: on.map(\.outcome))
            }
        }

        func reachableSteps() -> Set<Int> {
            var seen: Set<Int> = [0]
            var queue = [0]
            while let index = queue.popLast() {
                let step = playbook.steps[index]
                var successors = step.explicitTargets.compactMap(playbook.index(of:))
                if step.next == nil, fallsThrough(step), index + 1 < playbook.steps.count { successors.append(index + 1) }
                for successor in successors where seen.insert(successor).inserted { queue.append(successor) }
            }
            return seen
        }
    }

    /// The values a step offers to placeholders, nil when it offers none.
    static func values(of step: PlaybookStep) -> [String]? {
        switch step.kind {
        case .check(let check, _, _): return check.values + ["outcome"]
        case .act(let action, _, _, _): return action.values + ["outcome"]
        case .say, .ask, .instruct, .goto, .end: return nil
        }
    }
}
