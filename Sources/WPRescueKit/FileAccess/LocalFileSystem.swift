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

    public var warningHandler: ((FileAccessWarning) -> Void)?

    public var locationDescription: String { "local" }

    public func status(_ path: String) throws(FileAccessError) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Self.error(errno, path: path, operation: "inspect")
        }
        return Self.fileStatus(info)
    }

    public func list(_ path: String) throws(FileAccessError) -> [DirectoryEntry] {
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

    public func read(_ path: String, limit: Int) throws(FileAccessError) -> Data {
        try read(path, offset: 0, length: limit)
    }

    public func read(_ path: String, offset: UInt64, length: Int) throws(FileAccessError) -> Data {
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

    public func writeAtomically(_ path: String, contents: Data, newFileMode: UInt16) throws(FileAccessError) {
        let folder = try FolderHandle(holding: path)
        var existing = stat()
        let replacing = fstatat(folder.descriptor, folder.name, &existing, AT_SYMLINK_NOFOLLOW) == 0
        if !replacing, errno != ENOENT { throw Self.error(errno, path: path, operation: "write") }
        if replacing {
            switch existing.st_mode & S_IFMT {
            case S_IFDIR: throw FileAccessError.isADirectory(path: path)
            case S_IFLNK: throw FileAccessError.symbolicLink(path: path)
            default: break
            }
        }
        let mode = replacing ? mode_t(existing.st_mode & 0o7777) : mode_t(newFileMode)
        let temporary = SitePath.name(SitePath.temporarySibling(of: path))

        // 0600 until it has its final name: a crash leaves nothing the web server could hand out.
        let descriptor = openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.error(errno, path: path, operation: "write") }
        defer { close(descriptor) }
        var renamed = false
        defer { if !renamed { unlinkat(folder.descriptor, temporary, 0) } }

        try Self.writeAll(contents, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw Self.error(errno, path: path, operation: "flush") }
        var folderInfo = stat()
        guard fstat(folder.descriptor, &folderInfo) == 0 else { throw Self.error(errno, path: path, operation: "write") }
        keepOwnership(of: descriptor, path: path, like: replacing ? existing : nil, folder: folderInfo)
        let accessList = replacing ? Self.accessList(of: path) : nil
        TestStopPoint.reached("scratch-written")

        guard renameat(folder.descriptor, temporary, folder.descriptor, folder.name) == 0 else {
            throw Self.error(errno, path: path, operation: "replace")
        }
        renamed = true
        TestStopPoint.reached("renamed")
        if fchmod(descriptor, mode) != 0 {
            warningHandler?(.modeNotKept(path: path, wanted: UInt16(mode), detail: String(cString: strerror(errno))))
        }
        if let accessList, accessList.withUnsafeBytes({ wprescue_fsetxattr(descriptor, Self.accessListAttribute, $0.baseAddress, $0.count) }) != 0 {
            warningHandler?(.accessListNotKept(path: path, detail: String(cString: strerror(errno))))
        }
        fsync(descriptor)
        folder.synchronize()
    }

    public func move(_ source: String, to destination: String) throws(FileAccessError) {
        let from = try FolderHandle(holding: source), to = try FolderHandle(holding: destination)
        // Refuse atomically to replace anything; plain rename(2) would replace a file or an empty folder.
        var result = wprescue_renameat_noreplace(from.descriptor, from.name, to.descriptor, to.name)
        if result != 0, errno == EINVAL || errno == ENOSYS {
            // The file system cannot refuse atomically: check, then rename.
            var info = stat()
            if fstatat(to.descriptor, to.name, &info, AT_SYMLINK_NOFOLLOW) == 0 { throw FileAccessError.alreadyExists(path: destination) }
            result = renameat(from.descriptor, from.name, to.descriptor, to.name)
        }
        if result != 0 {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY { throw FileAccessError.alreadyExists(path: destination) }
            if code == ENOENT, try status(source) == nil { throw FileAccessError.notFound(path: source) }
            throw Self.error(code, path: code == ENOENT ? destination : source, operation: "move")
        }
        from.synchronize()
        to.synchronize()
    }

    public func createDirectory(_ path: String, mode: UInt16) throws(FileAccessError) {
        let folder = try FolderHandle(holding: path)
        guard mkdirat(folder.descriptor, folder.name, mode_t(mode)) == 0 else { throw Self.error(errno, path: path, operation: "create the folder") }
        if geteuid() == 0 {
            // Run as root, a new folder goes to whoever owns the folder it is in (the site's owner).
            // By descriptor, opened without following links: swapping the new folder for a link
            // to /etc/passwd hands nobody anything.
            let created = openat(folder.descriptor, folder.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            var parent = stat()
            if created >= 0 {
                if fstat(folder.descriptor, &parent) == 0 { _ = fchown(created, parent.st_uid, parent.st_gid) }
                close(created)
            }
        }
        folder.synchronize()
    }

    public func removeFile(_ path: String) throws(FileAccessError) {
        let folder = try FolderHandle(holding: path)
        var info = stat()
        if fstatat(folder.descriptor, folder.name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileAccessError.isADirectory(path: path)
        }
        guard unlinkat(folder.descriptor, folder.name, 0) == 0 else { throw Self.error(errno, path: path, operation: "remove") }
        folder.synchronize()
    }

    public func removeDirectory(_ path: String) throws(FileAccessError) {
        let folder = try FolderHandle(holding: path)
        guard unlinkat(folder.descriptor, folder.name, AT_REMOVEDIR) == 0 else { throw Self.error(errno, path: path, operation: "remove the folder") }
        folder.synchronize()
    }

    public func setPermissions(_ path: String, _ mode: UInt16) throws(FileAccessError) {
        let folder = try FolderHandle(holding: path)
        let descriptor = openat(folder.descriptor, folder.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error(errno, path: path, operation: "set the mode of") }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode_t(mode)) == 0 else { throw Self.error(errno, path: path, operation: "set the mode of") }
    }

    public func canonicalPath(_ path: String) throws(FileAccessError) -> String {
        guard let resolved = realpath(path, nil) else { throw Self.error(errno, path: path, operation: "resolve") }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // MARK: - Helpers

    /// Gives the new file the owner and group of the one it replaces (or, run as root, of
    /// its folder), and says which of them it could not.
    private func keepOwnership(of descriptor: Int32, path: String, like original: stat?, folder: stat) {
        var ours = stat()
        guard fstat(descriptor, &ours) == 0 else { return }
        if geteuid() == 0 {
            // Run as root, wprescue must not leave root-owned files the site's owner cannot change.
            let wanted = original ?? folder
            if ours.st_uid != wanted.st_uid || ours.st_gid != wanted.st_gid { _ = fchown(descriptor, wanted.st_uid, wanted.st_gid) }
            return
        }
        guard let original else { return }
        // Anyone may give a file they own to one of their own groups: deploy:www-data 0640 stays so.
        if ours.st_gid != original.st_gid, fchown(descriptor, uid_t.max, original.st_gid) != 0 {
            warningHandler?(.groupNotKept(path: path, wanted: Self.group(original.st_gid), now: Self.group(ours.st_gid)))
        }
        if ours.st_uid != original.st_uid {
            warningHandler?(.ownerNotKept(path: path, wanted: Self.user(original.st_uid), now: Self.user(ours.st_uid)))
        }
    }

    private static let accessListAttribute = "system.posix_acl_access"

    /// The POSIX access control list of a file, when it has one beyond its mode bits.
    private static func accessList(of path: String) -> [UInt8]? {
        let size = wprescue_lgetxattr(path, accessListAttribute, nil, 0)
        guard size > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: size)
        let got = buffer.withUnsafeMutableBytes { wprescue_lgetxattr(path, accessListAttribute, $0.baseAddress, size) }
        return got > 0 ? Array(buffer.prefix(got)) : nil
    }

    private static func user(_ id: uid_t) -> FileOwnerID {
        FileOwnerID(UInt32(id), name: getpwuid(id).map { String(cString: $0.pointee.pw_name) })
    }

    private static func group(_ id: gid_t) -> FileOwnerID {
        FileOwnerID(UInt32(id), name: getgrgid(id).map { String(cString: $0.pointee.gr_name) })
    }

    private static func writeAll(_ contents: Data, to descriptor: Int32, path: String) throws(FileAccessError) {
        let failure: Int32? = contents.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        if let failure { throw Self.error(failure, path: path, operation: "write") }
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
                          owner: UInt32(info.st_uid), group: UInt32(info.st_gid))
    }

    static func error(_ code: Int32, path: String, operation: String) -> FileAccessError {
        switch code {
        case ENOENT: return .notFound(path: path)
        case EACCES, EPERM, EROFS: return .permissionDenied(path: path)
        case ELOOP: return .symbolicLink(path: path)
        case EEXIST: return .alreadyExists(path: path)
        case ENOTDIR: return .notADirectory(path: path)
        case EISDIR: return .isADirectory(path: path)
        case ENOTEMPTY: return .directoryNotEmpty(path: path)
        case ENOSPC, EDQUOT: return .noSpace(path: path)
        default: return .failed(path: path, operation: operation, detail: String(cString: strerror(code)))
        }
    }
}

/// The folder that holds a path's last component, opened by walking down from `/` one
/// component at a time. A symbolic link on the way is followed only when root or this account
/// owns it (the rule Linux's protected_symlinks applies in shared folders): a link the site's
/// PHP user plants in place of a folder wprescue made cannot send a write, a move or a chown
/// anywhere else, however the race is timed. Changes are then made relative to this descriptor.
private final class FolderHandle {
    let descriptor: Int32
    /// The last component of the path, inside this folder.
    let name: String

    init(holding path: String) throws(FileAccessError) {
        let absolute = path.hasPrefix("/") ? path : SitePath.join(FileManager.default.currentDirectoryPath, path)
        let name = SitePath.name(absolute)
        guard !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw FileAccessError.failed(path: path, operation: "change", detail: "not a file or folder name")
        }
        self.name = name
        descriptor = try Self.openFolder(SitePath.parent(absolute), reporting: path)
    }

    deinit { close(descriptor) }

    /// Makes the folder's new or renamed entries durable.
    func synchronize() {
        let readable = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard readable >= 0 else { return }
        fsync(readable)
        close(readable)
    }

    private static let flags = wprescue_open_path_flag() | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    private static let maximumLinks = 40

    private static func openFolder(_ path: String, reporting original: String) throws(FileAccessError) -> Int32 {
        var current = open("/", flags)
        guard current >= 0 else { throw LocalFileSystem.error(errno, path: original, operation: "open") }
        var pending = path.split(separator: "/").map(String.init)
        var walked: [String] = []
        var linksFollowed = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == "." { continue }
            let next = openat(current, part, flags)
            if next >= 0 {
                close(current)
                current = next
                if part == ".." { _ = walked.popLast() } else { walked.append(part) }
                continue
            }
            let code = errno
            var info = stat()
            let isLink = fstatat(current, part, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
            let here = "/" + (walked + [part]).joined(separator: "/")
            guard isLink else {
                close(current)
                throw LocalFileSystem.error(code, path: original, operation: "open")
            }
            guard info.st_uid == 0 || info.st_uid == geteuid(), linksFollowed < maximumLinks,
                  let target = readLink(in: current, part) else {
                close(current)
                throw FileAccessError.symbolicLink(path: here)
            }
            linksFollowed += 1
            if target.hasPrefix("/") {
                close(current)
                current = open("/", flags)
                guard current >= 0 else { throw LocalFileSystem.error(errno, path: original, operation: "open") }
                walked = []
            }
            pending = target.split(separator: "/").map(String.init) + pending
        }
        return current
    }

    private static func readLink(in folder: Int32, _ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(folder, name, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension LocalFileSystem: ParallelReadableFileSystem {
    /// The local disk needs no connection: another instance reads just as well on another thread.
    public func openReader() throws -> SiteFileSystem { LocalFileSystem() }
    public var networkBytesReceived: UInt64? { nil }
}
