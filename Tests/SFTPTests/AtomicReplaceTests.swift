import Foundation
import Testing
import WPRescueKit
@testable import WPRescueSFTP

@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct AtomicReplaceTests {
    static let old = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
    static let new = Data((0..<450_000).map { UInt8(truncatingIfNeeded: $0 % 241 + 7) })

    @Test func `replaces through posix-rename, keeps the mode, and readers never see a partial file`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        let path = server.scratchRoot + "/wp-config.php"
        try server.createFile(path, contents: Self.old, mode: 0o604)

        let reader = ConcurrentReader(path: path, allowed: [Self.old, Self.new])
        reader.start()
        for round in 0..<16 { try fileSystem.writeAtomically(path, contents: round.isMultiple(of: 2) ? Self.new : Self.old, newFileMode: 0o600) }
        let report = reader.stop()

        #expect(report.reads > 0)
        #expect(report.unexpected.isEmpty, "sizes seen that are neither version: \(report.unexpected)")
        #expect(report.missing == 0)
        #expect(try fileSystem.read(path, limit: 1 << 20) == Self.old)
        #expect(try fileSystem.status(path)?.permissions == 0o604)
        #expect(try fileSystem.list(server.scratchRoot).map(\.name) == ["wp-config.php"])
        #expect(fileSystem.replacesByPOSIXRename == 16 && fileSystem.replacesByMovingAside == 0)
        // The extension requests go over a second SFTP channel of the same connection.
        #expect(server.log.contains("subsystem 'sftp' for \(TestSSHServer.userName) from 127.0.0.1 port") && server.log.contains(" id 1"))
    }

    @Test func `without posix-rename, moving the original aside never truncates and keeps the mode`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        fileSystem.replaceStrategy = .moveAside
        let path = server.scratchRoot + "/.htaccess"
        try server.createFile(path, contents: Self.old, mode: 0o640)

        let reader = ConcurrentReader(path: path, allowed: [Self.old, Self.new])
        reader.start()
        for round in 0..<16 { try fileSystem.writeAtomically(path, contents: round.isMultiple(of: 2) ? Self.new : Self.old, newFileMode: 0o600) }
        let report = reader.stop()

        // The file may be briefly absent between the two renames, but never empty or cut short.
        #expect(report.reads > 0)
        #expect(report.unexpected.isEmpty, "sizes seen that are neither version: \(report.unexpected)")
        #expect(try fileSystem.read(path, limit: 1 << 20) == Self.old)
        #expect(try fileSystem.status(path)?.permissions == 0o640)
        #expect(try fileSystem.list(server.scratchRoot).map(\.name) == [".htaccess"])
        #expect(fileSystem.replacesByMovingAside == 16 && fileSystem.replacesByPOSIXRename == 0)
    }

    @Test func `a replace the server refuses leaves the original untouched`() throws {
        let server = try TestSSHServer()
        let fileSystem = try server.connect()
        let folder = server.scratchRoot + "/locked"
        try fileSystem.createDirectory(folder, mode: 0o755)
        let path = folder + "/index.php"
        try fileSystem.writeAtomically(path, contents: Self.old, newFileMode: 0o644)
        chmod(folder, 0o555)

        #expect(throws: FileAccessError.permissionDenied(path: path)) {
            try fileSystem.writeAtomically(path, contents: Self.new, newFileMode: 0o644)
        }
        #expect(try fileSystem.read(path, limit: 1 << 20) == Self.old)
        #expect(try fileSystem.list(folder).map(\.name) == ["index.php"])
    }
}

/// Reads a file from the local disk in a loop on another thread and reports every
/// version it saw that is not one of the allowed contents.
final class ConcurrentReader: @unchecked Sendable {
    struct Report {
        var reads = 0
        var missing = 0
        var unexpected: [Int] = []
    }

    private let path: String
    private let allowed: [Data]
    private let lock = NSLock()
    private var stopping = false
    private var report = Report()
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, allowed: [Data]) {
        self.path = path
        self.allowed = allowed
    }

    func start() {
        Thread.detachNewThread { [self] in
            while !isStopping {
                let contents = FileManager.default.contents(atPath: path)
                lock.lock()
                report.reads += 1
                if let contents {
                    if !allowed.contains(contents) { report.unexpected.append(contents.count) }
                } else {
                    report.missing += 1
                }
                lock.unlock()
            }
            finished.signal()
        }
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    func stop() -> Report {
        lock.lock()
        stopping = true
        lock.unlock()
        finished.wait()
        lock.lock()
        defer { lock.unlock() }
        return report
    }
}
