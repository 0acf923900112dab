import CLibSSH2
import Foundation
import WPRescueKit

/// `libssh2_init` runs once, the first time any session is made; a global `let` is
/// initialized lazily and exactly once even if two threads race to it.
let libssh2InitResult: Int32 = libssh2_init(0)

/// Every LIBSSH2_ERROR_* code of libssh2 1.10, so that mapping them is a switch the
/// compiler checks for completeness.
enum LibSSH2Code: Int32 {
    case none = 0
    case socketNone = -1
    case bannerReceive = -2
    case bannerSend = -3
    case invalidMAC = -4
    case keyExchangeFailure = -5
    case allocation = -6
    case socketSend = -7
    case keyExchangeFailed = -8
    case timeout = -9
    case hostKeyInit = -10
    case hostKeySign = -11
    case decrypt = -12
    case socketDisconnect = -13
    case protocolError = -14
    case passwordExpired = -15
    case file = -16
    case methodNone = -17
    case authenticationFailed = -18
    case publicKeyUnverified = -19
    case channelOutOfOrder = -20
    case channelFailure = -21
    case channelRequestDenied = -22
    case channelUnknown = -23
    case channelWindowExceeded = -24
    case channelPacketExceeded = -25
    case channelClosed = -26
    case channelEOFSent = -27
    case scpProtocol = -28
    case zlib = -29
    case socketTimeout = -30
    case sftpProtocol = -31
    case requestDenied = -32
    case methodNotSupported = -33
    case invalidArgument = -34
    case invalidPollType = -35
    case publicKeyProtocol = -36
    case wouldBlock = -37
    case bufferTooSmall = -38
    case badUse = -39
    case compress = -40
    case outOfBoundary = -41
    case agentProtocol = -42
    case socketReceive = -43
    case encrypt = -44
    case badSocket = -45
    case knownHosts = -46
    case channelWindowFull = -47
    case keyFileAuthenticationFailed = -48
    case randomGeneration = -49

    /// What the failure means for the connection: gone (reconnect), too slow, or still usable.
    enum Effect { case connectionDropped, timedOut, requestFailed }

    var effect: Effect {
        switch self {
        case .timeout, .socketTimeout:
            return .timedOut
        case .socketNone, .bannerReceive, .bannerSend, .invalidMAC, .keyExchangeFailure, .socketSend,
             .keyExchangeFailed, .decrypt, .socketDisconnect, .protocolError, .channelClosed, .channelEOFSent,
             .socketReceive, .encrypt, .badSocket, .channelFailure, .channelOutOfOrder, .channelUnknown,
             .channelWindowExceeded, .channelPacketExceeded, .zlib, .compress:
            return .connectionDropped
        case .none, .allocation, .hostKeyInit, .hostKeySign, .passwordExpired, .file, .methodNone,
             .authenticationFailed, .publicKeyUnverified, .channelRequestDenied, .scpProtocol, .sftpProtocol,
             .requestDenied, .methodNotSupported, .invalidArgument, .invalidPollType, .publicKeyProtocol,
             .wouldBlock, .bufferTooSmall, .badUse, .outOfBoundary, .agentProtocol, .knownHosts,
             .channelWindowFull, .keyFileAuthenticationFailed, .randomGeneration:
            return .requestFailed
        }
    }
}

/// The SSH_FX_* status codes an SFTP server answers with (SFTP v3 uses 0–8; OpenSSH sends only those).
enum SFTPStatus: UInt {
    case ok = 0
    case endOfFile = 1
    case noSuchFile = 2
    case permissionDenied = 3
    case failure = 4
    case badMessage = 5
    case noConnection = 6
    case connectionLost = 7
    case operationUnsupported = 8
    case invalidHandle = 9
    case noSuchPath = 10
    case fileAlreadyExists = 11
    case writeProtect = 12
    case noMedia = 13
    case noSpaceOnFileSystem = 14
    case quotaExceeded = 15
    case unknownPrincipal = 16
    case lockConflict = 17
    case directoryNotEmpty = 18
    case notADirectory = 19
    case invalidFileName = 20
    case linkLoop = 21
}

/// One failed libssh2 call, read from the session right after it failed.
struct SSHFailure {
    enum Kind {
        /// The server answered an SFTP request with this status.
        case status(SFTPStatus?, rawStatus: UInt)
        /// The transport is gone or too slow; the session is unusable from now on.
        case connectionLost(detail: String)
        /// Anything else libssh2 reports.
        case other(code: Int32, message: String)
    }

    var kind: Kind

    var status: SFTPStatus? {
        if case .status(let status, _) = kind { return status }
        return nil
    }

    /// The one place libssh2 failures become `FileAccessError` cases.
    func fileAccessError(path: String, operation: String) -> FileAccessError {
        switch kind {
        case .connectionLost(let detail):
            return .connectionLost(detail: detail)
        case .other(let code, let message):
            let name = LibSSH2Code(rawValue: code).map { "\($0)" } ?? "code \(code)"
            return .failed(path: path, operation: operation, detail: message.isEmpty ? "libssh2 error \(name)" : "\(message) (libssh2 \(name))")
        case .status(let status, let raw):
            guard let status else {
                return .failed(path: path, operation: operation, detail: "the server answered with the unknown SFTP status \(raw)")
            }
            switch status {
            case .noSuchFile, .noSuchPath:
                return .notFound(path: path)
            case .permissionDenied, .writeProtect, .lockConflict:
                return .permissionDenied(path: path)
            case .fileAlreadyExists:
                return .alreadyExists(path: path)
            case .noSpaceOnFileSystem, .quotaExceeded:
                return .noSpace(path: path)
            case .directoryNotEmpty:
                return .directoryNotEmpty(path: path)
            case .notADirectory:
                return .notADirectory(path: path)
            case .noConnection, .connectionLost:
                return .connectionLost(detail: "the SFTP server reported its connection lost during \(operation) \(path)")
            case .failure:
                return .failed(path: path, operation: operation, detail: "the server refused without giving a reason (SSH_FX_FAILURE)")
            case .operationUnsupported:
                return .failed(path: path, operation: operation, detail: "the SFTP server does not support this operation")
            case .endOfFile:
                return .failed(path: path, operation: operation, detail: "the file ended earlier than expected")
            case .badMessage, .invalidHandle:
                return .failed(path: path, operation: operation, detail: "the SFTP server rejected the request as malformed (status \(raw))")
            case .noMedia, .unknownPrincipal, .invalidFileName, .linkLoop:
                return .failed(path: path, operation: operation, detail: "the SFTP server refused it (status \(status))")
            case .ok:
                return .failed(path: path, operation: operation, detail: "libssh2 reported a failure the server did not")
            }
        }
    }
}
