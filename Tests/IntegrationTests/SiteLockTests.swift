import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
    /// Two wprescue runs reaching one site by different paths (the local disk as root, SFTP as the
    /// site's owner) each have their own state folder; the lock on the site itself keeps them apart.
    @Suite struct SiteLockTests {
        @Test func `a second run through another access path is refused while the first holds the site`() throws {
            let testbed = try Testbed.load()
            try testbed.reset()
            let pristine = try TreeSnapshot(of: testbed.sitePath)
            let scratch = NSTemporaryDirectory() + "wprescue-lock-\(UUID().uuidString)"
            let stopping = CommandRunner(stateDirectory: scratch + "/root",
                                         extraEnvironment: StoppedProcess.environment(stoppingAfter: "intent", count: 1))
            let first = try stopping.start(SiteBackend.local.siteArguments(testbed) + ["plugins", "disable", "--all"])
            let pid = first.process.processIdentifier
            #expect(StoppedProcess.wait(for: pid), "the local run holds the site")

            let other = CommandRunner(stateDirectory: scratch + "/deploy")
            let second = try other.run(SiteBackend.sftp.siteArguments(testbed) + ["plugins", "disable", "akismet"])
            #expect(second.status == 1, "\(second.standardOutput)\(second.standardError)")
            #expect(second.standardError.contains("Another wprescue is already changing"), "\(second.standardError)")
            #expect(second.standardError.contains("pid \(pid)"), "the holder is named: \(second.standardError)")
            #expect(second.standardError.split(separator: "\n").count == 1)

            kill(pid, SIGKILL)
            first.process.waitUntilExit()
            // The holder died on this machine: the next run takes the lock over and undoes it.
            let undo = try CommandRunner(stateDirectory: scratch + "/root").run(SiteBackend.local.siteArguments(testbed) + ["undo", "--all", "--yes"])
            #expect(undo.succeeded, "\(undo.standardError)")
            let after = try TreeSnapshot(of: testbed.sitePath)
            #expect(after == pristine, "differs at \(after.differences(from: pristine).prefix(5))")
            let later = try other.run(SiteBackend.sftp.siteArguments(testbed) + ["plugins", "disable", "akismet"])
            #expect(later.succeeded, "\(later.standardError)")
            #expect(try other.run(SiteBackend.sftp.siteArguments(testbed) + ["undo"]).succeeded)
        }
    }
}
