import Foundation
import Testing
@testable import WPRescueCLI

/// The one place wprescue reads from a person, with scripted input.
struct TerminalTests {
    final class Script: @unchecked Sendable {
        var lines: [String]
        var written = ""
        var echo: [Bool] = []
        init(_ lines: [String]) { self.lines = lines }
        func read() -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    }

    func terminal(_ script: Script, interactive: Bool = true) -> Terminal {
        Terminal(isInteractive: interactive, readLine: script.read, write: { script.written += $0 },
                 setEcho: { script.echo.append($0); return true })
    }

    @Test func `--yes answers without asking; yes and y are yes, anything else no`() throws {
        let script = Script(["y", "Yes ", "no", ""])
        let asker = terminal(script)
        #expect(try asker.confirm("Go ahead?", assumeYes: true))
        #expect(script.written.isEmpty)
        #expect(try asker.confirm("Go ahead?", assumeYes: false))
        #expect(try asker.confirm("Go ahead?", assumeYes: false))
        #expect(try !asker.confirm("Go ahead?", assumeYes: false))
        #expect(try !asker.confirm("Go ahead?", assumeYes: false))
        #expect(try !asker.confirm("Go ahead?", assumeYes: false), "input ended")
        #expect(script.written.hasPrefix("Go ahead? [y/N] "))
    }

    @Test func `without a terminal a question is refused, not guessed`() {
        let asker = terminal(Script(["y"]), interactive: false)
        #expect(throws: CLIError.self) { try asker.confirm("Remove it?", assumeYes: false) }
    }

    @Test func `a hidden secret turns echo off and back on, and ends the line it was typed on`() {
        let script = Script(["s3cret"])
        #expect(terminal(script).hidden("Password: ") == "s3cret")
        #expect(script.echo == [false, true])
        #expect(script.written == "Password: \n")
        #expect(terminal(Script(["s3cret"]), interactive: false).hidden("Password: ") == nil, "never without a terminal")
    }

    @Test func `a secret is piped in when there is no terminal, never echoed on one`() {
        let piped = Script(["from-a-pipe"])
        #expect(terminal(piped, interactive: false).secret("New value: ") == "from-a-pipe")
        #expect(piped.written.isEmpty && piped.echo.isEmpty)
        #expect(terminal(Script([""]), interactive: false).secret("New value: ") == nil)
        let typed = Script(["typed"])
        #expect(terminal(typed).secret("New value: ") == "typed")
        #expect(typed.echo == [false, true])
    }

    @Test func `a numbered choice: the default on Enter, again after a wrong answer, nil when input ends`() {
        let script = Script(["7", "x", "2"])
        #expect(terminal(script).choose(count: 3, defaultChoice: 1, prompt: "Choice [1]: ") == 2)
        #expect(script.written.components(separatedBy: "Type a number from 1 to 3").count == 3)
        #expect(terminal(Script([""])).choose(count: 3, defaultChoice: 3, prompt: "> ") == 3)
        #expect(terminal(Script([])).choose(count: 3, defaultChoice: 1, prompt: "> ") == nil)
    }
}
