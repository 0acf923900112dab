import CLibSSH2
import Foundation
import WPRescueKit

/// A site's files over SFTP, with the same answers `LocalFileSystem` gives for the same
/// situations: OpenSSH's SFTP v3 server reports many errors as a bare SSH_FX_FAILURE (or
/// ENOTDIR as "no such file"), so each operation asks one more question to tell them apart.
public final class SFTPFileSystem: SiteFileSystem {
    public let channel: SFTPChannel
    public var session: SSHSession { channel.session }

    /// How `writeAtomically` replaces an existing file.
    enum ReplaceStrategy {
        /// posix-rename@openssh.com when the server offers it, else `.moveAside`.
        case automatic
        /// Move the original aside, move the new file in, verify, drop the original.
        case moveAside
    }

    var replaceStrategy = ReplaceStrategy.automatic
    /// Lets a test drop the connection while the original is set aside.
    var testHookBetweenRenames: (() -> Void)?
    public var warningHandler: ((FileAccessWarning) -> Void)?
    /// How many replaces went each way, so tests can tell which path ran.
    private(set) var replacesByPOSIXRename = 0
    private(set) var replacesByMovingAside = 0
    /// Opened on the first replace; `.some(nil)` once the server turned it down.
    private var extensionChannel: SFTPExtensionChannel??

    /// The largest buffer given to one libssh2_sftp_read. libssh2 keeps read requests in flight
    /// in proportion to the buffer (about 10% of OpenSSH's speed with 32 KiB, most of it from 1 MiB).
    static let readChunk = 2 << 20
    /// libssh2 1.10 asks the server for up to four buffers ahead of what it returns.
    static let readAheadFactor = 4

    public init(channel: SFTPChannel) {
        self.channel = channel
    }

    /// Connects to `address` (resolving ssh_config aliases), verifies the host key, logs in and starts SFTP.
    public static func connect(to address: SSHAddress, options: SSHConnectionOptions) throws -> SFTPFileSystem {
        let endpoint = try options.endpoint(for: address)
        let session = try SSHSession(endpoint: endpoint, options: options)
        return SFTPFileSystem(channel: try SFTPChannel(session: session))
    }

    public var locationDescription: String {
        let endpoint = session.endpoint
        let host = endpoint.hostName.contains(":") ? "[\(endpoint.hostName)]" : endpoint.hostName
        return "sftp://\(endpoint.user)@\(host):\(endpoint.port)"
    }

    // MARK: - SiteFileSystem

    public func status(_ path: String) throws(FileAccessError) -> FileStatus? {
        return try mapping {
            do {
                return Self.fileStatus(try channel.attributes(path, followLinks: false))
            } catch let error as SFTPError where error.status == .noSuchFile || error.status == .noSuchPath {
                return nil
            } catch let error as SFTPError {
                throw error.fileAccessError
            }
        }
    }

    public func list(_ path: String) throws(FileAccessError) -> [DirectoryEntry] {
        return try mapping {
            let directory: SFTPFileHandle
            do {
                directory = try channel.openDirectory(path)
            } catch let error as SFTPError {
                // OpenSSH answers ENOTDIR as "no such file".
                if error.status == .noSuchFile, let existing = try status(path), existing.kind != .directory {
                    throw FileAccessError.notADirectory(path: path)
                }
                throw error.fileAccessError
            }
            return try mapping {
                var entries: [DirectoryEntry] = []
                while let (name, attributes) = try directory.nextEntry() {
                    if name == "." || name == ".." { continue }
                    entries.append(DirectoryEntry(name: name, status: Self.fileStatus(attributes)))
                }
                try directory.close(operation: "list")
                return entries
            }
        }
    }

    public func read(_ path: String, limit: Int) throws(FileAccessError) -> Data {
        try read(path, offset: 0, length: limit)
    }

    public func read(_ path: String, offset: UInt64, length: Int) throws(FileAccessError) -> Data {
        try mapping {
            let file = try channel.openFile(path, flags: LIBSSH2_FXF_READ, mode: 0, operation: "read")
            let attributes = try file.attributes(operation: "read")
            let status = Self.fileStatus(attributes)
            if status.kind == .directory { throw FileAccessError.isADirectory(path: path) }
            // What the file holds when opened (a snapshot, like a reader that came a moment
            // earlier); asking libssh2 for more would only send requests that come back empty.
            let sizeKnown = attributes.flags & UInt(LIBSSH2_SFTP_ATTR_SIZE) != 0
            let available = !sizeKnown ? UInt64.max : status.size > offset ? status.size - offset : 0
            let expected = Int(min(UInt64(max(length, 0)), available))
            var result = Data(capacity: expected)
            guard expected > 0 else { return result }

            file.seek(to: offset)
            var buffer = [UInt8](repeating: 0, count: min(expected, Self.readChunk))
            try buffer.withUnsafeMutableBytes { raw in
                while result.count < expected {
                    let wanted = Self.requestSize(remaining: expected - result.count)
                    let got = try file.read(into: raw, count: wanted, operation: "read")
                    if got == 0 { break }
                    result.append(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: got)
                }
            }
            try file.close(operation: "read")
            return result
        }
    }

    /// How much to ask of one libssh2_sftp_read so that its read-ahead ends near the end of
    /// the wanted range: a big file's tail or middle costs about what is read, not megabytes more.
    static func requestSize(remaining: Int) -> Int {
        let pipelineFloor = 32 * 1024
        return min(readChunk, remaining, max(remaining / readAheadFactor, pipelineFloor))
    }

    public func writeAtomically(_ path: String, contents: Data, newFileMode: UInt16) throws(FileAccessError) {
        try mapping {
            let existing = try status(path)
            switch existing?.kind {
            case .directory: throw FileAccessError.isADirectory(path: path)
            case .symbolicLink: throw FileAccessError.symbolicLink(path: path)
            case .file, .other, nil: break
            }
            let existingAttributes = try existing.map { _ in try channel.attributes(path, followLinks: false) }
            let mode = existing.map { $0.permissions } ?? newFileMode
            let temporary = SitePath.temporarySibling(of: path)

            // 0600 until it has its final name: a crash leaves nothing the web server could hand out.
            let file: SFTPFileHandle
            do {
                file = try channel.openFile(temporary, flags: LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, mode: 0o600, operation: "write")
            } catch let error as SFTPError {
                // Report the file the caller asked for, not our temporary name.
                throw SFTPError(failure: error.failure, path: path, operation: "write")
            }
            do {
                try file.write(contents, operation: "write")
                keepOwnership(of: file, path: path, like: existingAttributes)
                _ = try file.synchronize(operation: "flush")
                try replace(path, with: temporary, contents: contents, replacing: existing != nil)
            } catch {
                try? file.close(operation: "write")
                try? channel.unlink(temporary)
                throw error
            }
            // By handle, on the file now at its final name.
            var attributes = LIBSSH2_SFTP_ATTRIBUTES()
            attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
            attributes.permissions = UInt(mode)
            do {
                try file.setAttributes(attributes, operation: "set the mode of")
            } catch let error as SFTPError {
                warningHandler?(.modeNotKept(path: path, wanted: mode, detail: error.fileAccessError.localizedDescription))
            }
            try file.close(operation: "write")
        }
    }

    /// Gives the new file the owner and group of the one it replaces where the server lets
    /// this account, and says which it could not: only root may give a file away, but anyone
    /// may give a file they own to one of their groups (deploy:www-data 0640 stays so).
    private func keepOwnership(of file: SFTPFileHandle, path: String, like original: LIBSSH2_SFTP_ATTRIBUTES?) {
        guard let original, original.flags & UInt(LIBSSH2_SFTP_ATTR_UIDGID) != 0,
              let ours = try? file.attributes(operation: "write"), ours.flags & UInt(LIBSSH2_SFTP_ATTR_UIDGID) != 0 else { return }
        guard ours.uid != original.uid || ours.gid != original.gid else { return }
        func give(uid: UInt, gid: UInt) -> Bool {
            var owner = LIBSSH2_SFTP_ATTRIBUTES()
            owner.flags = UInt(LIBSSH2_SFTP_ATTR_UIDGID)
            owner.uid = uid
            owner.gid = gid
            return (try? file.setAttributes(owner, operation: "set the owner of")) != nil
        }
        if give(uid: original.uid, gid: original.gid) { return }
        if ours.gid != original.gid, !give(uid: ours.uid, gid: original.gid) {
            warningHandler?(.groupNotKept(path: path, wanted: FileOwnerID(UInt32(original.gid)), now: FileOwnerID(UInt32(ours.gid))))
        }
        if ours.uid != original.uid {
            warningHandler?(.ownerNotKept(path: path, wanted: FileOwnerID(UInt32(original.uid)), now: FileOwnerID(UInt32(ours.uid))))
        }
    }

    private func replace(_ path: String, with temporary: String, contents: Data, replacing: Bool) throws {
        if replaceStrategy == .automatic, let extensions = try extensionChannelIfAvailable(), extensions.supportsPOSIXRename {
            let (status, message) = try extensions.posixRename(temporary, to: path)
            guard status == 0 else {
                let failure = SSHFailure(kind: .status(SFTPStatus(rawValue: UInt(status)), rawStatus: UInt(status)))
                if failure.status == .failure {
                    throw FileAccessError.failed(path: path, operation: "replace", detail: message.isEmpty ? "the server refused the rename" : message)
                }
                throw failure.fileAccessError(path: path, operation: "replace")
            }
            replacesByPOSIXRename += 1
            return
        }
        if !replacing {
            // Nothing to replace: a plain no-replace rename is already atomic.
            do {
                try channel.rename(temporary, to: path)
                return
            } catch let error as SFTPError where error.status == .failure {
                guard try status(path) != nil else { throw error }
                // Someone created the file meanwhile: replace it the safe way below.
            }
        }
        try replaceByMovingAside(path, with: temporary, contents: contents)
    }

    /// Without posix-rename, SFTP v3 cannot rename over a file. This order never leaves
    /// `path` empty or truncated: the old file moves aside whole, the new one moves in whole,
    /// and the old one comes back if anything after the first move fails.
    private func replaceByMovingAside(_ path: String, with temporary: String, contents: Data) throws {
        let aside = SitePath.asideSibling(of: path)
        try channel.rename(path, to: aside)
        testHookBetweenRenames?()
        do {
            try channel.rename(temporary, to: path)
        } catch {
            try? channel.rename(aside, to: path)
            throw error
        }
        do {
            let readBack = try read(path, offset: 0, length: contents.count + 1)
            guard readBack == contents else {
                throw FileAccessError.failed(path: path, operation: "replace", detail: "the file read back differs from what was written (\(readBack.count) of \(contents.count) bytes)")
            }
        } catch {
            // Put the original back; the new file returns to its temporary name for removal.
            if (try? channel.rename(path, to: temporary)) != nil { try? channel.rename(aside, to: path) }
            throw error
        }
        try? channel.unlink(aside)
        replacesByMovingAside += 1
    }

    private func extensionChannelIfAvailable() throws -> SFTPExtensionChannel? {
        if let known = extensionChannel { return known }
        do {
            let opened = try SFTPExtensionChannel(session: session)
            extensionChannel = .some(opened)
            return opened
        } catch let error as FileAccessError {
            if case .connectionLost = error { throw error }
            extensionChannel = .some(nil)
            return nil
        }
    }

    public func move(_ source: String, to destination: String) throws(FileAccessError) {
        try mapping {
            do {
                try channel.rename(source, to: destination)
            } catch let error as SFTPError {
                switch error.status {
                case .noSuchFile, .noSuchPath:
                    if try status(source) == nil { throw FileAccessError.notFound(path: source) }
                    throw FileAccessError.notFound(path: destination)
                case .failure, .fileAlreadyExists:
                    if try status(destination) != nil { throw FileAccessError.alreadyExists(path: destination) }
                    throw error.fileAccessError
                default:
                    throw error.fileAccessError
                }
            }
        }
    }

    public func createDirectory(_ path: String, mode: UInt16) throws(FileAccessError) {
        try mapping {
            do {
                try channel.makeDirectory(path, mode: Int(mode))
            } catch let error as SFTPError {
                switch error.status {
                case .failure, .fileAlreadyExists:
                    if try status(path) != nil { throw FileAccessError.alreadyExists(path: path) }
                case .noSuchFile, .noSuchPath:
                    if let parent = try status(SitePath.parent(path)), parent.kind != .directory { throw FileAccessError.notADirectory(path: path) }
                default:
                    break
                }
                throw error.fileAccessError
            }
        }
    }

    public func removeFile(_ path: String) throws(FileAccessError) {
        try mapping {
            do {
                try channel.unlink(path)
            } catch let error as SFTPError {
                if error.status == .failure || error.status == .permissionDenied, try status(path)?.kind == .directory {
                    throw FileAccessError.isADirectory(path: path)
                }
                throw error.fileAccessError
            }
        }
    }

    public func removeDirectory(_ path: String) throws(FileAccessError) {
        try mapping {
            do {
                try channel.removeDirectory(path)
            } catch let error as SFTPError {
                switch error.status {
                case .failure:
                    if let existing = try status(path) {
                        if existing.kind != .directory { throw FileAccessError.notADirectory(path: path) }
                        if try !list(path).isEmpty { throw FileAccessError.directoryNotEmpty(path: path) }
                    }
                case .noSuchFile, .noSuchPath:
                    if let existing = try status(path), existing.kind != .directory { throw FileAccessError.notADirectory(path: path) }
                default:
                    break
                }
                throw error.fileAccessError
            }
        }
    }

    public func setPermissions(_ path: String, _ mode: UInt16) throws(FileAccessError) {
        if try status(path)?.kind == .symbolicLink { throw FileAccessError.symbolicLink(path: path) }
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
        attributes.permissions = UInt(mode)
        try mapping { try channel.setAttributes(path, attributes) }
    }

    public func canonicalPath(_ path: String) throws(FileAccessError) -> String {
        let resolved = try mapping { try channel.realPath(path) }
        // Some servers resolve names that do not exist; the local answer for those is "not found".
        guard try status(resolved) != nil else { throw FileAccessError.notFound(path: path) }
        return resolved
    }

    // MARK: - Helpers

    /// Every failure as the `FileAccessError` the protocol promises.
    private func mapping<T>(_ body: () throws -> T) throws(FileAccessError) -> T {
        do { return try body() } catch { throw Self.fileAccessError(error) }
    }

    static func fileAccessError(_ error: any Error) -> FileAccessError {
        switch error {
        case let error as FileAccessError: return error
        case let error as SFTPError: return error.fileAccessError
        default: return .failed(path: "", operation: "reach the server", detail: error.localizedDescription)
        }
    }

    static func fileStatus(_ attributes: LIBSSH2_SFTP_ATTRIBUTES) -> FileStatus {
        let mode = attributes.flags & UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS) != 0 ? attributes.permissions : 0
        let kind: FileStatus.Kind
        switch mode & UInt(LIBSSH2_SFTP_S_IFMT) {
        case UInt(LIBSSH2_SFTP_S_IFREG): kind = .file
        case UInt(LIBSSH2_SFTP_S_IFDIR): kind = .directory
        case UInt(LIBSSH2_SFTP_S_IFLNK): kind = .symbolicLink
        default: kind = .other
        }
        let size = attributes.flags & UInt(LIBSSH2_SFTP_ATTR_SIZE) != 0 ? attributes.filesize : 0
        let modified = attributes.flags & UInt(LIBSSH2_SFTP_ATTR_ACMODTIME) != 0 ? TimeInterval(attributes.mtime) : 0
        let ids = attributes.flags & UInt(LIBSSH2_SFTP_ATTR_UIDGID) != 0
        return FileStatus(kind: kind, size: size, permissions: UInt16(mode & 0o7777), modified: Date(timeIntervalSince1970: modified),
                          owner: ids ? UInt32(attributes.uid) : nil, group: ids ? UInt32(attributes.gid) : nil)
    }
}

extension SFTPFileSystem: ParallelReadableFileSystem {
    /// A second login to the same server (`SSHSession.openSibling`), with its own SFTP channel:
    /// a libssh2 session is never shared between threads, so parallel reads need one each.
    public func openReader() throws -> SiteFileSystem {
        SFTPFileSystem(channel: try SFTPChannel(session: try session.openSibling()))
    }

    public var networkBytesReceived: UInt64? { session.bytesReceived }
}
