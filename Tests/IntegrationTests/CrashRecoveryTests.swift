import Foundation
import Testing
import WPRescueTestSupport

/// kill -9 at any instant must leave a state that `undo --all` brings back byte-for-byte.
@Suite(.serialized)
struct CrashRecoveryTests {
    enum Moment: String, CaseIterable {
        /// The step is in the journal but has not happened yet.
        case afterIntent = "intent"
        /// The step happened and is marked done; the next has not started.
        case afterDone = "done"
    }

    /// Kills `plugins disable --all` after its k-th step is recorded, then kills the undo
    /// partway too, then lets undo finish.
    @Test(arguments: [0, 1, 2, 30, 63], Moment.allCases)
    func `restores every plugin after kill -9 mid-disable`(step: Int, moment: Moment) throws {
        let fixture = try FixtureSite(plugins: 60)
        let pristine = try TreeSnapshot(of: fixture.root)
        // The process stops itself right after that record is on disk, so the kill lands exactly
        // there, however busy the machine is.
        let stopping = CommandRunner(stateDirectory: fixture.scratch,
                                     extraEnvironment: StoppedProcess.environment(stoppingAfter: moment.rawValue, count: step + 1))
        let running = try stopping.start(["--site", fixture.root, "plugins", "disable", "--all"])
        let reached = StoppedProcess.wait(for: running.process.processIdentifier)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(reached, "the journal reached step \(step)")
        #expect(running.process.terminationReason == .uncaughtSignal, "the process was still running when killed")

        let cli = CommandRunner(stateDirectory: fixture.scratch)
        let history = try cli.run(["--site", fixture.root, "history"])
        #expect(history.standardOutput.contains("interrupted"), "\(history.standardOutput)")
        // Only a kill between recording the first step and doing it leaves the tree untouched.
        let nothingMoved = step == 0 && moment == .afterIntent
        #expect((try TreeSnapshot(of: fixture.root) == pristine) == nothingMoved, "the kill landed where the test says")

        // The undo is killed too, after its first step is reverted (a step recorded but never
        // done counts: undo marks it reverted without touching anything).
        let undoStopping = CommandRunner(stateDirectory: fixture.scratch,
                                         extraEnvironment: StoppedProcess.environment(stoppingAfter: "reverted", count: 1))
        let interruptedUndo = try undoStopping.start(["--site", fixture.root, "undo", "--all", "--yes"])
        let undoStopped = StoppedProcess.wait(for: interruptedUndo.process.processIdentifier)
        kill(interruptedUndo.process.processIdentifier, SIGKILL)
        interruptedUndo.process.waitUntilExit()
        #expect(undoStopped, "the undo was killed after its first revert")

        let undo = try cli.run(["--site", fixture.root, "undo", "--all", "--yes"])
        // Undoing a 1-step disable that the killed undo already reverted leaves nothing to do.
        #expect(undo.succeeded || undo.standardError.contains("Nothing to undo"), "\(undo.standardError)")
        let after = try TreeSnapshot(of: fixture.root)
        #expect(after == pristine, "differs at \(after.differences(from: pristine).prefix(5))")
    }
}
