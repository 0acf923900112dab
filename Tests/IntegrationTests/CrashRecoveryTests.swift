import Foundation
import Testing
import WPRescueTestSupport

/// kill -9 at any instant must leave a state that `undo --all` brings back byte-for-byte.
@Suite(.serialized)
struct CrashRecoveryTests {
    enum Moment: String, CaseIterable {
        /// The step is in the journal but has not happened yet.
        case afterIntent = "\"event\":\"intent\""
        /// The step happened and is marked done; the next has not started.
        case afterDone = "\"event\":\"done\""
    }

    /// Kills `plugins disable --all` after its k-th step is recorded, then kills the undo
    /// partway too, then lets undo finish.
    @Test(arguments: [0, 1, 2, 30, 63], Moment.allCases)
    func `restores every plugin after kill -9 mid-disable`(step: Int, moment: Moment) throws {
        let fixture = try FixtureSite(plugins: 60)
        let pristine = try TreeSnapshot(of: fixture.root)
        // Each step pauses 20 ms at both moments, so the kill lands where the test says.
        let slow = CommandRunner(stateDirectory: fixture.scratch, extraEnvironment: ["WPRESCUE_TEST_STEP_DELAY_MS": "20"])
        let running = try slow.start(["--site", fixture.root, "plugins", "disable", "--all"])
        let reached = JournalWatch.wait(in: fixture.scratch, forMarker: moment.rawValue, count: step + 1)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(reached, "the journal reached step \(step)")
        #expect(running.process.terminationReason == .uncaughtSignal, "the process was still running when killed")

        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let history = try cli.run(["--site", fixture.root, "history"])
        #expect(history.standardOutput.contains("interrupted"), "\(history.standardOutput)")
        #expect(try TreeSnapshot(of: fixture.root) != pristine || (step == 0 && moment == .afterIntent),
                "the kill landed after something moved")

        let interruptedUndo = try slow.start(["--site", fixture.root, "undo", "--all", "--yes"])
        _ = JournalWatch.wait(in: fixture.scratch, forMarker: "\"event\":\"reverted\"", count: 1)
        kill(interruptedUndo.process.processIdentifier, SIGKILL)
        interruptedUndo.process.waitUntilExit()

        let undo = try cli.run(["--site", fixture.root, "undo", "--all", "--yes"])
        // The killed undo may have finished its last step already; then there is nothing left.
        #expect(undo.succeeded || undo.standardError.contains("Nothing to undo"), "\(undo.standardError)")
        let after = try TreeSnapshot(of: fixture.root)
        #expect(after == pristine, "differs at \(after.differences(from: pristine).prefix(5))")
    }
}
