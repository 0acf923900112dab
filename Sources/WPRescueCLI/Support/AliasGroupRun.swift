import ArgumentParser
import Foundation
import WPRescueKit

/// A read-only command (probe, diagnose) given an alias group (`--site @all`): each site is
/// checked by its own wprescue process, exactly as if it had been named alone (its own
/// connection, its own alias settings), one after the other. The exit status is the worst:
/// 2 when any site is broken, else 1 when any could not be checked.
enum AliasGroupRun {
    struct Group {
        let name: String
        let members: [String]
    }

    /// The group `--site` (or WPRESCUE_SITE) names, nil for anything else.
    static func group(named address: String?, environment: [String: String]) throws -> Group? {
        guard let address, address.hasPrefix("@") else { return nil }
        let files = SiteAliases.searchPaths(currentDirectory: FileManager.default.currentDirectoryPath, environment: environment)
        guard let members = try SiteAliases.members(of: address, searchPaths: files) else { return nil }
        return Group(name: String(address.dropFirst()), members: members)
    }

    static func run(_ group: Group, console: Console, environment: [String: String]) throws {
        var sites: [[String: Any]] = []
        var statuses: [Int32] = []
        for member in group.members {
            let process = Process()
            process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = argumentsWithoutSite(Array(CommandLine.arguments.dropFirst()))
            var memberEnvironment = environment
            memberEnvironment["WPRESCUE_SITE"] = "@" + member
            process.environment = memberEnvironment
            // Standard input and error stay the terminal's: prompts and one-line errors reach the person.
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let status = process.terminationReason == .exit ? process.terminationStatus : 1
            statuses.append(status)
            console.line("@\(member):")
            console.line(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines))
            console.line()
            sites.append(["alias": member, "exitStatus": status,
                          "result": (try? JSONSerialization.jsonObject(with: data)) ?? NSNull()])
        }
        if console.isJSON {
            let document: [String: Any] = ["group": group.name, "sites": sites]
            var json = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            json.append(contentsOf: Array("\n".utf8))
            FileHandle.standardOutput.write(json)
        }
        if statuses.contains(2) { throw ExitCode(2) }
        if statuses.contains(where: { $0 != 0 }) { throw ExitCode.failure }
    }

    /// The command line minus `--site`, which each member gets through WPRESCUE_SITE instead.
    static func argumentsWithoutSite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { result += arguments[index...]; break }
            if argument == "--site" {
                index += 2
                continue
            }
            if !argument.hasPrefix("--site=") { result.append(argument) }
            index += 1
        }
        return result
    }
}
