import Foundation
import Testing
import WPRescueTestSupport

/// The exit statuses the README's table promises, checked on every command of the tree (read
/// from `--experimental-dump-help`, so a new command is covered without editing this file).
struct ExitStatusTests {
    private let runner = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-exit-state")

    /// Every command path below the root: ["plugins"], ["plugins", "list"], ...
    private func commandPaths() throws -> [[String]] {
        let dump = try runner.run(["--experimental-dump-help"])
        try #require(dump.status == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.standardOutput.utf8)) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], path: [String]) {
            for case let child as [String: Any] in (command["subcommands"] as? [Any]) ?? [] {
                guard let name = child["commandName"] as? String, name != "help" else { continue }
                paths.append(path + [name])
                walk(child, path: path + [name])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), path: [])
        return paths
    }

    @Test func `every command answers 64 and one line to an unknown option, 0 to --help`() throws {
        let paths = try commandPaths()
        try #require(paths.count > 20, "the command tree looks too small: \(paths)")
        for path in paths {
            let mistake = try runner.run(path + ["--no-such-option"])
            #expect(mistake.status == 64, "\(path.joined(separator: " ")): \(mistake.status)")
            let lines = mistake.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("wprescue: ") == true, "\(path): \(mistake.standardError)")
            #expect(mistake.standardOutput.isEmpty)
            #expect(try runner.run(path + ["--help"]).status == 0, "\(path) --help")
        }
    }

    @Test func `a command that needs a site and has none exits 1 with one line`() throws {
        for path in [["plugins", "list"], ["diagnose"], ["history"], ["config", "list"], ["undo"]] {
            let result = try runner.run(path)
            #expect(result.status == 1, "\(path): \(result.status)")
            #expect(result.standardError == "wprescue: No site given: pass --site PATH (or sftp://user@host/path, or @alias), or set WPRESCUE_SITE.\n", "\(path): \(result.standardError)")
        }
    }
}
