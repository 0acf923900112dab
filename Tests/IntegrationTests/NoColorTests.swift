import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// Colour follows no-color.org: only on a terminal, and never when NO_COLOR is set to a
/// non-empty value (an empty one does not count). `script` gives the command a real terminal.
@Suite
struct NoColorTests {
    let testbed: Testbed

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
    }

    /// The first lines of `playbook run` (the only coloured output) on a terminal, with `setting` before the command.
    func screen(_ setting: String) throws -> String {
        let state = NSTemporaryDirectory() + "wprescue-nocolor-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let command = "\(setting) WPRESCUE_STATE_DIR='\(state)' '\(CommandRunner.executable)' --site '\(testbed.sitePath)' "
            + "playbook run maintenance-stuck --url '\(testbed.nginxURL)/' --settle 0 --confirm-delays 0"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NO_COLOR")
        environment["TERM"] = "xterm"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        try #require(text.contains("Stuck in maintenance mode"), "the playbook did not start: \(text)")
        return text
    }

    @Test func `a terminal gets colour`() throws {
        #expect(try screen("").contains("\u{1B}["))
    }

    @Test(arguments: ["NO_COLOR=1", "NO_COLOR=false", "TERM=dumb"])
    func `NO_COLOR with any value, or a dumb terminal, gets none`(setting: String) throws {
        #expect(!(try screen("export \(setting);")).contains("\u{1B}["))
    }

    @Test func `an empty NO_COLOR does not turn colour off`() throws {
        #expect(try screen("export NO_COLOR=;").contains("\u{1B}["))
    }
}
}
