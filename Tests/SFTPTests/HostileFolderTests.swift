import Foundation
import Testing
import WPRescueKit
@testable import WPRescueSFTP
#if canImport(Glibc)
import Glibc
#endif

/// wprescue often runs as root on a site whose PHP user may be hostile: a link planted where
/// wprescue makes, moves or writes something must never turn root's power against the machine.
@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct HostileFolderTests {
    @Test func `a link swapped in for a folder wprescue just made never hands its target to the site's owner`() throws {
        let owner = try FileOwnershipTests.testUser()
        let scratch = try FileOwnershipTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let victim = scratch + "/passwd"
        try Data("root:x:0:0\n".utf8).write(to: URL(fileURLWithPath: victim))
        chmod(victim, 0o600)
        let folder = scratch + "/wp-content"
        mkdir(folder, 0o755)
        chown(folder, owner, gid_t(owner))
        let target = folder + "/wprescue-quarantine"

        // The site's PHP user, racing: each new folder is renamed away and a link put in its place.
        let racer = SymlinkRacer(target: target, linkTo: victim)
        racer.start()
        let fileSystem = LocalFileSystem()
        var created = 0
        for _ in 0..<400 {
            if unlink(target) != 0 { rmdir(target) }
            if (try? fileSystem.createDirectory(target, mode: 0o755)) != nil { created += 1 }
        }
        let swaps = racer.stop()

        var info = stat()
        #expect(lstat(victim, &info) == 0)
        #expect(info.st_uid == 0 && info.st_gid == 0, "the victim now belongs to \(info.st_uid):\(info.st_gid)")
        #expect(created > 0 && swaps > 0, "created \(created), swapped \(swaps)")
    }

    @Test func `a folder on the way that someone else linked elsewhere is refused, and nothing moves`() throws {
        let owner = try FileOwnershipTests.testUser()
        let scratch = try FileOwnershipTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let elsewhere = scratch + "/etc"
        mkdir(elsewhere, 0o755)
        let content = scratch + "/wp-content"
        try FileManager.default.createDirectory(atPath: content + "/plugins/evil", withIntermediateDirectories: true)
        try Data("<?php\n".utf8).write(to: URL(fileURLWithPath: content + "/plugins/evil/evil.php"))
        let quarantine = content + "/wprescue-quarantine"
        symlink(elsewhere, quarantine)
        lchown(quarantine, owner, gid_t(owner))
        let fileSystem = LocalFileSystem()

        #expect(throws: FileAccessError.symbolicLink(path: quarantine)) {
            try fileSystem.createDirectory(quarantine + "/plugins", mode: 0o755)
        }
        #expect(throws: FileAccessError.symbolicLink(path: quarantine)) {
            try fileSystem.move(content + "/plugins/evil", to: quarantine + "/evil")
        }
        #expect(throws: FileAccessError.symbolicLink(path: quarantine)) {
            try fileSystem.writeAtomically(quarantine + "/cron", contents: Data("* * * * * root sh\n".utf8), newFileMode: 0o644)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(FileManager.default.fileExists(atPath: content + "/plugins/evil/evil.php"))

        // The file itself being a link is refused too: neither replaced by a file nor written through.
        let config = content + "/wp-config.php"
        symlink(elsewhere + "/shared-config.php", config)
        #expect(throws: FileAccessError.symbolicLink(path: config)) {
            try fileSystem.writeAtomically(config, contents: Data("<?php\n".utf8), newFileMode: 0o644)
        }
    }

    @Test func `a link root made on the way is followed`() throws {
        let scratch = try FileOwnershipTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        mkdir(scratch + "/releases", 0o755)
        mkdir(scratch + "/releases/42", 0o755)
        symlink("releases/42", scratch + "/current")
        let fileSystem = LocalFileSystem()
        try fileSystem.createDirectory(scratch + "/current/wp-content", mode: 0o755)
        try fileSystem.writeAtomically(scratch + "/current/wp-content/index.php", contents: Data("<?php\n".utf8), newFileMode: 0o644)
        #expect(FileManager.default.fileExists(atPath: scratch + "/releases/42/wp-content/index.php"))
    }

    @Test func `a new file is readable by its writer only until it has its name`() throws {
        let scratch = try FileOwnershipTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = scratch + "/wp-config.php"
        try Data("<?php\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        let watcher = ScratchWatcher(folder: scratch)
        watcher.start()
        let fileSystem = LocalFileSystem()
        for round in 0..<200 {
            try fileSystem.writeAtomically(path, contents: Data("<?php // \(round)\n".utf8), newFileMode: 0o600)
        }
        let seen = watcher.stop()
        #expect(seen.modes.allSatisfy { $0 == 0o600 }, "scratch files seen with modes \(Set(seen.modes).map { String($0, radix: 8) })")
        #expect(seen.names.allSatisfy { $0.hasPrefix(".wp-config.php.wprescue-tmp-") && $0.count >= 28 + 32 }, "\(seen.names.prefix(3))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == ["wp-config.php"])
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o7777 == 0o644)
    }
}

/// Replaces a folder by a link as soon as it appears, until stopped; counts its swaps.
final class SymlinkRacer: @unchecked Sendable {
    private let target: String
    private let linkTo: String
    private let lock = NSLock()
    private var stopping = false
    private var swaps = 0
    private let finished = DispatchSemaphore(value: 0)

    init(target: String, linkTo: String) {
        self.target = target
        self.linkTo = linkTo
    }

    func start() {
        Thread.detachNewThread { [self] in
            var round = 0
            while !lock.withLock({ stopping }) {
                var info = stat()
                if lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                    round += 1
                    if rename(target, "\(target)-moved-\(round)") == 0, symlink(linkTo, target) == 0 {
                        lock.withLock { swaps += 1 }
                    }
                }
            }
            finished.signal()
        }
    }

    func stop() -> Int {
        lock.withLock { stopping = true }
        finished.wait()
        return lock.withLock { swaps }
    }
}

/// Lists a folder in a loop and records the name and mode of every scratch file it catches.
final class ScratchWatcher: @unchecked Sendable {
    struct Seen {
        var names: [String] = []
        var modes: [UInt16] = []
    }

    private let folder: String
    private let lock = NSLock()
    private var stopping = false
    private var seen = Seen()
    private let finished = DispatchSemaphore(value: 0)

    init(folder: String) { self.folder = folder }

    func start() {
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopping }) {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.contains("wprescue") {
                    var info = stat()
                    guard lstat(folder + "/" + name, &info) == 0 else { continue }
                    lock.withLock {
                        seen.names.append(name)
                        seen.modes.append(UInt16(info.st_mode & 0o7777))
                    }
                }
            }
            finished.signal()
        }
    }

    func stop() -> Seen {
        lock.withLock { stopping = true }
        finished.wait()
        return lock.withLock { seen }
    }
}
