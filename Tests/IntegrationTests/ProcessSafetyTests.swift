import Foundation
import Testing
import WPRescueTestSupport

/// wprescue holds database and SSH passwords in memory while it runs.
struct ProcessSafetyTests {
    @Test func `a running wprescue never writes a core file`() throws {
        let fixture = try FixtureSite(plugins: 2)
        let stopping = CommandRunner(stateDirectory: fixture.scratch,
                                     extraEnvironment: StoppedProcess.environment(stoppingAfter: "intent", count: 1))
        let running = try stopping.start(["--site", fixture.root, "plugins", "disable", "--all"])
        let pid = running.process.processIdentifier
        defer {
            kill(pid, SIGKILL)
            running.process.waitUntilExit()
        }
        #expect(StoppedProcess.wait(for: pid), "the process reached its first step")
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"], "\(core)")
    }
}
