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
    func status(_ path: String) throws -> FileStatus?

    /// The entries of a directory, without `.` and `..`, in no particular order.
    func list(_ path: String) throws -> [DirectoryEntry]

    /// At most `limit` bytes from the start of a file.
    func read(_ path: String, limit: Int) throws -> Data

    /// `length` bytes starting at `offset` (fewer at the end of the file).
    func read(_ path: String, offset: UInt64, length: Int) throws -> Data

    /// Replaces (or creates) a file so that readers see either the old or the new
    /// contents, never a mix: temp file in the same folder (`SitePath.temporarySibling(of:)`,
    /// so a crash leaves nothing undo cannot find), flushed, then renamed over.
    /// An existing file keeps its permission bits; a new one gets `newFileMode`.
    func writeAtomically(_ path: String, contents: Data, newFileMode: UInt16) throws

    /// Moves an entry; throws `.alreadyExists` rather than replace anything at `destination`.
    func move(_ source: String, to destination: String) throws

    func createDirectory(_ path: String, mode: UInt16) throws

    /// Removes a file (not a directory).
    func removeFile(_ path: String) throws

    /// Removes an empty directory.
    func removeDirectory(_ path: String) throws

    /// Resolves symbolic links and `..` in an existing path.
    func canonicalPath(_ path: String) throws -> String
}

public extension SiteFileSystem {
    /// Reads a whole file of at most `limit` bytes; larger files are refused, not truncated.
    func readWhole(_ path: String, limit: Int = 8 << 20) throws -> Data {
        let data = try read(path, limit: limit + 1)
        guard data.count <= limit else { throw FileAccessError.tooLarge(path: path, limit: limit) }
        return data
    }

    func exists(_ path: String) throws -> Bool { try status(path) != nil }

    func isDirectory(_ path: String) throws -> Bool { try status(path)?.kind == .directory }

    func isFile(_ path: String) throws -> Bool { try status(path)?.kind == .file }
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

    public init(kind: Kind, size: UInt64, permissions: UInt16, modified: Date, owner: UInt32? = nil) {
        self.kind = kind
        self.size = size
        self.permissions = permissions
        self.modified = modified
        self.owner = owner
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
        case .connectionLost(let detail):
            return "The connection to the server dropped (\(detail)); nothing after the last completed step was changed. Reconnect and run `wprescue history` or `wprescue undo`."
        case .failed(let path, let operation, let detail):
            return "Could not \(operation) \(path): \(detail)."
        }
    }
}
