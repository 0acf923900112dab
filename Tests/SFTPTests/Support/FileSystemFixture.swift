import Foundation
import WPRescueKit
@testable import WPRescueSFTP
#if canImport(Glibc)
import Glibc
#endif

/// The two `SiteFileSystem` implementations the conformance suite holds to the same answers.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case local, sftp
    var testDescription: String { rawValue }
}

import Testing

/// A file system and an empty scratch folder in it; the SFTP one runs against a throwaway sshd.
final class FileSystemFixture {
    let fileSystem: any SiteFileSystem
    let root: String
    let server: TestSSHServer?
    private let localDirectory: String?

    init(_ backend: Backend) throws {
        switch backend {
        case .local:
            var template = Array("/tmp/wprescue-local-test-XXXXXX".utf8CString)
            guard let created = mkdtemp(&template) else { throw TestServerError("mkdtemp failed") }
            let directory = String(cString: created)
            localDirectory = directory
            root = directory
            server = nil
            fileSystem = LocalFileSystem()
        case .sftp:
            let server = try TestSSHServer()
            self.server = server
            localDirectory = nil
            root = server.scratchRoot
            fileSystem = try server.connect()
        }
    }

    deinit {
        if let localDirectory { try? FileManager.default.removeItem(atPath: localDirectory) }
    }

    func path(_ relative: String) -> String { SitePath.join(root, relative) }

    /// A symbolic link made directly on disk (the protocol has no call for it; both backends see this machine's disk).
    func makeSymbolicLink(_ relative: String, to target: String) throws {
        guard symlink(target, path(relative)) == 0 else { throw TestServerError("symlink failed: \(errno)") }
        if server != nil, let account = getpwnam(TestSSHServer.userName) {
            lchown(path(relative), account.pointee.pw_uid, account.pointee.pw_gid)
        }
    }
}
