import Foundation
import Testing
import WPRescueKit
@testable import WPRescueSFTP

/// One suite, two backends: every `SiteFileSystem` promise checked against the local disk
/// and against SFTP on a real sshd, with the same expectations.
@Suite(.serialized, .enabled(if: SSHIntegration.enabled, SSHIntegration.skipComment))
struct SiteFileSystemConformanceTests {
    @Test(arguments: Backend.allCases)
    func `status is nil for missing paths, even below a file`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.writeAtomically(fixture.path("file.txt"), contents: Data("x".utf8), newFileMode: 0o644)
        #expect(try fs.status(fixture.path("missing")) == nil)
        #expect(try fs.status(fixture.path("missing/child")) == nil)
        #expect(try fs.status(fixture.path("file.txt/child")) == nil)
        #expect(try fs.exists(fixture.path("file.txt")))
    }

    @Test(arguments: Backend.allCases)
    func `status reports kind, size and permission bits without following links`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.writeAtomically(fixture.path("wp-config.php"), contents: Data("<?php\n".utf8), newFileMode: 0o640)
        try fs.createDirectory(fixture.path("wp-content"), mode: 0o755)
        try fixture.makeSymbolicLink("link", to: "wp-config.php")

        let file = try #require(try fs.status(fixture.path("wp-config.php")))
        #expect(file.kind == .file)
        #expect(file.size == 6)
        #expect(file.permissions == 0o640)
        #expect(abs(file.modified.timeIntervalSinceNow) < 120)
        #expect(try fs.status(fixture.path("wp-content"))?.kind == .directory)
        #expect(try fs.status(fixture.path("link"))?.kind == .symbolicLink)
    }

    @Test(arguments: Backend.allCases)
    func `list returns every entry with its status and without dot entries`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.createDirectory(fixture.path("plugins"), mode: 0o755)
        try fs.createDirectory(fixture.path("plugins/akismet"), mode: 0o755)
        try fs.writeAtomically(fixture.path("plugins/hello.php"), contents: Data(repeating: 65, count: 1234), newFileMode: 0o644)
        try fs.writeAtomically(fixture.path("plugins/ünïcödé-plugin.php"), contents: Data("é".utf8), newFileMode: 0o600)

        let entries = try fs.list(fixture.path("plugins")).sorted { $0.name < $1.name }
        #expect(entries.map(\.name) == ["akismet", "hello.php", "ünïcödé-plugin.php"])
        #expect(entries.map(\.status.kind) == [.directory, .file, .file])
        #expect(entries[1].status.size == 1234)
        #expect(entries[2].status.permissions == 0o600)
        #expect(try fs.list(fixture.path("plugins/akismet")).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func `list refuses a missing folder and a file`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.writeAtomically(fixture.path("file"), contents: Data(), newFileMode: 0o644)
        #expect(throws: FileAccessError.notFound(path: fixture.path("missing"))) { try fs.list(fixture.path("missing")) }
        #expect(throws: FileAccessError.notADirectory(path: fixture.path("file"))) { try fs.list(fixture.path("file")) }
    }

    @Test(arguments: Backend.allCases)
    func `read returns whole files, limits and ranges`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        // Several read buffers long, with a pattern that shows any misplaced chunk.
        let contents = Data((0..<(5 << 20) + 123).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 16) })
        try fs.writeAtomically(fixture.path("big.bin"), contents: contents, newFileMode: 0o644)

        #expect(try fs.read(fixture.path("big.bin"), limit: 10 << 20) == contents)
        #expect(try fs.read(fixture.path("big.bin"), limit: 100) == contents.prefix(100))
        #expect(try fs.read(fixture.path("big.bin"), offset: 3_000_000, length: 1_500_000) == contents[3_000_000..<4_500_000])
        #expect(try fs.read(fixture.path("big.bin"), offset: UInt64(contents.count - 10), length: 100) == contents.suffix(10))
        #expect(try fs.read(fixture.path("big.bin"), offset: UInt64(contents.count + 10), length: 100).isEmpty)
        #expect(try fs.readWhole(fixture.path("big.bin"), limit: 6 << 20) == contents)
        #expect(throws: FileAccessError.tooLarge(path: fixture.path("big.bin"), limit: 1000)) { try fs.readWhole(fixture.path("big.bin"), limit: 1000) }
    }

    @Test(arguments: Backend.allCases)
    func `read refuses a missing file and a folder`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.createDirectory(fixture.path("folder"), mode: 0o755)
        #expect(throws: FileAccessError.notFound(path: fixture.path("missing"))) { try fs.read(fixture.path("missing"), limit: 10) }
        #expect(throws: FileAccessError.isADirectory(path: fixture.path("folder"))) { try fs.read(fixture.path("folder"), limit: 10) }
    }

    @Test(arguments: Backend.allCases)
    func `writeAtomically creates with the new mode and replaces keeping the old mode`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        let path = fixture.path("wp-config.php")
        try fs.writeAtomically(path, contents: Data("first".utf8), newFileMode: 0o640)
        #expect(try fs.status(path)?.permissions == 0o640)

        try fs.writeAtomically(path, contents: Data("second, longer".utf8), newFileMode: 0o600)
        #expect(try fs.read(path, limit: 100) == Data("second, longer".utf8))
        #expect(try fs.status(path)?.permissions == 0o640)

        try fs.writeAtomically(path, contents: Data(), newFileMode: 0o600)
        #expect(try fs.status(path)?.size == 0)
        // No temporary file is left behind.
        #expect(try fs.list(fixture.root).map(\.name) == ["wp-config.php"])
    }

    @Test(arguments: Backend.allCases)
    func `writeAtomically refuses a folder and a missing parent`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.createDirectory(fixture.path("folder"), mode: 0o755)
        #expect(throws: FileAccessError.isADirectory(path: fixture.path("folder"))) {
            try fs.writeAtomically(fixture.path("folder"), contents: Data("x".utf8), newFileMode: 0o644)
        }
        #expect(throws: FileAccessError.notFound(path: fixture.path("missing/file"))) {
            try fs.writeAtomically(fixture.path("missing/file"), contents: Data("x".utf8), newFileMode: 0o644)
        }
    }

    @Test(arguments: Backend.allCases)
    func `move renames and never replaces anything`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.writeAtomically(fixture.path("a.php"), contents: Data("a".utf8), newFileMode: 0o644)
        try fs.writeAtomically(fixture.path("b.php"), contents: Data("b".utf8), newFileMode: 0o644)
        try fs.createDirectory(fixture.path("plugin"), mode: 0o755)
        try fs.createDirectory(fixture.path("quarantine"), mode: 0o755)
        try fs.createDirectory(fixture.path("empty"), mode: 0o755)

        try fs.move(fixture.path("plugin"), to: fixture.path("quarantine/plugin"))
        #expect(try fs.status(fixture.path("plugin")) == nil)
        #expect(try fs.isDirectory(fixture.path("quarantine/plugin")))

        #expect(throws: FileAccessError.alreadyExists(path: fixture.path("b.php"))) { try fs.move(fixture.path("a.php"), to: fixture.path("b.php")) }
        #expect(try fs.read(fixture.path("a.php"), limit: 10) == Data("a".utf8))
        #expect(try fs.read(fixture.path("b.php"), limit: 10) == Data("b".utf8))
        #expect(throws: FileAccessError.alreadyExists(path: fixture.path("empty"))) {
            try fs.move(fixture.path("quarantine/plugin"), to: fixture.path("empty"))
        }
        #expect(throws: FileAccessError.notFound(path: fixture.path("missing"))) { try fs.move(fixture.path("missing"), to: fixture.path("c.php")) }
        #expect(throws: FileAccessError.notFound(path: fixture.path("nowhere/a.php"))) { try fs.move(fixture.path("a.php"), to: fixture.path("nowhere/a.php")) }

        try fs.move(fixture.path("a.php"), to: fixture.path("ä-moved.php"))
        #expect(try fs.read(fixture.path("ä-moved.php"), limit: 10) == Data("a".utf8))
    }

    @Test(arguments: Backend.allCases)
    func `createDirectory creates once and explains why it cannot`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.createDirectory(fixture.path("new"), mode: 0o755)
        #expect(try fs.status(fixture.path("new"))?.kind == .directory)
        #expect(try fs.status(fixture.path("new"))?.permissions == 0o755)
        try fs.writeAtomically(fixture.path("file"), contents: Data(), newFileMode: 0o644)

        #expect(throws: FileAccessError.alreadyExists(path: fixture.path("new"))) { try fs.createDirectory(fixture.path("new"), mode: 0o755) }
        #expect(throws: FileAccessError.alreadyExists(path: fixture.path("file"))) { try fs.createDirectory(fixture.path("file"), mode: 0o755) }
        #expect(throws: FileAccessError.notFound(path: fixture.path("missing/new"))) { try fs.createDirectory(fixture.path("missing/new"), mode: 0o755) }
        #expect(throws: FileAccessError.notADirectory(path: fixture.path("file/new"))) { try fs.createDirectory(fixture.path("file/new"), mode: 0o755) }
    }

    @Test(arguments: Backend.allCases)
    func `removeFile removes files only`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.writeAtomically(fixture.path("debug.log"), contents: Data("x".utf8), newFileMode: 0o644)
        try fs.createDirectory(fixture.path("folder"), mode: 0o755)
        try fs.removeFile(fixture.path("debug.log"))
        #expect(try fs.status(fixture.path("debug.log")) == nil)
        #expect(throws: FileAccessError.notFound(path: fixture.path("debug.log"))) { try fs.removeFile(fixture.path("debug.log")) }
        #expect(throws: FileAccessError.isADirectory(path: fixture.path("folder"))) { try fs.removeFile(fixture.path("folder")) }
        #expect(try fs.isDirectory(fixture.path("folder")))
    }

    @Test(arguments: Backend.allCases)
    func `removeDirectory removes empty folders only`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.createDirectory(fixture.path("empty"), mode: 0o755)
        try fs.createDirectory(fixture.path("full"), mode: 0o755)
        try fs.writeAtomically(fixture.path("full/file"), contents: Data(), newFileMode: 0o644)
        try fs.removeDirectory(fixture.path("empty"))
        #expect(try fs.status(fixture.path("empty")) == nil)
        #expect(throws: FileAccessError.directoryNotEmpty(path: fixture.path("full"))) { try fs.removeDirectory(fixture.path("full")) }
        #expect(throws: FileAccessError.notFound(path: fixture.path("empty"))) { try fs.removeDirectory(fixture.path("empty")) }
        #expect(throws: FileAccessError.notADirectory(path: fixture.path("full/file"))) { try fs.removeDirectory(fixture.path("full/file")) }
    }

    @Test(arguments: Backend.allCases)
    func `canonicalPath resolves links and dot-dot, and refuses missing paths`(backend: Backend) throws {
        let fixture = try FileSystemFixture(backend)
        let fs = fixture.fileSystem
        try fs.createDirectory(fixture.path("real"), mode: 0o755)
        try fixture.makeSymbolicLink("alias", to: "real")
        let root = try fs.canonicalPath(fixture.root)
        #expect(try fs.canonicalPath(fixture.path("alias")) == root + "/real")
        #expect(try fs.canonicalPath(fixture.path("real/../real/.")) == root + "/real")
        #expect(throws: FileAccessError.notFound(path: fixture.path("missing"))) { try fs.canonicalPath(fixture.path("missing")) }
    }
}
