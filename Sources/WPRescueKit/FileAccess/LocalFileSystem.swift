import CSystemShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The site is on this machine's disk: plain POSIX calls, so that every step is one
/// system call whose success or failure is known.
public final class LocalFileSystem: SiteFileSystem {
    public init() {}

    public var locationDescription: String { "local" }

    public func status(_ path: String) throws -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Self.error(errno, path: path, operation: "inspect")
        }
        return Self.fileStatus(info)
    }

    public func list(_ path: String) throws -> [DirectoryEntry] {
        guard let directory = opendir(path) else { throw Self.error(errno, path: path, operation: "list") }
        defer { closedir(directory) }
        var entries: [DirectoryEntry] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            // An entry that vanished between readdir and lstat is simply not listed.
            if let status = try status(SitePath.join(path, name)) {
                entries.append(DirectoryEntry(name: name, status: status))
            }
        }
        return entries
    }

    public func read(_ path: String, limit: Int) throws -> Data {
        try read(path, offset: 0, length: limit)
    }

    public func read(_ path: String, offset: UInt64, length: Int) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error(errno, path: path, operation: "read") }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw FileAccessError.isADirectory(path: path) }
        var result = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: min(max(length, 1), chunk))
        var position = off_t(offset)
        while result.count < length {
            let wanted = min(buffer.count, length - result.count)
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, position) }
            if got < 0 {
                if errno == EINTR { continue }
                throw Self.error(errno, path: path, operation: "read")
            }
            if got == 0 { break }
            result.append(contentsOf: buffer[0..<got])
            position += off_t(got)
        }
        return result
    }

    public func writeAtomically(_ path: String, contents: Data, newFileMode: UInt16) throws {
        let folder = SitePath.parent(path)
        var existing = stat()
        let replacing = lstat(path, &existing) == 0
        if replacing, (existing.st_mode & S_IFMT) == S_IFDIR { throw FileAccessError.isADirectory(path: path) }
        let mode = replacing ? mode_t(existing.st_mode & 0o7777) : mode_t(newFileMode)
        let temporary = SitePath.temporarySibling(of: path)
        // A leftover from an interrupted earlier write carries our name only: safe to clear.
        unlink(temporary)

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.error(errno, path: path, operation: "write") }
        var keepTemporary = false
        defer { if !keepTemporary { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try contents.withUnsafeBytes { raw in
                var written = 0
                while written < raw.count {
                    let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw Self.error(errno, path: path, operation: "write")
                    }
                    written += count
                }
            }
            if getuid() == 0 {
                // Run as root, wprescue must not leave root-owned files the site's owner cannot change.
                var owner = existing
                if replacing || stat(folder, &owner) == 0 { _ = fchown(descriptor, owner.st_uid, owner.st_gid) }
            }
            guard fchmod(descriptor, mode) == 0 else { throw Self.error(errno, path: path, operation: "set the mode of") }
            guard fsync(descriptor) == 0 else { throw Self.error(errno, path: path, operation: "flush") }
        }
        guard rename(temporary, path) == 0 else { throw Self.error(errno, path: path, operation: "replace") }
        keepTemporary = true
        Self.syncDirectory(folder)
    }

    public func move(_ source: String, to destination: String) throws {
        // Refuse atomically to replace anything; plain rename(2) would replace a file or an empty folder.
        var result = wprescue_rename_noreplace(source, destination)
        if result != 0, errno == EINVAL || errno == ENOSYS {
            // The file system cannot refuse atomically: check, then rename.
            if try status(destination) != nil { throw FileAccessError.alreadyExists(path: destination) }
            result = rename(source, destination)
        }
        if result != 0 {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY { throw FileAccessError.alreadyExists(path: destination) }
            if code == ENOENT, try status(source) == nil { throw FileAccessError.notFound(path: source) }
            throw Self.error(code, path: code == ENOENT ? destination : source, operation: "move")
        }
        Self.syncDirectory(SitePath.parent(source))
        Self.syncDirectory(SitePath.parent(destination))
    }

    public func createDirectory(_ path: String, mode: UInt16) throws {
        guard mkdir(path, mode_t(mode)) == 0 else { throw Self.error(errno, path: path, operation: "create the folder") }
        Self.giveToParentOwner(path)
        Self.syncDirectory(SitePath.parent(path))
    }

    public func removeFile(_ path: String) throws {
        if try status(path)?.kind == .directory { throw FileAccessError.isADirectory(path: path) }
        guard unlink(path) == 0 else { throw Self.error(errno, path: path, operation: "remove") }
        Self.syncDirectory(SitePath.parent(path))
    }

    public func removeDirectory(_ path: String) throws {
        guard rmdir(path) == 0 else { throw Self.error(errno, path: path, operation: "remove the folder") }
        Self.syncDirectory(SitePath.parent(path))
    }

    public func canonicalPath(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else { throw Self.error(errno, path: path, operation: "resolve") }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // MARK: - Helpers

    /// Run as root, a new folder goes to whoever owns the folder it is in (the site's owner).
    private static func giveToParentOwner(_ path: String) {
        guard getuid() == 0 else { return }
        var parent = stat()
        if stat(SitePath.parent(path), &parent) == 0 { _ = chown(path, parent.st_uid, parent.st_gid) }
    }

    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func fileStatus(_ info: stat) -> FileStatus {
        let kind: FileStatus.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9)
        return FileStatus(kind: kind, size: UInt64(info.st_size), permissions: UInt16(info.st_mode & 0o7777), modified: modified,
                          owner: UInt32(info.st_uid))
    }

    static func error(_ code: Int32, path: String, operation: String) -> FileAccessError {
        switch code {
        case ENOENT: return .notFound(path: path)
        case EACCES, EPERM, EROFS: return .permissionDenied(path: path)
        case EEXIST: return .alreadyExists(path: path)
        case ENOTDIR: return .notADirectory(path: path)
        case EISDIR: return .isADirectory(path: path)
        case ENOTEMPTY: return .directoryNotEmpty(path: path)
        case ENOSPC, EDQUOT: return .noSpace(path: path)
        default: return .failed(path: path, operation: operation, detail: String(cString: strerror(code)))
        }
    }
}
