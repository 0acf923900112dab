import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place wprescue reads from the person at the keyboard: yes/no questions, secrets typed
/// without echo, and numbered choices. Questions go to standard error, so standard output stays
/// the command's result (JSON included). Without a terminal nothing is asked: the caller gets an
/// error to show, or the input piped in where that is allowed.
final class Terminal {
    /// Whether standard input is a terminal a person types at.
    let isInteractive: Bool
    private let readLine: () -> String?
    private let write: (String) -> Void
    private let setEcho: (Bool) -> Bool

    init(isInteractive: Bool = isatty(STDIN_FILENO) != 0,
         readLine: @escaping () -> String? = { Swift.readLine(strippingNewline: true) },
         write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
         setEcho: @escaping (Bool) -> Bool = Terminal.setStandardInputEcho) {
        self.isInteractive = isInteractive
        self.readLine = readLine
        self.write = write
        self.setEcho = setEcho
    }

    /// Asks a yes/no question; `assumeYes` (--yes) answers for the person. Without a terminal and
    /// without `assumeYes`, refuses rather than guess.
    func confirm(_ question: String, assumeYes: Bool) throws -> Bool {
        if assumeYes { return true }
        guard isInteractive else { throw CLIError.confirmationNeeded(question) }
        write("\(question) [y/N] ")
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// A secret typed at a prompt without echo; nil without a terminal or when input ends.
    func hidden(_ prompt: String) -> String? {
        guard isInteractive else { return nil }
        write(prompt)
        let hid = setEcho(false)
        defer {
            if hid { _ = setEcho(true) }
            write("\n")
        }
        return readLine()
    }

    /// A secret: typed without echo on a terminal, else the first line of standard input
    /// (`printf '%s\n' "$secret" | wprescue config set DB_PASSWORD`). Never from argv.
    func secret(_ prompt: String) -> String? {
        if isInteractive { return hidden(prompt) }
        guard let line = readLine(), !line.isEmpty else { return nil }
        return line
    }

    /// A choice among numbered lines already shown: the number typed, `defaultChoice` for an
    /// empty answer; asks again after anything else. Nil when input ends.
    func choose(count: Int, defaultChoice: Int, prompt: String) -> Int? {
        while true {
            write(prompt)
            guard let typed = readLine() else { return nil }
            let trimmed = typed.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return defaultChoice }
            if let choice = Int(trimmed), (1...count).contains(choice) { return choice }
            write("Type a number from 1 to \(count), or press Enter for \(defaultChoice).\n")
        }
    }

    /// Turns echo of standard input on or off; false when it is not a terminal that can.
    static func setStandardInputEcho(_ on: Bool) -> Bool {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return false }
        if on { settings.c_lflag |= tcflag_t(ECHO) } else { settings.c_lflag &= ~tcflag_t(ECHO) }
        return tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0
    }
}
