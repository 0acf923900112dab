import Foundation
import Testing
@testable import WPRescueKit

/// The engine's flow with a scripted environment: branches, defaults, scripted answers,
/// placeholders and the run-time path check.
struct PlaybookEngineTests {
    static let fix = """
        title: Fix
        symptom: testing
        steps:
          - say: Looking at {{site.url}}
          - id: probe
            check: probe
            on:
              healthy: fine
          - id: log
            check: debug-log
            on:
              fatal-in-plugin: named
          - id: bisect
            do: bisect-plugins
            confirm: Bisect?
            on:
              culprits-found: found
              skipped: stopped
          - goto: stopped
          - id: named
            ask: Disable {{log.plugin}}?
            choices:
              - Yes
              - label: No, bisect
                goto: bisect
              - label: Stop
                goto: stopped
            default: 1
          - id: disable
            do: disable-plugins
            with:
              plugins: "{{log.plugin}}"
          - id: host
            instruct: Restart PHP-FPM in the panel.
            on:
              skipped: stopped
          - id: fine
            end: Healthy ({{probe.verdict}})
            status: resolved
          - id: found
            end: Found {{bisect.culprits}}
            status: resolved
          - id: stopped
            end: Stopped
            status: unresolved
        """

    func playbook(_ text: String = fix) throws -> Playbook {
        try PlaybookParser.parse(text, file: "fix.yml", name: "fix")
    }

    func brokenWithNamedPlugin(_ environment: FakePlaybookEnvironment, plugin: String = "bad-plugin") {
        environment.results["probe"] = [PlaybookStepResult(outcome: "critical-error", values: ["verdict": "critical-error"])]
        environment.results["debug-log"] = [PlaybookStepResult(outcome: "fatal-in-plugin", values: ["plugin": plugin])]
    }

    @Test func `a healthy site takes the healthy branch and fills in the placeholders`() throws {
        let environment = FakePlaybookEnvironment()
        environment.results["probe"] = [PlaybookStepResult(outcome: "healthy", values: ["verdict": "healthy"])]
        let record = try PlaybookEngine(playbook: try playbook(), environment: environment).run()
        #expect(record.status == .resolved)
        #expect(record.endStep == "fine")
        #expect(record.summary == "Healthy (healthy)")
        #expect(environment.log == ["say Looking at https://example.org", "check probe", "→ healthy"])
    }

    @Test func `--yes takes each default and confirms instructions`() throws {
        let environment = FakePlaybookEnvironment()
        brokenWithNamedPlugin(environment)
        let record = try PlaybookEngine(playbook: try playbook(), environment: environment,
                                        answers: PlaybookAnswers(takeDefaults: true)).run()
        #expect(environment.prompts.map(\.preset) == [.defaulted(1), .defaulted(1)])
        #expect(environment.prompts.map(\.prompt.kind) == [.question, .instruction])
        #expect(environment.prompts[0].prompt.text == "Disable bad-plugin?")
        #expect(environment.prompts[0].prompt.choices == ["Yes", "No, bisect", "Stop"])
        #expect(environment.performed.map(\.action) == [.disablePlugins])
        #expect(environment.performed.first?.parameters.list("plugins") == ["bad-plugin"])
        // After the instruction is done, the run continues with the next step: the healthy ending.
        #expect(record.endStep == "fine")
        #expect(record.entries.map(\.id) == ["#1", "probe", "log", "named", "disable", "host", "fine"])
        #expect(record.entries.first { $0.id == "host" }?.outcome == "done")
    }

    @Test func `scripted answers win over defaults and jump where the choice says`() throws {
        let environment = FakePlaybookEnvironment()
        brokenWithNamedPlugin(environment)
        environment.results["bisect-plugins"] = [PlaybookStepResult(outcome: "culprits-found", values: ["culprits": "worse-plugin"])]
        let playbook = try playbook()
        let answers = try PlaybookAnswers.parse("named: 2\nbisect: yes\n", file: "answers.yml", for: playbook, takeDefaults: false)
        let record = try PlaybookEngine(playbook: playbook, environment: environment, answers: answers).run()
        #expect(environment.prompts.map(\.preset) == [.scripted(2), .scripted(1)])
        #expect(environment.prompts.map(\.prompt.kind) == [.question, .confirmation])
        #expect(environment.performed.map(\.action) == [.bisectPlugins])
        #expect(record.summary == "Found worse-plugin")
    }

    @Test func `without a preset the person is asked and a declined action is skipped`() throws {
        let environment = FakePlaybookEnvironment()
        brokenWithNamedPlugin(environment)
        environment.typed = [2, 2] // "No, bisect", then "No, skip this" at the confirmation
        let record = try PlaybookEngine(playbook: try playbook(), environment: environment).run()
        #expect(environment.prompts.map(\.preset) == [nil, nil])
        #expect(environment.performed.isEmpty, "a declined action is never performed")
        #expect(record.entries.first { $0.id == "bisect" }?.outcome == "skipped")
        #expect(record.endStep == "stopped")
        #expect(record.status == .unresolved)
    }

    @Test func `a skipped instruction takes its skipped branch`() throws {
        let environment = FakePlaybookEnvironment()
        brokenWithNamedPlugin(environment)
        environment.typed = [1, 2]
        let record = try PlaybookEngine(playbook: try playbook(), environment: environment).run()
        #expect(record.entries.first { $0.id == "host" }?.outcome == "skipped")
        #expect(record.endStep == "stopped")
    }

    @Test func `nobody to answer stops the run at the question`() throws {
        let environment = FakePlaybookEnvironment()
        brokenWithNamedPlugin(environment)
        #expect(throws: PlaybookRunError.noAnswer(step: "named", question: "Disable bad-plugin?")) {
            try PlaybookEngine(playbook: try playbook(), environment: environment).run()
        }
        #expect(environment.performed.isEmpty)
    }

    @Test func `a failure without a failed branch stops the run with the file and line`() throws {
        let environment = FakePlaybookEnvironment()
        environment.failing = ["probe"]
        #expect(throws: PlaybookRunError.stepFailed(file: "fix.yml", line: 5, step: "probe", what: "check probe",
                                                    reason: "the fake site refused")) {
            try PlaybookEngine(playbook: try playbook(), environment: environment).run()
        }
    }

    @Test func `a failure with a failed branch follows it and keeps the reason as evidence`() throws {
        let environment = FakePlaybookEnvironment()
        environment.failing = ["probe"]
        let record = try PlaybookEngine(playbook: try playbook("""
            title: t
            symptom: s
            steps:
              - id: probe
                check: probe
                on:
                  failed: blind
              - end: seen
                status: resolved
              - id: blind
                end: "could not look: {{probe.outcome}}"
                status: unresolved
            """), environment: environment).run()
        #expect(record.endStep == "blind")
        #expect(record.summary == "could not look: failed")
        #expect(record.entries.first?.evidence == ["the fake site refused"])
    }

    @Test func `a value found on the site cannot smuggle a path out of it`() throws {
        let environment = FakePlaybookEnvironment()
        environment.results["debug-log"] = [PlaybookStepResult(outcome: "fatal-in-plugin", values: ["plugin": "../../../etc/cron.d/x"])]
        let playbook = try playbook("""
            title: t
            symptom: s
            steps:
              - id: log
                check: debug-log
              - id: on
                do: debug-on
                with:
                  log-path: "wp-content/{{log.plugin}}.log"
              - id: off
                do: disable-plugins
                with:
                  plugins: "{{log.plugin}}"
              - end: e
                status: resolved
            """)
        #expect(throws: PlaybookRunError.unsafeParameter(file: "t.yml", line: 6, step: "on", parameter: "log-path",
                                                         value: "wp-content/../../../etc/cron.d/x.log",
                                                         expected: "a path relative to the site")) {
            try PlaybookEngine(playbook: Playbook(name: "t", title: playbook.title, symptom: playbook.symptom, file: "t.yml",
                                                  steps: playbook.steps), environment: environment).run()
        }
        #expect(environment.performed.isEmpty, "refused before the action ran")
    }

    @Test func `a slug placeholder is checked as slugs when filled in`() throws {
        let environment = FakePlaybookEnvironment()
        environment.results["debug-log"] = [PlaybookStepResult(outcome: "fatal-in-plugin", values: ["plugin": "akismet/../../wp-config.php"])]
        let playbook = try playbook("""
            title: t
            symptom: s
            steps:
              - id: log
                check: debug-log
              - do: disable-plugins
                with:
                  plugins: "{{log.plugin}}"
              - end: e
                status: resolved
            """)
        #expect(throws: PlaybookRunError.self) { try PlaybookEngine(playbook: playbook, environment: environment).run() }
        #expect(environment.performed.isEmpty)
    }

    @Test func `a placeholder for several culprits becomes several slugs, and an empty optional one is left out`() throws {
        let environment = FakePlaybookEnvironment()
        environment.results["bisect-plugins"] = [PlaybookStepResult(outcome: "culprits-found", values: ["disabled": "pair-alpha, pair-beta"])]
        environment.results["debug-log"] = [PlaybookStepResult(outcome: "no-log", values: ["plugin": ""])]
        let playbook = try playbook("""
            title: t
            symptom: s
            steps:
              - id: log
                check: debug-log
              - id: bisect
                do: bisect-plugins
                with:
                  suspects: "{{log.plugin}}"
              - do: enable-plugins
                with:
                  plugins: "{{bisect.disabled}}"
              - end: e
                status: resolved
            """)
        _ = try PlaybookEngine(playbook: playbook, environment: environment).run()
        #expect(environment.performed.map(\.action) == [.bisectPlugins, .enablePlugins])
        #expect(environment.performed[0].parameters.values.isEmpty, "no plugin named: no suspects")
        #expect(environment.performed[1].parameters.list("plugins") == ["pair-alpha", "pair-beta"])
    }

    @Test func `a playbook going round in circles is stopped`() throws {
        let environment = FakePlaybookEnvironment()
        environment.results["probe"] = [PlaybookStepResult(outcome: "bad-gateway")]
        let playbook = try playbook("""
            title: t
            symptom: s
            steps:
              - id: again
                check: probe
                on:
                  healthy: done
              - goto: again
              - id: done
                end: e
                status: resolved
            """)
        #expect(throws: PlaybookRunError.looping(file: "test.yml", step: "again", steps: 50)) {
            try PlaybookEngine(playbook: Playbook(name: "t", title: "t", symptom: "s", file: "test.yml", steps: playbook.steps),
                               environment: environment, stepLimit: 50).run()
        }
    }

    @Test func `the record lists the operations actions made`() throws {
        let environment = FakePlaybookEnvironment()
        environment.results["remove-maintenance"] = [PlaybookStepResult(outcome: "done", values: ["operation": "op-1"])]
        environment.results["memory"] = [PlaybookStepResult(outcome: "unchanged", values: ["operation": ""])]
        let record = try PlaybookEngine(playbook: try playbook("""
            title: t
            symptom: s
            steps:
              - do: remove-maintenance
              - do: memory
                with:
                  limit: 256M
              - end: e
                status: resolved
            """), environment: environment).run()
        #expect(record.operations == ["op-1"])
    }

    // MARK: answers files

    @Test(arguments: [
        ("nobody: 1\n", 1, PlaybookFileError.Problem.answerForUnknownStep("nobody")),
        ("probe: 1\n", 1, .answerForStepWithoutQuestion("probe", kind: "check")),
        ("disable: yes\n", 1, .answerForStepWithoutQuestion("disable", kind: "do")),
        ("named: 1\nhost: 4\n", 2, .answerOutOfRange("host", value: "4", count: 2)),
        ("named: yes\n", 1, .answerUnreadable("named", value: "yes")),
        ("host: perhaps\n", 1, .answerUnreadable("host", value: "perhaps")),
        ("[1, 2]\n", 1, .notAMapping("an answers file")),
    ])
    func `an answers file that does not fit the playbook is refused with its line`(text: String, line: Int,
                                                                                   problem: PlaybookFileError.Problem) throws {
        let error = try #require(throws: PlaybookFileError.self) {
            try PlaybookAnswers.parse(text, file: "answers.yml", for: try playbook(), takeDefaults: false)
        }
        #expect(error == PlaybookFileError(file: "answers.yml", line: line, problem: problem))
    }

    @Test func `an answers file may be JSON and say yes, no, done or skip`() throws {
        let answers = try PlaybookAnswers.parse(#"{"named": 3, "host": "skip", "bisect": "no"}"#, file: "a.json",
                                                for: try playbook(), takeDefaults: true)
        #expect(answers == PlaybookAnswers(scripted: ["named": 3, "host": 2, "bisect": 2], takeDefaults: true))
    }
}
