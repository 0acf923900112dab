import Foundation

/// The project's real WordPress test bed (scripts/testbed): MariaDB, nginx + PHP-FPM,
/// Apache, sshd, all on loopback. Tests that need it are enabled when it is up, and when
/// WPRESCUE_REQUIRE_INTEGRATION=1 (as scripts/test and CI set) they run and fail without it.
public struct Testbed: Sendable {
    public let values: [String: String]

    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    public static let script = packageRoot + "/scripts/testbed"

    public static var required: Bool { ProcessInfo.processInfo.environment["WPRESCUE_REQUIRE_INTEGRATION"] == "1" }

    /// True when tests that need the test bed should run (and, if it is down, fail).
    public static var shouldRun: Bool { required || (try? Testbed.load()) != nil }

    public enum Failure: Error, CustomStringConvertible {
        case unavailable(String)
        case command(String)
        public var description: String {
            switch self {
            case .unavailable(let detail): return "the test bed is not up (run scripts/testbed up): \(detail)"
            case .command(let detail): return detail
            }
        }
    }

    /// Reads `scripts/testbed env` from a running test bed.
    public static func load() throws -> Testbed {
        let result = try run(["env"])
        guard result.status == 0 else { throw Failure.unavailable(result.output) }
        var values: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            values[String(line[..<equals])] = value
        }
        guard values["SITE_PATH"] != nil else { throw Failure.unavailable("no SITE_PATH in `scripts/testbed env`") }
        let testbed = Testbed(values: values)
        let status = try run(["status"])
        guard status.status == 0 else { throw Failure.unavailable(status.output) }
        return testbed
    }

    public subscript(key: String) -> String {
        values[key] ?? ""
    }

    public var sitePath: String { self["SITE_PATH"] }
    public var nginxURL: String { self["NGINX_URL"] }
    public var apacheURL: String { self["APACHE_URL"] }

    /// Puts the site back to pristine (files and database).
    public func reset() throws { try Self.check(["reset"]) }

    public func inject(_ faults: String...) throws { try Self.check(["fault"] + faults) }

    public func inject(_ faults: [String]) throws { try Self.check(["fault"] + faults) }

    static func check(_ arguments: [String]) throws {
        let result = try run(arguments)
        guard result.status == 0 else { throw Failure.command("scripts/testbed \(arguments.joined(separator: " ")) failed: \(result.output)") }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
