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
        // Only a kill between recording the first step and doing it leaves the tree untouched,
        // but for the lock the killed run still holds on the site (the next run takes it over).
        let nothingMoved = step == 0 && moment == .afterIntent
        let killed = try TreeSnapshot(of: fixture.root)
        #expect(killed.entries["wp-content/.wprescue-lock/holder"] != nil, "the killed run held the lock on the site")
        #expect((killed.excluding("wp-content/.wprescue-lock") == pristine) == nothingMoved, "the kill landed where the test says")

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

    enum WriteMoment: String, CaseIterable {
        /// The new contents are written and flushed under their scratch name.
        case scratchWritten = "scratch-written"
        /// The scratch file has the real name; its final mode is not set yet.
        case renamed
    }

    /// Kills `config set` inside its atomic write of wp-config.php: nothing readable by others
    /// is ever left in the web root, and undo brings back the contents and the mode.
    @Test(arguments: WriteMoment.allCases)
    func `a config write killed inside its atomic write leaves nothing readable, and undo restores contents and mode`(moment: WriteMoment) throws {
        let fixture = try FixtureSite()
        let config = fixture.root + "/wp-config.php"
        chmod(config, 0o640)
        let pristine = try TreeSnapshot(of: fixture.root)
        let original = try Data(contentsOf: URL(fileURLWithPath: config))
        // The second atomic write: the first is the holder file of the lock on the site.
        let stopping = CommandRunner(stateDirectory: fixture.scratch,
                                     extraEnvironment: StoppedProcess.environment(stoppingAfter: moment.rawValue, count: 2))
        let running = try stopping.start(["--site", fixture.root, "config", "set", "WP_DEBUG", "true"])
        let reached = StoppedProcess.wait(for: running.process.processIdentifier)
        #expect(reached, "the write reached \(moment.rawValue)")

        let scratch = try FileManager.default.contentsOfDirectory(atPath: fixture.root).filter { $0.contains("wprescue-tmp") }
        for name in scratch {
            let mode = try FileManager.default.attributesOfItem(atPath: fixture.root + "/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
        #expect(scratch.count == (moment == .scratchWritten ? 1 : 0), "\(scratch)")
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()

        let undo = try CommandRunner(stateDirectory: fixture.scratch).run(["--site", fixture.root, "undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: config)) == original)
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? Int
        #expect(mode == 0o640, "wp-config.php has mode \(String(mode ?? 0, radix: 8))")
        let after = try TreeSnapshot(of: fixture.root)
        #expect(after == pristine, "differs at \(after.differences(from: pristine).prefix(5))")
    }
}
