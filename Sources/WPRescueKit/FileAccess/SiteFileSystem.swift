import Foundation

/// Everything wprescue does to a site goes through this: the local disk today, SFTP next.
///
/// Paths are absolute POSIX paths as the machine holding the site sees them.
/// Implementations never follow a failed call with a partial effect: a call either
/// happened or throws a `FileAccessError`.
public protocol SiteFileSystem: AnyObject {
    /// Where the files are, for messages: `local` or `sftp://user@host:port`.
    var locationDescription: String { get }

    /// The entry at `path`, or nil when nothing is there. Symbolic links are not followed.
    func status(_ path: String) throws(FileAccessError) -> FileStatus?

    /// The entries of a directory, without `.` and `..`, in no particular order.
    func list(_ path: String) throws(FileAccessError) -> [DirectoryEntry]

    /// At most `limit` bytes from the start of a file.
    func read(_ path: String, limit: Int) throws(FileAccessError) -> Data

    /// `length` bytes starting at `offset` (fewer at the end of the file).
    func read(_ path: String, offset: UInt64, length: Int) throws(FileAccessError) -> Data

    /// Replaces (or creates) a file so that readers see either the old or the new
    /// contents, never a mix: temp file in the same folder (`SitePath.temporarySibling(of:)`,
    /// so a crash leaves nothing undo cannot find), readable by its writer only until it is
    /// renamed over the original. An existing file keeps its permission bits, owner and group
    /// (and access list, locally) where the account may set them, and `warningHandler` hears
    /// of each one it could not keep; a new file gets `newFileMode` and the folder's owner.
    /// A symbolic link at `path` is refused, never replaced by a file or written through.
    func writeAtomically(_ path: String, contents: Data, newFileMode: UInt16) throws(FileAccessError)

    /// Moves an entry; throws `.alreadyExists` rather than replace anything at `destination`.
    func move(_ source: String, to destination: String) throws(FileAccessError)

    func createDirectory(_ path: String, mode: UInt16) throws(FileAccessError)

    /// Removes a file (not a directory).
    func removeFile(_ path: String) throws(FileAccessError)

    /// Removes an empty directory.
    func removeDirectory(_ path: String) throws(FileAccessError)

    /// Sets the permission bits of a file (never through a symbolic link).
    func setPermissions(_ path: String, _ mode: UInt16) throws(FileAccessError)

    /// Resolves symbolic links and `..` in an existing path.
    func canonicalPath(_ path: String) throws(FileAccessError) -> String

    /// Hears of what a write could not keep (owner, group, mode, access list): the write
    /// happened, but the site may no longer be able to read the file.
    var warningHandler: ((FileAccessWarning) -> Void)? { get set }
}

public extension SiteFileSystem {
    /// Reads a whole file of at most `limit` bytes; larger files are refused, not truncated.
    func readWhole(_ path: String, limit: Int = 8 << 20) throws(FileAccessError) -> Data {
        let data = try read(path, limit: limit + 1)
        guard data.count <= limit else { throw FileAccessError.tooLarge(path: path, limit: limit) }
        return data
    }

    func exists(_ path: String) throws(FileAccessError) -> Bool { try status(path) != nil }

    func isDirectory(_ path: String) throws(FileAccessError) -> Bool { try status(path)?.kind == .directory }

    func isFile(_ path: String) throws(FileAccessError) -> Bool { try status(path)?.kind == .file }
}

public struct FileStatus: Equatable, Sendable {
    public enum Kind: String, Sendable, Codable { case file, directory, symbolicLink, other }

    public var kind: Kind
    public var size: UInt64
    /// Permission bits (0o7777).
    public var permissions: UInt16
    public var modified: Date
    /// The owner's user id, when the backend knows it.
    public var owner: UInt32?
    /// The group id, when the backend knows it.
    public var group: UInt32?

    public init(kind: Kind, size: UInt64, permissions: UInt16, modified: Date, owner: UInt32? = nil, group: UInt32? = nil) {
        self.kind = kind
        self.size = size
        self.permissions = permissions
        self.modified = modified
        self.owner = owner
        self.group = group
    }
}

public struct DirectoryEntry: Equatable, Sendable {
    public var name: String
    public var status: FileStatus

    public init(name: String, status: FileStatus) {
        self.name = name
        self.status = status
    }
}

/// A user or group id as the machine holding the site knows it, with its name where known.
public struct FileOwnerID: Equatable, Sendable, CustomStringConvertible {
    public var id: UInt32
    public var name: String?

    public init(_ id: UInt32, name: String? = nil) {
        self.id = id
        self.name = name
    }

    public var description: String { name.map { "\(id) (\($0))" } ?? "\(id)" }
    /// What to type in `chown`/`chgrp`.
    var argument: String { name ?? "\(id)" }
}

/// Something a write could not keep. The write itself happened.
public enum FileAccessWarning: Equatable, Sendable, CustomStringConvertible {
    case ownerNotKept(path: String, wanted: FileOwnerID, now: FileOwnerID)
    case groupNotKept(path: String, wanted: FileOwnerID, now: FileOwnerID)
    case modeNotKept(path: String, wanted: UInt16, detail: String)
    case accessListNotKept(path: String, detail: String)

    public var path: String {
        switch self {
        case .ownerNotKept(let path, _, _), .groupNotKept(let path, _, _), .modeNotKept(let path, _, _), .accessListNotKept(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .ownerNotKept(let path, let wanted, let now):
            return "\(path) now belongs to user \(now) instead of \(wanted): this account may not give files away; if the site cannot read it now, run `chown \(wanted.argument) \(path)` as root."
        case .groupNotKept(let path, let wanted, let now):
            return "\(path) now has group \(now) instead of \(wanted): this account is not in that group; if the site cannot read it now, run `chgrp \(wanted.argument) \(path)` as its owner or root."
        case .modeNotKept(let path, let wanted, let detail):
            return "\(path) could not get its mode \(String(wanted, radix: 8)) back (\(detail)); run `chmod \(String(wanted, radix: 8)) \(path)`."
        case .accessListNotKept(let path, let detail):
            return "\(path) lost its access control list (\(detail)); restore it with `setfacl` if the site relied on it."
        }
    }
}

/// What can go wrong touching a site's files, worded for the person at the keyboard.
public enum FileAccessError: Error, Equatable, LocalizedError {
    case notFound(path: String)
    case permissionDenied(path: String)
    case alreadyExists(path: String)
    case notADirectory(path: String)
    case isADirectory(path: String)
    case directoryNotEmpty(path: String)
    case noSpace(path: String)
    case tooLarge(path: String, limit: Int)
    case symbolicLink(path: String)
    case connectionLost(detail: String)
    case failed(path: String, operation: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .notFound(let path):
            return "\(path) does not exist."
        case .permissionDenied(let path):
            return "Permission denied on \(path): the account wprescue uses cannot change it; check the owner and mode of the file and its folder."
        case .alreadyExists(let path):
            return "\(path) already exists; wprescue never overwrites it. Move it away first if it is stale."
        case .notADirectory(let path):
            return "\(path) is not a folder."
        case .isADirectory(let path):
            return "\(path) is a folder, not a file."
        case .directoryNotEmpty(let path):
            return "\(path) is not empty."
        case .noSpace(let path):
            return "No space left on the device holding \(path); free some space and try again."
        case .tooLarge(let path, let limit):
            return "\(path) is larger than \(limit) bytes, more than wprescue reads whole."
        case .symbolicLink(let path):
            return "\(path) is a symbolic link, or a folder on its way is a link wprescue does not trust (one this account or root did not make); wprescue does not write through it."
        case .connectionLost(let detail):
            return "The connection to the server dropped (\(detail)); nothing after the last completed step was changed. Reconnect and run `wprescue history` or `wprescue undo`."
        case .failed(let path, let operation, let detail):
            return "Could not \(operation) \(path): \(detail)."
        }
    }
}
