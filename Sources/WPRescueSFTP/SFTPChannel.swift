import CLibSSH2
import Foundation
import WPRescueKit

/// A failed SFTP request: the failure as read from libssh2, and what was being done where.
struct SFTPError: Error {
    let failure: SSHFailure
    let path: String
    let operation: String

    var status: SFTPStatus? { failure.status }
    var fileAccessError: FileAccessError { failure.fileAccessError(path: path, operation: operation) }
}

/// The SFTP subsystem on a session (libssh2's LIBSSH2_SFTP); keeps the session alive.
public final class SFTPChannel {
    public let session: SSHSession
    let handle: OpaquePointer

    public init(session: SSHSession) throws {
        try session.prepareRequest(activity: "starting SFTP")
        guard let handle = libssh2_sftp_init(session.handle) else {
            let failure = session.failure(code: Int(libssh2_session_last_errno(session.handle)), activity: "starting SFTP")
            if case .connectionLost(let detail) = failure.kind { throw FileAccessError.connectionLost(detail: detail) }
            throw SSHConnectionError.sftpUnavailable(host: session.endpoint.hostName, detail: session.lastErrorMessage())
        }
        self.session = session
        self.handle = handle
    }

    deinit {
        libssh2_sftp_shutdown(handle)
    }

    // MARK: - Requests

    func error(code: Int, path: String, operation: String, activity: String) -> SFTPError {
        SFTPError(failure: session.failure(code: code, activity: activity, sftp: handle), path: path, operation: operation)
    }

    private func prepare(path: String, operation: String, activity: String) throws {
        do { try session.prepareRequest(activity: activity) } catch let lost as FileAccessError {
            if case .connectionLost(let detail) = lost {
                throw SFTPError(failure: SSHFailure(kind: .connectionLost(detail: detail)), path: path, operation: operation)
            }
            throw lost
        }
    }

    func attributes(_ path: String, followLinks: Bool) throws -> LIBSSH2_SFTP_ATTRIBUTES {
        try prepare(path: path, operation: "inspect", activity: "inspecting \(path)")
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let type = followLinks ? LIBSSH2_SFTP_STAT : LIBSSH2_SFTP_LSTAT
        let result = libssh2_sftp_stat_ex(handle, path, UInt32(path.utf8.count), type, &attributes)
        if result != 0 { throw error(code: Int(result), path: path, operation: "inspect", activity: "inspecting \(path)") }
        return attributes
    }

    func setAttributes(_ path: String, _ attributes: LIBSSH2_SFTP_ATTRIBUTES) throws {
        try prepare(path: path, operation: "change the attributes of", activity: "changing \(path)")
        var copy = attributes
        let result = libssh2_sftp_stat_ex(handle, path, UInt32(path.utf8.count), LIBSSH2_SFTP_SETSTAT, &copy)
        if result != 0 { throw error(code: Int(result), path: path, operation: "change the attributes of", activity: "changing \(path)") }
    }

    func openFile(_ path: String, flags: Int32, mode: Int32, operation: String) throws -> SFTPFileHandle {
        try open(path, flags: UInt(flags), mode: Int(mode), type: LIBSSH2_SFTP_OPENFILE, operation: operation)
    }

    func openDirectory(_ path: String) throws -> SFTPFileHandle {
        try open(path, flags: 0, mode: 0, type: LIBSSH2_SFTP_OPENDIR, operation: "list")
    }

    private func open(_ path: String, flags: UInt, mode: Int, type: Int32, operation: String) throws -> SFTPFileHandle {
        let activity = "opening \(path)"
        try prepare(path: path, operation: operation, activity: activity)
        guard let file = libssh2_sftp_open_ex(handle, path, UInt32(path.utf8.count), flags, mode, type) else {
            throw error(code: Int(libssh2_session_last_errno(session.handle)), path: path, operation: operation, activity: activity)
        }
        return SFTPFileHandle(channel: self, handle: file, path: path)
    }

    /// SFTP v3 rename: OpenSSH refuses when `destination` exists (it links, then unlinks), and
    /// libssh2 sends no flags in v3, so nothing is ever replaced here.
    func rename(_ source: String, to destination: String) throws {
        let activity = "moving \(source) to \(destination)"
        try prepare(path: source, operation: "move", activity: activity)
        let flags = LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE
        let result = libssh2_sftp_rename_ex(handle, source, UInt32(source.utf8.count), destination, UInt32(destination.utf8.count), Int(flags))
        if result != 0 { throw error(code: Int(result), path: source, operation: "move", activity: activity) }
    }

    func makeDirectory(_ path: String, mode: Int) throws {
        try prepare(path: path, operation: "create the folder", activity: "creating \(path)")
        let result = libssh2_sftp_mkdir_ex(handle, path, UInt32(path.utf8.count), mode)
        if result != 0 { throw error(code: Int(result), path: path, operation: "create the folder", activity: "creating \(path)") }
    }

    func unlink(_ path: String) throws {
        try prepare(path: path, operation: "remove", activity: "removing \(path)")
        let result = libssh2_sftp_unlink_ex(handle, path, UInt32(path.utf8.count))
        if result != 0 { throw error(code: Int(result), path: path, operation: "remove", activity: "removing \(path)") }
    }

    func removeDirectory(_ path: String) throws {
        try prepare(path: path, operation: "remove the folder", activity: "removing \(path)")
        let result = libssh2_sftp_rmdir_ex(handle, path, UInt32(path.utf8.count))
        if result != 0 { throw error(code: Int(result), path: path, operation: "remove the folder", activity: "removing \(path)") }
    }

    func realPath(_ path: String) throws -> String {
        try prepare(path: path, operation: "resolve", activity: "resolving \(path)")
        var buffer = [CChar](repeating: 0, count: 4097)
        let length = libssh2_sftp_symlink_ex(handle, path, UInt32(path.utf8.count), &buffer, UInt32(buffer.count - 1), LIBSSH2_SFTP_REALPATH)
        if length < 0 { throw error(code: Int(length), path: path, operation: "resolve", activity: "resolving \(path)") }
        return String(decoding: buffer[0..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An open SFTP file or directory handle; keeps its channel alive and closes in deinit
/// when `close()` was not called.
final class SFTPFileHandle {
    let channel: SFTPChannel
    let path: String
    private let handle: OpaquePointer
    private var closed = false

    fileprivate init(channel: SFTPChannel, handle: OpaquePointer, path: String) {
        self.channel = channel
        self.handle = handle
        self.path = path
    }

    deinit {
        if !closed { _ = libssh2_sftp_close_handle(handle) }
    }

    /// Closes and reports whether the server accepted the close (the last chance for a write error).
    func close(operation: String) throws {
        guard !closed else { return }
        closed = true
        let result = libssh2_sftp_close_handle(handle)
        if result != 0 { throw channel.error(code: Int(result), path: path, operation: operation, activity: "closing \(path)") }
    }

    func seek(to offset: UInt64) { libssh2_sftp_seek64(handle, offset) }

    /// Up to `count` bytes at the current position; 0 at the end of the file. libssh2 keeps
    /// several read requests in flight in proportion to `count`, so big buffers go fast.
    func read(into buffer: UnsafeMutableRawBufferPointer, count: Int, operation: String) throws -> Int {
        let got = libssh2_sftp_read(handle, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), count)
        if got < 0 { throw channel.error(code: got, path: path, operation: operation, activity: "reading \(path)") }
        return got
    }

    func write(_ data: Data, operation: String) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return }
            var offset = 0
            while offset < raw.count {
                let written = libssh2_sftp_write(handle, base + offset, raw.count - offset)
                if written < 0 { throw channel.error(code: written, path: path, operation: operation, activity: "writing \(path)") }
                offset += written
            }
        }
    }

    func attributes(operation: String) throws -> LIBSSH2_SFTP_ATTRIBUTES {
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let result = libssh2_sftp_fstat_ex(handle, &attributes, 0)
        if result != 0 { throw channel.error(code: Int(result), path: path, operation: operation, activity: "inspecting \(path)") }
        return attributes
    }

    func setAttributes(_ attributes: LIBSSH2_SFTP_ATTRIBUTES, operation: String) throws {
        var copy = attributes
        let result = libssh2_sftp_fstat_ex(handle, &copy, 1)
        if result != 0 { throw channel.error(code: Int(result), path: path, operation: operation, activity: "changing \(path)") }
    }

    /// fsync@openssh.com; false when the server does not offer it.
    func synchronize(operation: String) throws -> Bool {
        let result = libssh2_sftp_fsync(handle)
        if result == 0 { return true }
        let failure = channel.error(code: Int(result), path: path, operation: operation, activity: "flushing \(path)")
        if failure.status == .operationUnsupported { return false }
        if case .other = failure.failure.kind { return false }  // No fsync extension: libssh2 reports it locally.
        throw failure
    }

    /// The next directory entry (name and lstat attributes), or nil at the end.
    func nextEntry() throws -> (name: String, attributes: LIBSSH2_SFTP_ATTRIBUTES)? {
        var buffer = [CChar](repeating: 0, count: 4096)
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let length = libssh2_sftp_readdir_ex(handle, &buffer, buffer.count, nil, 0, &attributes)
        if length < 0 { throw channel.error(code: Int(length), path: path, operation: "list", activity: "listing \(path)") }
        if length == 0 { return nil }
        let name = String(decoding: buffer[0..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (name, attributes)
    }
}
