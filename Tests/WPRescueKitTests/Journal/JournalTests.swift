import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

struct JournalTests {
    func open(_ fixture: FixtureSite) throws -> Site {
        try Site.open(path: fixture.root, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                      environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
    }

    @Test func `undo restores every kind of change byte-for-byte`() throws {
        let fixture = try FixtureSite()
        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>", mode: 0o640)
        try fixture.write(".htaccess", "# BEGIN WordPress\nbroken\n", mode: 0o604)
        let before = try TreeSnapshot(of: fixture.root)
        let site = try open(fixture)
        let plan = ChangePlan(command: "test", summary: "every kind", changes: [
            .createDirectory(path: fixture.path("wp-content/new-folder")),
            .move(from: fixture.path("wp-content/plugins/akismet"), to: fixture.path("wp-content/new-folder/akismet")),
            .write(path: fixture.path(".htaccess"), contents: Data("# BEGIN WordPress\nfixed\n".utf8)),
            .write(path: fixture.path("wp-content/created.txt"), contents: Data("new\n".utf8)),
            .removeFile(path: fixture.path(".maintenance")),
        ])
        try site.journal.apply(plan)
        #expect(try fixture.read(".htaccess") == "# BEGIN WordPress\nfixed\n")
        #expect(!fixture.exists(".maintenance"))
        #expect(try FileManager.default.attributesOfItem(atPath: fixture.path(".htaccess"))[.posixPermissions] as? Int == 0o604,
                "an atomic write keeps the file's mode")
        try site.journal.undo()
        let after = try TreeSnapshot(of: fixture.root)
        #expect(after == before, "differs at \(after.differences(from: before))")
    }

    @Test func `a step that fails puts back the steps before it`() throws {
        let fixture = try FixtureSite()
        let before = try TreeSnapshot(of: fixture.root)
        let site = try open(fixture)
        let plan = ChangePlan(command: "test", summary: "fails at step 3", changes: [
            .createDirectory(path: fixture.path("wp-content/q")),
            .move(from: fixture.path("wp-content/plugins/akismet"), to: fixture.path("wp-content/q/akismet")),
            .move(from: fixture.path("wp-content/plugins/vanished"), to: fixture.path("wp-content/q/vanished")),
        ])
        #expect(throws: JournalError.fileAccess(.notFound(path: fixture.path("wp-content/plugins/vanished")))) {
            try site.journal.apply(plan)
        }
        #expect(try TreeSnapshot(of: fixture.root) == before)
        #expect(try site.journal.history().map(\.status) == [.undone])
        #expect(throws: JournalError.nothingToUndo) { try site.journal.undo() }
    }

    @Test func `undo leaves alone a file someone changed since, unless forced`() throws {
        let fixture = try FixtureSite()
        let site = try open(fixture)
        try site.journal.apply(ChangePlan(command: "test", summary: "edit", changes: [
            .write(path: fixture.path(".htaccess"), contents: Data("ours\n".utf8)),
        ]))
        try fixture.write(".htaccess", "edited by the owner afterwards\n")
        #expect(throws: JournalError.self) { try site.journal.undo() }
        #expect(try fixture.read(".htaccess") == "edited by the owner afterwards\n")
        try site.journal.undo(force: true)
        #expect(!fixture.exists(".htaccess"), "the file did not exist before the operation")
    }

    @Test func `undo is idempotent and history tells the state`() throws {
        let fixture = try FixtureSite()
        let site = try open(fixture)
        let first = try site.journal.apply(ChangePlan(command: "a", summary: "first", changes: [
            .move(from: fixture.path("wp-content/plugins/hello.php"), to: fixture.path("wp-content/hello.php")),
        ]))
        let second = try site.journal.apply(ChangePlan(command: "b", summary: "second", changes: [
            .move(from: fixture.path("wp-content/plugins/akismet"), to: fixture.path("wp-content/akismet")),
        ]))
        #expect(try site.journal.pendingUndo(all: true).map(\.id) == [second, first])
        #expect(try site.journal.undo().id == second)
        #expect(try site.journal.history().map(\.status) == [.applied, .undone])
        #expect(try site.journal.undo(operation: second).status == .undone, "undoing twice is harmless")
        try site.journal.undo()
        #expect(fixture.exists("wp-content/plugins/hello.php") && fixture.exists("wp-content/plugins/akismet"))
        #expect(throws: JournalError.nothingToUndo) { try site.journal.undo() }
    }

    @Test func `the journal and its backups never hold secrets where others can read them`() throws {
        let fixture = try FixtureSite()
        let site = try open(fixture)
        let config = try fixture.read("wp-config.php")
        try site.journal.apply(ChangePlan(command: "config set WP_DEBUG true", summary: "edit config", changes: [
            .write(path: fixture.path("wp-config.php"), contents: Data(config.replacingOccurrences(of: "false", with: "true").utf8)),
        ]))
        let journal = try String(contentsOfFile: site.journal.state.journalFile, encoding: .utf8)
        #expect(!journal.contains("fixture-secret-Zq8"))
        #expect(!journal.contains("fixture-auth-key"))
        let manager = FileManager.default
        #expect(try manager.attributesOfItem(atPath: site.journal.state.journalFile)[.posixPermissions] as? Int == 0o600)
        #expect(try manager.attributesOfItem(atPath: site.journal.state.path)[.posixPermissions] as? Int == 0o700)
        let backups = try #require(manager.enumerator(atPath: site.journal.state.backupsDirectory))
        var backupCount = 0
        while let file = backups.nextObject() as? String {
            guard file.hasSuffix(".before") || file.hasSuffix(".after") else { continue }
            backupCount += 1
            #expect(try manager.attributesOfItem(atPath: site.journal.state.backupsDirectory + "/" + file)[.posixPermissions] as? Int == 0o600)
        }
        #expect(backupCount == 2)
        #expect(!SitePath.isInside(site.journal.state.path, root: fixture.root))
    }

    @Test func `a torn last line from a crash is ignored`() throws {
        let fixture = try FixtureSite()
        let site = try open(fixture)
        try site.journal.apply(ChangePlan(command: "a", summary: "first", changes: [
            .move(from: fixture.path("wp-content/plugins/hello.php"), to: fixture.path("wp-content/hello.php")),
        ]))
        let handle = try #require(FileHandle(forWritingAtPath: site.journal.state.journalFile))
        handle.seekToEndOfFile()
        handle.write(Data("{\"event\":\"begin\",\"operat".utf8))
        try handle.close()
        #expect(try site.journal.history().count == 1)
        #expect(try site.journal.damagedLines() == [5])
        // The torn line does not swallow the next record.
        try site.journal.apply(ChangePlan(command: "b", summary: "second", changes: [.createDirectory(path: fixture.path("made"))]))
        #expect(try site.journal.history().map(\.summary) == ["first", "second"])
        try site.journal.undo()
        try site.journal.undo()
        #expect(fixture.exists("wp-content/plugins/hello.php"))
        #expect(!fixture.exists("made"))
        #expect(try site.journal.damagedLines() == [5])
    }

    @Test func `a state folder someone else could have planted is refused`() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("planted-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base + "/sites", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let environment = ["WPRESCUE_STATE_DIR": base]

        chmod(base + "/sites", 0o777)
        #expect(throws: JournalError.stateDirectoryUntrusted(path: base + "/sites", reason: "others may write in it (mode 777)")) {
            try SiteStateDirectory(siteIdentity: "local:/var/www/html", environment: environment)
        }
        chmod(base + "/sites", 0o700)
        if geteuid() == 0 {
            chown(base + "/sites", 33, 33)
            #expect(throws: JournalError.stateDirectoryUntrusted(path: base + "/sites", reason: "it belongs to user 33, not to you (0)")) {
                try SiteStateDirectory(siteIdentity: "local:/var/www/html", environment: environment)
            }
            chown(base + "/sites", 0, 0)
        }
        // A link in place of the site's folder, pointing at a journal someone prepared.
        let name = SiteStateDirectory.folderName(for: "local:/var/www/html")
        try FileManager.default.createDirectory(atPath: base + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/sites/" + name, withDestinationPath: base + "/elsewhere")
        #expect(throws: JournalError.stateDirectoryUntrusted(path: base + "/sites/" + name, reason: "it is not a folder (a link, say)")) {
            try SiteStateDirectory(siteIdentity: "local:/var/www/html", environment: environment)
        }
    }

    @Test func `a second wprescue on the same site is turned away`() throws {
        let fixture = try FixtureSite()
        let site = try open(fixture)
        let lock = try SiteLock(state: site.journal.state)
        #expect(throws: JournalError.siteBusy(site: site.identity, holder: nil)) {
            try site.journal.apply(ChangePlan(command: "a", summary: "b", changes: [.createDirectory(path: fixture.path("x"))]))
        }
        withExtendedLifetime(lock) {}
    }
}
