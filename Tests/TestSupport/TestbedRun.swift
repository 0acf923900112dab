import Foundation
import Testing

/// One test's start on the shared test bed: the live site and its database put back to
/// pristine, the faults or variants it asks for injected, and a state folder of its own
/// for wprescue (journal, backups), with the CLI that uses it.
public struct TestbedRun {
    public let testbed: Testbed
    /// This test's `WPRESCUE_STATE_DIR`; nothing else uses it.
    public let state: String
    public let cli: CommandRunner

    /// `faults` are `scripts/testbed fault` arguments, injected in order after the reset.
    public init(_ faults: String..., extraEnvironment: [String: String] = [:]) throws {
        try self.init(faults: faults, extraEnvironment: extraEnvironment)
    }

    public init(faults: [String], extraEnvironment: [String: String] = [:]) throws {
        let testbed = try Testbed.load()
        try testbed.reset()
        if !faults.isEmpty { try testbed.inject(faults) }
        self.testbed = testbed
        state = NSTemporaryDirectory() + "wprescue-state-\(UUID().uuidString)"
        cli = CommandRunner(stateDirectory: state, extraEnvironment: extraEnvironment)
    }

    /// The command against the test bed's site (or another of its folders) through `backend`.
    @discardableResult
    public func run(_ backend: SiteBackend, path: String? = nil, _ arguments: [String], input: String? = nil) throws -> CommandRunner.Result {
        try cli.run(backend.siteArguments(testbed, path: path ?? testbed.sitePath) + arguments, input: input)
    }

    /// The JSON object a `--format json` command printed; the test fails with its output otherwise.
    public func json(_ result: CommandRunner.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                     "stdout: \(result.standardOutput) stderr: \(result.standardError)", sourceLocation: sourceLocation)
    }

    /// `probe`'s verdict for `url` (the nginx home page by default).
    public func verdict(_ url: String? = nil) throws -> String {
        let result = try cli.run(["probe", "--format", "json", "--url", url ?? testbed.nginxURL + "/"])
        return try #require(try json(result)["verdict"] as? String)
    }

    /// A secret the test bed keeps in a file (`WP_ADMIN_PASSWORD_FILE`, `DB_PASSWORD_FILE`...).
    public func secret(_ fileKey: String) throws -> String {
        let value = try String(contentsOfFile: testbed[fileKey], encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!value.isEmpty, "the test bed's \(fileKey) is empty")
        return value
    }
}

/// A suite whose tests each start with their own `TestbedRun`: it gets the test bed, the
/// state folder and the CLI under their usual names.
public protocol TestbedSuite {
    var bed: TestbedRun { get }
}

extension TestbedSuite {
    public var testbed: Testbed { bed.testbed }
    public var state: String { bed.state }
    public var cli: CommandRunner { bed.cli }
}
