import Foundation
@testable import WPRescueKit

/// A scripted environment: checks and actions answer from queues per name, the person answers
/// from a queue, and everything is recorded.
final class FakePlaybookEnvironment: PlaybookEnvironment {
    struct Failure: Error, LocalizedError {
        var errorDescription: String? { "the fake site refused" }
    }

    var siteValues: [String: String] = ["root": "/srv/site", "url": "https://example.org"]
    /// Results per check or action name, taken in order; the last one repeats.
    var results: [String: [PlaybookStepResult]] = [:]
    var failing: Set<String> = []
    /// Answers typed by the person, in order; nil when nobody is there.
    var typed: [Int] = []

    private(set) var log: [String] = []
    private(set) var prompts: [(prompt: PlaybookPrompt, preset: PlaybookPresetAnswer?)] = []
    private(set) var performed: [(action: PlaybookAction, parameters: PlaybookParameters)] = []
    private(set) var checked: [(check: PlaybookCheck, parameters: PlaybookParameters)] = []

    private func next(_ name: String) throws -> PlaybookStepResult {
        if failing.contains(name) { throw Failure() }
        guard var queue = results[name], let first = queue.first else {
            return PlaybookStepResult(outcome: "done")
        }
        if queue.count > 1 { queue.removeFirst() }
        results[name] = queue
        return first
    }

    func runCheck(_ check: PlaybookCheck, with parameters: PlaybookParameters) throws -> PlaybookStepResult {
        checked.append((check, parameters))
        log.append("check \(check.rawValue)")
        return try next(check.rawValue)
    }

    func perform(_ action: PlaybookAction, with parameters: PlaybookParameters) throws -> PlaybookStepResult {
        performed.append((action, parameters))
        log.append("do \(action.rawValue)")
        return try next(action.rawValue)
    }

    func say(_ text: String) { log.append("say \(text)") }

    func starting(_ step: PlaybookStep, description: String) {}

    func show(_ result: PlaybookStepResult, of step: PlaybookStep) { log.append("→ \(result.outcome)") }

    func answer(_ prompt: PlaybookPrompt, preset: PlaybookPresetAnswer?) throws -> Int {
        prompts.append((prompt, preset))
        if let preset { return preset.choice }
        guard !typed.isEmpty else { throw PlaybookRunError.noAnswer(step: prompt.stepID, question: prompt.text) }
        return typed.removeFirst()
    }
}
