import Foundation
import Testing
import WPRescueKit
import WPRescueTestSupport
@testable import WPRescueSFTP
#if canImport(Glibc)
import Glibc
#endif

/// A rewritten file keeps its group and mode when wprescue runs as the site's own (non-root)
/// account, over SFTP and on the local disk; what cannot be kept is said, not hidden.
@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct FileOwnershipTests {
    static let config = Data("<?php\ndefine( 'DB_NAME', 'wordpress' );\n".utf8)
    static let edited = Data("<?php\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'WP_DEBUG', true );\n".utf8)

    @Test func `over SFTP a deploy:www-data 0640 file keeps its group and mode`() throws {
        let web = try TestSSHServer.webGroup
        let (server, fileSystem, path, warnings) = try Self.rewriteOverSFTP(group: web)
        defer { withExtendedLifetime(server) {} }

        let after = try #require(try Self.localStatus(path))
        #expect(after.st_gid == web, "group \(after.st_gid), wanted \(web)")
        #expect(after.st_mode & 0o7777 == 0o640)
        #expect(FileManager.default.contents(atPath: path) == Self.edited)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(try fileSystem.status(path)?.group == UInt32(web))
    }

    @Test func `over SFTP a group the account is not in is named in a warning`() throws {
        let (server, _, path, warnings) = try Self.rewriteOverSFTP(group: 0)
        defer { withExtendedLifetime(server) {} }

        #expect(FileManager.default.contents(atPath: path) == Self.edited)
        let warning = try #require(warnings.first)
        guard case .groupNotKept(let warned, let wanted, _) = warning else {
            Issue.record("expected a group warning, got \(warning)")
            return
        }
        #expect(warned == path && wanted.id == 0)
        #expect(warning.description.contains("chgrp 0 \(path)"), "\(warning)")
        #expect(try Self.localStatus(path).map { $0.st_mode & 0o7777 } == 0o640)
    }

    @Test func `a local edit as the site's own account keeps the group, and says when it cannot`() throws {
        let web = try TestSSHServer.webGroup
        let user = try Self.testUser()
        let fixture = try FixtureSite()
        let state = fixture.scratch + "/state-of-site-user"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try Self.giveTree(fixture.root, to: user)
        chown(state, user, gid_t(user))
        let config = fixture.root + "/wp-config.php"
        chown(config, user, web)
        chmod(config, 0o640)

        let debug = try Self.runAsTestUser(["--site", fixture.root, "config", "set", "WP_DEBUG", "true"], state: state)
        #expect(debug.status == 0, "\(debug.standardError)")
        let after = try #require(try Self.localStatus(config))
        #expect(after.st_gid == web && after.st_uid == user, "now \(after.st_uid):\(after.st_gid)")
        #expect(after.st_mode & 0o7777 == 0o640)
        #expect(!debug.standardError.contains("warning"), "\(debug.standardError)")

        // A group the account is not in cannot be kept: the change happens and one line says so.
        chown(config, user, 0)
        let again = try Self.runAsTestUser(["--site", fixture.root, "config", "set", "WP_DEBUG", "false"], state: state)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardError.contains("warning: \(config) now has group"), "\(again.standardError)")
        #expect(again.standardError.contains("`chgrp root \(config)`"), "\(again.standardError)")
        #expect(try Self.localStatus(config).map { $0.st_mode & 0o7777 } == 0o640)
    }

    @Test func `without posix-rename, a connection dropped between the two renames is put right by the next run`() throws {
        let server = try TestSSHServer()
        let state = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let path = server.scratchRoot + "/wp-config.php"
        try server.createFile(path, contents: Self.config, mode: 0o640)

        let first = try server.connect()
        first.replaceStrategy = .moveAside
        first.testHookBetweenRenames = { server.killConnections() }
        let journal = try Self.journal(on: first, root: server.scratchRoot, state: state)
        #expect(throws: (any Error).self) {
            try journal.apply(ChangePlan(command: "config set WP_DEBUG true", summary: "Set WP_DEBUG",
                                         changes: [.write(path: path, contents: Self.edited)]))
        }
        // What visitors would get now: no wp-config.php, the original set aside.
        #expect(!FileManager.default.fileExists(atPath: path))
        let names = try FileManager.default.contentsOfDirectory(atPath: server.scratchRoot)
        #expect(names.contains { $0.hasPrefix(".wp-config.php.wprescue-aside-") }, "\(names)")

        // The next run, whatever it is, puts the original back first; undo then has nothing left to do.
        let second = try server.connect()
        let again = try Self.journal(on: second, root: server.scratchRoot, state: state)
        let operation = try again.begin(command: "plugins list", summary: "nothing")
        try operation.finish()
        #expect(FileManager.default.contents(atPath: path) == Self.config)
        #expect(try Self.localStatus(path).map { $0.st_mode & 0o7777 } == 0o640)
        _ = try again.undo()
        #expect(FileManager.default.contents(atPath: path) == Self.config)
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.scratchRoot) == ["wp-config.php"])
    }

    @Test func `over SFTP the debug log goes above the web root when the site's owner owns that folder`() throws {
        let server = try TestSSHServer()
        let state = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let root = server.scratchRoot + "/public_html"
        for folder in [root, root + "/wp-content", root + "/wp-content/plugins"] {
            mkdir(folder, 0o755)
            chown(folder, try Self.testUser(), gid_t(try Self.testUser()))
        }
        try server.createFile(root + "/wp-settings.php", contents: Data("<?php\n".utf8))
        try server.createFile(root + "/wp-load.php", contents: Data("<?php\n".utf8))
        try server.createFile(root + "/wp-config.php", contents: Self.config, mode: 0o640)
        let site = try Site.open(path: root, fileSystem: try server.connect(), identityPrefix: "sftp://test",
                                 environment: ["WPRESCUE_STATE_DIR": state])
        // The hosting account's home (here the scratch folder) belongs to the site's owner, like ~ on shared hosting.
        #expect(try DebugLogLocation.preferred(for: site) == server.scratchRoot + "/wordpress-debug.log")
    }

    // MARK: - Helpers

    /// A `test-user:group 0640` wp-config.php rewritten over SFTP as the test user, and the warnings heard.
    static func rewriteOverSFTP(group: gid_t) throws -> (TestSSHServer, SFTPFileSystem, String, [FileAccessWarning]) {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        final class Heard: @unchecked Sendable { var warnings: [FileAccessWarning] = [] }
        let heard = Heard()
        fileSystem.warningHandler = { heard.warnings.append($0) }
        let path = server.scratchRoot + "/wp-config.php"
        try server.createFile(path, contents: Self.config, mode: 0o640)
        chown(path, try Self.testUser(), group)
        try fileSystem.writeAtomically(path, contents: Self.edited, newFileMode: 0o644)
        return (server, fileSystem, path, heard.warnings)
    }

    static func testUser() throws -> uid_t {
        guard let account = getpwnam(TestSSHServer.userName) else { throw TestServerError("no test user") }
        return account.pointee.pw_uid
    }

    static func localStatus(_ path: String) throws -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    static func temporaryFolder() throws -> String {
        var template = Array("/tmp/wprescue-state-test-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestServerError("mkdtemp failed") }
        return String(cString: created)
    }

    static func journal(on fileSystem: SFTPFileSystem, root: String, state: String) throws -> Journal {
        let directory = try SiteStateDirectory(siteIdentity: fileSystem.locationDescription + root,
                                               environment: ["WPRESCUE_STATE_DIR": state])
        return Journal(state: directory, fileSystem: fileSystem, siteRoot: root)
    }

    static func giveTree(_ root: String, to user: uid_t) throws {
        let enumerator = FileManager.default.enumerator(atPath: root)
        chown(root, user, gid_t(user))
        while let relative = enumerator?.nextObject() as? String { lchown(root + "/" + relative, user, gid_t(user)) }
        // The fixture's parent folders must let the account in.
        chmod(SitePath.parent(root), 0o755)
    }

    /// The built CLI run as the test user (its own groups included), with its own state folder.
    static func runAsTestUser(_ arguments: [String], state: String) throws -> CommandRunner.Result {
        try CommandRunner(stateDirectory: state, extraEnvironment: ["HOME": state]).runProcess("/usr/bin/setpriv",
            ["--reuid", TestSSHServer.userName, "--regid", TestSSHServer.userName, "--init-groups", CommandRunner.executable] + arguments)
    }
}
