import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Every kind of mistake in a playbook file is refused before anything runs, with the file,
/// the line and one sentence.
struct PlaybookValidationTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "yml", subdirectory: "Fixtures/Playbooks/invalid"))
        return url.path
    }

    @Test(arguments: [
        ("unknown-step-kind", 4, PlaybookFileError.Problem.unknownStepKind("sya")),
        ("unknown-step-key", 5, .unknownKey("wiht", in: "a `do` step", allowed: ["id", "do", "with", "confirm", "on", "next"])),
        ("unknown-check", 5, .unknownCheck("probes")),
        ("unknown-action", 4, .unknownAction("delete-everything")),
        ("goto-missing", 5, .missingTarget("fixx")),
        ("branch-missing", 8, .missingTarget("gone-away")),
        ("missing-parameter", 4, .missingParameter("name", owner: "the check `constant`")),
        ("absolute-path", 6, .pathOutsideSite("file", owner: "the check `htaccess`", value: "/etc/passwd")),
        ("dotdot-path", 8, .pathOutsideSite("file", owner: "the check `debug-log`", value: "wp-content/../../secrets.log")),
        ("placeholder-path", 8, .pathOutsideSite("log-path", owner: "the action `debug-on`", value: "../{{log.plugin}}.log")),
        ("unknown-parameter", 7, .unknownParameter("lmit", owner: "the action `memory`", known: ["limit"])),
        ("invalid-parameter", 6, .invalidParameter("limit", owner: "the action `memory`", value: "lots",
                                                   expected: "a memory size such as 256M, 512M or 1G")),
        ("unknown-outcome", 6, .unknownOutcome("there", owner: "the check `maintenance-file`", known: ["present", "absent", "failed"])),
        ("duplicate-id", 6, .duplicateID("probe", firstLine: 4)),
        ("falls-off-end", 5, .fallsOffTheEnd("#2")),
        ("unreachable", 6, .unreachable("orphan")),
        ("default-out-of-range", 9, .defaultOutOfRange(3, count: 2)),
        ("ask-without-id", 4, .missingKey("id", in: "an `ask` step (answers refer to it)")),
        ("end-without-status", 5, .missingKey("status", in: "an `end` step (resolved, unresolved or escalated)")),
        ("unknown-placeholder", 8, .unknownPlaceholderValue("colour", step: "probe", known: ["verdict", "url", "status", "explanation", "outcome"])),
        ("syntax-error", 5, .syntax("while scanning a quoted scalar, found unexpected end of stream")),
        ("missing-title", 1, .missingKey("title", in: "a playbook")),
    ])
    func `refuses a mistake with the file, the line and one sentence`(name: String, line: Int, problem: PlaybookFileError.Problem) throws {
        let path = try Self.fixture(name)
        let error = try #require(throws: PlaybookFileError.self) { try PlaybookLibrary.load(file: path) }
        #expect(error == PlaybookFileError(file: path, line: line, problem: problem))
        let message = try #require(error.errorDescription)
        #expect(message.hasPrefix("\(path):\(line): "))
        let sentence = message.dropFirst("\(path):\(line): ".count)
        #expect(sentence.hasSuffix("."))
        #expect(!sentence.dropLast().contains("\n"), "one sentence on one line: \(sentence)")
    }

    @Test func `every fixture in the invalid folder has a case above`() throws {
        let folder = URL(fileURLWithPath: try Self.fixture("syntax-error")).deletingLastPathComponent().path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yml") }
        #expect(names.count == 22)
    }

    func parse(_ text: String) throws -> Playbook {
        try PlaybookParser.parse(text, file: "test.yml", name: "test")
    }

    @Test func `reads every step kind with its branches, choices and parameters`() throws {
        let playbook = try parse("""
            title: All kinds
            symptom: testing
            steps:
              - say: Hello {{site.url}}
              - id: look
                check: htaccess
                with:
                  file: wp-admin/.htaccess
                on:
                  invalid: fix
                  failed: fix
              - id: pick
                ask: Which?
                choices:
                  - First
                  - label: Second
                    goto: fix
                default: 2
              - id: fix
                do: disable-plugins
                with:
                  plugins: [akismet, hello]
                confirm: Sure?
              - id: host
                instruct: Restart PHP-FPM.
                on:
                  skipped: bye
              - goto: bye
              - id: bye
                end: Done {{look.first-problem}}
                status: escalated
            """)
        #expect(playbook.steps.map(\.keyword) == ["say", "check", "ask", "do", "instruct", "goto", "end"])
        #expect(playbook.steps.map(\.line) == [4, 5, 12, 19, 24, 28, 29])
        guard case .check(.htaccess, let parameters, let on) = playbook.steps[1].kind else { Issue.record("not a check"); return }
        #expect(parameters.text("file") == "wp-admin/.htaccess")
        #expect(on.map(\.outcome) == ["invalid", "failed"])
        guard case .ask(_, let choices, let defaultChoice) = playbook.steps[2].kind else { Issue.record("not an ask"); return }
        #expect(choices == [PlaybookChoice(label: "First"), PlaybookChoice(label: "Second", goto: "fix")])
        #expect(defaultChoice == 2)
        guard case .act(.disablePlugins, let given, let confirm, _) = playbook.steps[3].kind else { Issue.record("not a do"); return }
        #expect(given.list("plugins") == ["akismet", "hello"])
        #expect(confirm == "Sure?")
        guard case .end(_, .escalated) = playbook.steps[6].kind else { Issue.record("not an end"); return }
        #expect(playbook.steps[0].id == "#1", "a step without an id is known by its position")
    }

    @Test func `a flag parameter must be true or false`() throws {
        let error = try #require(throws: PlaybookFileError.self) {
            try parse("""
                title: t
                symptom: s
                steps:
                  - do: htaccess-regenerate
                    with:
                      clean: sometimes
                  - end: e
                    status: resolved
                """)
        }
        #expect(error.line == 6)
        #expect(error.problem == .invalidParameter("clean", owner: "the action `htaccess-regenerate`", value: "sometimes", expected: "true or false"))
    }

    @Test func `a slug list refuses a path in disguise and all mixed with names`() throws {
        for value in ["../../etc", "[akismet, all]", "wp-content/plugins/akismet"] {
            let error = try #require(throws: PlaybookFileError.self) {
                try parse("""
                    title: t
                    symptom: s
                    steps:
                      - do: disable-plugins
                        with:
                          plugins: \(value)
                      - end: e
                        status: resolved
                    """)
            }
            #expect(error.line == 6, "\(value)")
        }
    }

    @Test func `a placeholder must name a check or action that has the value`() throws {
        let error = try #require(throws: PlaybookFileError.self) {
            try parse("""
                title: t
                symptom: s
                steps:
                  - id: hello
                    say: Hello
                  - end: "{{hello.outcome}}"
                    status: resolved
                """)
        }
        #expect(error.problem == .placeholderStepHasNoValues("hello", kind: "say"))
        let malformed = try #require(throws: PlaybookFileError.self) {
            try parse("""
                title: t
                symptom: s
                steps:
                  - end: "Broken {{ placeholder"
                    status: resolved
                """)
        }
        #expect(malformed.problem == .malformedPlaceholder("{{ placeholder"))
        #expect(malformed.line == 4)
    }

    @Test func `a check whose every outcome is branched may close the playbook`() throws {
        let playbook = try parse("""
            title: t
            symptom: s
            steps:
              - goto: look
              - id: other
                end: e
                status: unresolved
              - id: look
                check: maintenance-file
                on:
                  present: other
                  absent: other
            """)
        #expect(playbook.steps.count == 3)
    }
}
