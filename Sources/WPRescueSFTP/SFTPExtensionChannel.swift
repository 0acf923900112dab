import Foundation
import WPRescueKit

/// A second, hand-spoken SFTP v3 conversation on the same session, for the OpenSSH
/// extensions libssh2 1.10 has no call for (it added `libssh2_sftp_posix_rename_ex` only in
/// 1.11) and to learn which extensions the server offers, which libssh2 does not expose.
///
/// It runs on its own channel so that its packets never mix with libssh2's SFTP stream.
final class SFTPExtensionChannel {
    private let channel: SSHChannel
    /// Extension names from the server's VERSION packet, with their version strings.
    let extensions: [String: String]
    private var nextRequestID: UInt32 = 1

    private static let packetLimit = 256 * 1024
    private enum PacketType: UInt8 {
        case initialize = 1, version = 2, status = 101, extended = 200
    }

    init(session: SSHSession) throws {
        let activity = "starting a second SFTP channel"
        channel = try session.openSubsystemChannel("sftp", activity: activity)
        var request = WireWriter()
        request.uint8(PacketType.initialize.rawValue)
        request.uint32(3)
        try Self.send(request, on: channel, activity: activity)
        var reply = try Self.receive(on: channel, activity: activity)
        guard reply.uint8() == PacketType.version.rawValue, reply.uint32() != nil else {
            throw FileAccessError.failed(path: "", operation: "start SFTP", detail: "the server's SFTP greeting was malformed")
        }
        var extensions: [String: String] = [:]
        while !reply.isAtEnd, let name = reply.string(), let version = reply.string() { extensions[name] = version }
        self.extensions = extensions
    }

    var supportsPOSIXRename: Bool { extensions["posix-rename@openssh.com"] != nil }

    /// rename(2) on the server: replaces `destination` atomically. Returns the SFTP status
    /// (0 on success) and the server's message.
    func posixRename(_ source: String, to destination: String) throws -> (status: UInt32, message: String) {
        let activity = "replacing \(destination)"
        let requestID = nextRequestID
        nextRequestID &+= 1
        var request = WireWriter()
        request.uint8(PacketType.extended.rawValue)
        request.uint32(requestID)
        request.string("posix-rename@openssh.com")
        request.string(source)
        request.string(destination)
        try Self.send(request, on: channel, activity: activity)
        var reply = try Self.receive(on: channel, activity: activity)
        guard reply.uint8() == PacketType.status.rawValue, reply.uint32() == requestID, let status = reply.uint32() else {
            throw FileAccessError.failed(path: destination, operation: "replace", detail: "the server's answer to posix-rename was malformed")
        }
        return (status, reply.string() ?? "")
    }

    private static func send(_ packet: WireWriter, on channel: SSHChannel, activity: String) throws {
        var framed = WireWriter()
        framed.string(packet.bytes)
        try channel.write(framed.bytes, activity: activity)
    }

    private static func receive(on channel: SSHChannel, activity: String) throws -> WireReader {
        var header = WireReader(bytes: try channel.read(exactly: 4, activity: activity))
        guard let length = header.uint32(), length > 0, length <= packetLimit else {
            throw FileAccessError.failed(path: "", operation: "talk SFTP", detail: "the server sent an SFTP packet of impossible size")
        }
        return WireReader(bytes: try channel.read(exactly: Int(length), activity: activity))
    }
}
