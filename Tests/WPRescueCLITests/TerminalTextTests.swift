import Testing
@testable import WPRescueCLI

/// Site text reaches the terminal inert: no escape sequence from a hacked log runs.
struct TerminalTextTests {
    @Test func `escape sequences are shown, not run`() {
        let hostile = "PHP Fatal error: \u{1B}]52;c;Y3VybCBldmlsfHNo\u{07}boom \u{1B}[2J\u{1B}[1;1H\u{9B}31m done\r"
        let shown = TerminalText.inert(hostile)
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(shown == "PHP Fatal error: ^[]52;c;Y3VybCBldmlsfHNo^Gboom ^[[2J^[[1;1H\\u{9b}31m done^M")
    }

    @Test func `newlines, tabs and ordinary text are left alone`() {
        let text = "Plugin: Akismet Anti-Spam\tv5.0\nDéjà vu 日本語 ✓"
        #expect(TerminalText.inert(text) == text)
    }

    @Test func `wprescue's own colours survive where it asks, nothing else does`() {
        let styled = "\u{1B}[1mCheck\u{1B}[0m \u{1B}]0;owned\u{07}"
        #expect(TerminalText.inert(styled, keepingColour: true) == "\u{1B}[1mCheck\u{1B}[0m ^[]0;owned^G")
        #expect(TerminalText.inert(styled) == "^[[1mCheck^[[0m ^[]0;owned^G")
    }
}
