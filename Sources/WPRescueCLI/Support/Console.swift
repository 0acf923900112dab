import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the user sees goes through here: text or JSON on standard output,
/// one-line errors and notes on standard error.
final class Console {
    let format: GlobalOptions.Format
    let verbose: Bool

    init(format: GlobalOptions.Format, verbose: Bool) {
        self.format = format
        self.verbose = verbose
    }

    var isJSON: Bool { format == .json }

    /// The one rule for colour: only on a terminal, not for TERM=dumb, and never when NO_COLOR
    /// is set to anything but the empty string (no-color.org).
    static func allowsColour(on descriptor: Int32, environment: [String: String]) -> Bool {
        isatty(descriptor) != 0 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// A line of text output (ignored in JSON mode, where `emit(json:)` carries the result).
    /// Everything printed may carry text from the site, so it is made inert first (`TerminalText`).
    func line(_ text: String = "") {
        guard !isJSON else { return }
        print(TerminalText.inert(text))
    }

    func detail(_ text: String) {
        guard verbose, !isJSON else { return }
        print(TerminalText.inert(text))
    }

    /// A note that matters to a person even in JSON mode: goes to standard error.
    func note(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.inert(text) + "\n").utf8))
    }

    func error(_ message: String) {
        FileHandle.standardError.write(Data(("wprescue: \(TerminalText.inert(message))\n").utf8))
    }

    /// The one JSON style of every command's output: sorted keys, ISO 8601 dates.
    static func jsonEncoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    func emit<Value: Encodable>(json value: Value) throws {
        guard isJSON else { return }
        let data = try Self.jsonEncoder(pretty: true).encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Fixed-width columns for people; the last column is not padded.
    func table(_ header: [String], _ rows: [[String]]) {
        guard !isJSON else { return }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(TerminalText.inert(cells.joined(separator: "  ")))
        }
    }
}
