import CLibSSH2
import Foundation
import WPRescueKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One authenticated SSH connection (a libssh2 session on its own TCP socket).
///
/// Blocking and single-threaded: use one session per thread. Every wait is bounded by
/// `SSHConnectionOptions.operationTimeout`. Channels opened on it keep it alive; it
/// disconnects and frees itself when the last of them is gone. A tunnel (`SSHTunnel`) pumps
/// on its own thread, so it gets its own session from `openSibling()`.
public final class SSHSession {
    public let endpoint: SSHEndpoint
    /// The SHA256 fingerprint of the host key that was verified.
    public private(set) var hostKeyFingerprint = ""
    /// True when this connection recorded the host key (`acceptNewHostKey` on an unknown host).
    public private(set) var recordedNewHostKey = false
    /// Host keys recorded on the way here, jump hosts first: `[host]:port` and fingerprint.
    public var recordedHostKeys: [(host: String, fingerprint: String)] {
        jumpRecordedHostKeys + (recordedNewHostKey ? [(KnownHostsCollection.lookupName(host: endpoint.hostName, port: endpoint.port), hostKeyFingerprint)] : [])
    }
    private let jumpRecordedHostKeys: [(host: String, fingerprint: String)]

    let handle: OpaquePointer
    let socket: Int32
    private let context: SessionContext
    /// The options this session logged in with, its prompts replaced by `answers`' recorders.
    private let options: SSHConnectionOptions
    private let answers: PromptAnswers
    let timeoutSeconds: Int
    /// Set once the transport failed; every later call fails fast with the same sentence.
    private(set) var lostDetail: String?
    /// For a server behind `ProxyJump` hosts: the tunnel through the last of them, which this
    /// session's socket is connected to. It owns the jump host's session; nil when direct.
    private let relay: SSHTunnel?
    /// For a server reached through `ProxyCommand`: the running command this session talks through.
    private let proxyCommand: ProxyCommand?

    /// Connects, verifies the host key against known_hosts, and logs in.
    public init(endpoint: SSHEndpoint, options: SSHConnectionOptions) throws {
        guard libssh2InitResult == 0 else {
            throw SSHConnectionError.handshakeFailed(host: endpoint.hostName, port: endpoint.port, detail: "libssh2 could not initialize its crypto library")
        }
        self.endpoint = endpoint
        self.timeoutSeconds = max(1, Int(options.operationTimeout.rounded()))
        let answers = PromptAnswers()
        self.answers = answers
        self.options = options
        var options = options
        options.passphrasePrompt = answers.recording(options.passphrasePrompt, kind: "passphrase")
        options.passwordPrompt = answers.recording(options.passwordPrompt, kind: "password")
        var relay: SSHTunnel?
        var proxyCommand: ProxyCommand?
        let socket: Int32
        if let command = endpoint.proxyCommand {
            let process = try ProxyCommand(command: command, environment: options.environment)
            proxyCommand = process
            jumpRecordedHostKeys = []
            socket = process.socket
        } else if let jump = endpoint.lastJump {
            // As `ssh -J`: log in to the jump host (through the hops before it, if any), have it
            // open a direct-tcpip channel to this server, and speak SSH over that channel.
            // Host keys are checked under this server's own name, as OpenSSH does.
            // WPRESCUE_SSH_PASSWORD is the password of the server named in --site, never offered to a
            // jump host, which could be anyone's (a jump host's password is asked for by name).
            var jumpOptions = options
            jumpOptions.environment["WPRESCUE_SSH_PASSWORD"] = nil
            let jumpSession = try SSHSession(endpoint: jump, options: jumpOptions)
            jumpRecordedHostKeys = jumpSession.recordedHostKeys
            let tunnel = try SSHTunnel(session: jumpSession, target: .tcp(host: endpoint.hostName, port: endpoint.port))
            relay = tunnel
            socket = try TCPConnector.connect(unixSocket: tunnel.localSocketPath)
        } else {
            jumpRecordedHostKeys = []
            socket = try TCPConnector.connect(host: endpoint.hostName, port: endpoint.port, timeout: options.connectTimeout)
        }
        self.relay = relay
        self.proxyCommand = proxyCommand
        let context = SessionContext()
        guard let handle = libssh2_session_init_ex(nil, nil, nil, Unmanaged.passUnretained(context).toOpaque()) else {
            close(socket)
            throw SSHConnectionError.handshakeFailed(host: endpoint.hostName, port: endpoint.port, detail: "libssh2 could not allocate a session")
        }
        self.socket = socket
        self.handle = handle
        self.context = context
        // From here on deinit frees the session and closes the socket if anything throws.
        _ = libssh2_session_callback_set(handle, LIBSSH2_CALLBACK_RECV, unsafeBitCast(receiveCallback, to: UnsafeMutableRawPointer.self))
        _ = libssh2_session_callback_set(handle, LIBSSH2_CALLBACK_SEND, unsafeBitCast(sendCallback, to: UnsafeMutableRawPointer.self))
        libssh2_session_set_blocking(handle, 1)
        libssh2_session_set_timeout(handle, timeoutSeconds * 1000)

        let knownHostsPath = options.resolvedKnownHostsFile
        let knownHosts = try KnownHostsCollection(session: handle, path: knownHostsPath)
        let lookupName = KnownHostsCollection.lookupName(host: endpoint.hostName, port: endpoint.port)
        preferHostKeyTypes(knownHosts.recordedTypes(forName: lookupName))

        if libssh2_session_handshake(handle, socket) != 0 {
            if let proxyCommand, let ended = proxyCommand.endedDescription {
                throw SSHConnectionError.proxyCommandFailed(command: proxyCommand.command, detail: "\(ended) before the SSH handshake was done")
            }
            throw SSHConnectionError.handshakeFailed(host: endpoint.hostName, port: endpoint.port, detail: lastErrorMessage())
        }
        try verifyHostKey(knownHosts: knownHosts, lookupName: lookupName, acceptNew: options.acceptNewHostKey)
        try SSHAuthenticator(session: self, context: context, options: options).authenticate()
        libssh2_keepalive_config(handle, 1, UInt32(max(1, options.keepaliveInterval)))
    }

    deinit {
        if lostDetail == nil {
            _ = libssh2_session_disconnect_ex(handle, SSH_DISCONNECT_BY_APPLICATION, "wprescue is done", "")
        }
        libssh2_session_free(handle)
        close(socket)
        // The relay tunnel and the proxy command go after this, once they have seen the socket close.
    }

    /// Bytes read from and written to the socket so far (SSH framing and encryption included);
    /// safe to read from another thread, e.g. to show progress.
    public var traffic: SSHTrafficCounter { context.traffic }
    public var bytesReceived: UInt64 { traffic.received }
    public var bytesSent: UInt64 { traffic.sent }

    /// `user@host:port` for messages.
    public var displayName: String { endpoint.displayName }

    /// A second, independent login to the same server, for work on another thread (a tunnel).
    /// What was typed at this session's prompts is answered again without asking, and the
    /// server must present the same host key.
    public func openSibling() throws -> SSHSession {
        var options = self.options
        options.acceptNewHostKey = false
        options.passphrasePrompt = answers.replaying(options.passphrasePrompt, kind: "passphrase")
        options.passwordPrompt = answers.replaying(options.passwordPrompt, kind: "password")
        let sibling = try SSHSession(endpoint: endpoint, options: options)
        guard sibling.hostKeyFingerprint == hostKeyFingerprint else {
            throw SSHConnectionError.hostKeyChanged(
                host: KnownHostsCollection.lookupName(host: endpoint.hostName, port: endpoint.port), keyType: "host",
                fingerprint: sibling.hostKeyFingerprint, recordedFingerprint: hostKeyFingerprint,
                knownHostsFile: options.resolvedKnownHostsFile)
        }
        return sibling
    }

    // MARK: - Host key

    /// Asks for a key type already recorded for this host first, as OpenSSH does, and
    /// otherwise follows OpenSSH's order (ed25519 first; libssh2 would start with ECDSA), so
    /// the key recorded here is the one `ssh` itself would have recorded.
    private func preferHostKeyTypes(_ recorded: [HostKeyType]) {
        var list: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        let count = libssh2_session_supported_algs(handle, LIBSSH2_METHOD_HOSTKEY, &list)
        guard count > 0, let list else { return }
        defer { libssh2_free(handle, list) }
        let supported = (0..<Int(count)).compactMap { list[$0].map { String(cString: $0) } }
        let opensshOrder: [HostKeyType] = [.ed25519, .ecdsa256, .ecdsa384, .ecdsa521, .rsa]
        let preferred = (recorded + opensshOrder).flatMap(\.algorithms).filter(supported.contains)
        var ordered: [String] = []
        for algorithm in preferred + supported where !ordered.contains(algorithm) { ordered.append(algorithm) }
        _ = libssh2_session_method_pref(handle, LIBSSH2_METHOD_HOSTKEY, ordered.joined(separator: ","))
    }

    private func verifyHostKey(knownHosts: KnownHostsCollection, lookupName: String, acceptNew: Bool) throws {
        var length = 0
        var rawType: Int32 = 0
        guard let key = libssh2_session_hostkey(handle, &length, &rawType), length > 0 else {
            throw SSHConnectionError.handshakeFailed(host: endpoint.hostName, port: endpoint.port, detail: "the server sent no host key")
        }
        let blob = key.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        if let digest = libssh2_hostkey_hash(handle, LIBSSH2_HOSTKEY_HASH_SHA256) {
            hostKeyFingerprint = digest.withMemoryRebound(to: UInt8.self, capacity: 32) { HostKeyFingerprint.format(digest: Array(UnsafeBufferPointer(start: $0, count: 32))) }
        } else {
            hostKeyFingerprint = HostKeyFingerprint.sha256(ofKeyBlob: blob)
        }
        guard let type = HostKeyType(libssh2Type: rawType) else {
            throw SSHConnectionError.handshakeFailed(host: endpoint.hostName, port: endpoint.port, detail: "the server's host key type is unknown to libssh2")
        }
        switch knownHosts.verify(name: lookupName, keyBlob: blob, type: type) {
        case .match:
            return
        case .revoked:
            throw SSHConnectionError.hostKeyRevoked(host: lookupName, fingerprint: hostKeyFingerprint, knownHostsFile: knownHosts.path)
        case .changed(let recorded):
            throw SSHConnectionError.hostKeyChanged(
                host: lookupName, keyType: type.name, fingerprint: hostKeyFingerprint,
                recordedFingerprint: recorded.map(HostKeyFingerprint.sha256(ofKeyBlob:)), knownHostsFile: knownHosts.path)
        case .unknown:
            guard acceptNew else {
                throw SSHConnectionError.unknownHostKey(host: lookupName, keyType: type.name, fingerprint: hostKeyFingerprint, knownHostsFile: knownHosts.path)
            }
            try KnownHostsCollection.record(name: lookupName, type: type, keyBlob: blob, path: knownHosts.path)
            recordedNewHostKey = true
        }
    }

    // MARK: - Failures

    func lastErrorMessage() -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(handle, &message, &length, 0)
        guard let message, length > 0 else { return "no detail from libssh2" }
        return String(decoding: UnsafeRawBufferPointer(start: message, count: Int(length)), as: UTF8.self)
    }

    /// Reads the session's last error right after a call failed with `code`, and turns a
    /// lost or stalled transport into the sentence every later call repeats. `activity`
    /// completes "…while <activity>", e.g. "reading /var/www/html/wp-config.php".
    func failure(code: Int, activity: String, sftp: OpaquePointer? = nil) -> SSHFailure {
        if let lostDetail { return SSHFailure(kind: .connectionLost(detail: lostDetail)) }
        let lastCode = libssh2_session_last_errno(handle)
        let effectiveCode = lastCode != 0 ? lastCode : Int32(clamping: code)
        guard let known = LibSSH2Code(rawValue: effectiveCode) else {
            return SSHFailure(kind: .other(code: effectiveCode, message: lastErrorMessage()))
        }
        if known == .sftpProtocol, let sftp {
            let raw = libssh2_sftp_last_error(sftp)
            return SSHFailure(kind: .status(SFTPStatus(rawValue: raw), rawStatus: raw))
        }
        switch known.effect {
        case .connectionDropped:
            return markLost("\(endpoint.displayName) closed the connection while \(activity) (\(lastErrorMessage()))")
        case .timedOut:
            return markLost("\(endpoint.displayName) did not answer for \(timeoutSeconds) seconds while \(activity)")
        case .requestFailed:
            return SSHFailure(kind: .other(code: effectiveCode, message: lastErrorMessage()))
        }
    }

    private func markLost(_ detail: String) -> SSHFailure {
        lostDetail = detail
        // Freeing channels still talks to the server; do not wait the full timeout for a dead one.
        libssh2_session_set_timeout(handle, 1000)
        return SSHFailure(kind: .connectionLost(detail: detail))
    }

    /// Called before each request: fails fast on a dead connection and sends a keepalive
    /// when the connection has been idle for the configured interval.
    func prepareRequest(activity: String) throws {
        if let lostDetail { throw FileAccessError.connectionLost(detail: lostDetail) }
        var secondsToNext: Int32 = 0
        let result = libssh2_keepalive_send(handle, &secondsToNext)
        if result != 0 {
            throw failure(code: Int(result), activity: activity).fileAccessError(path: "", operation: activity)
        }
    }

    // MARK: - Channels

    /// A session channel running `subsystem` (e.g. "sftp").
    func openSubsystemChannel(_ subsystem: String, activity: String) throws -> SSHChannel {
        try prepareRequest(activity: activity)
        let type = "session"
        guard let channel = libssh2_channel_open_ex(handle, type, UInt32(type.utf8.count), 2 * 1024 * 1024, 32768, nil, 0) else {
            throw failure(code: Int(libssh2_session_last_errno(handle)), activity: activity).fileAccessError(path: "", operation: activity)
        }
        let wrapped = SSHChannel(session: self, handle: channel)
        let request = "subsystem"
        let result = libssh2_channel_process_startup(channel, request, UInt32(request.utf8.count), subsystem, UInt32(subsystem.utf8.count))
        if result != 0 {
            throw failure(code: Int(result), activity: activity).fileAccessError(path: "", operation: activity)
        }
        return wrapped
    }

    /// A channel to `target` as the server sees it: `direct-tcpip`, or for a Unix socket
    /// OpenSSH's `direct-streamlocal@openssh.com` (libssh2 1.10 has no call for it, but its
    /// generic channel open takes the request's fields). The caller frees the channel.
    func openForwardChannel(to target: SSHForwardTarget) throws -> OpaquePointer {
        let activity = "opening a tunnel to \(target)"
        try prepareRequest(activity: activity)
        let channel: OpaquePointer?
        switch target {
        case .tcp(let host, let port):
            channel = libssh2_channel_direct_tcpip_ex(handle, host, Int32(port), "127.0.0.1", 0)
        case .unixSocket(let path):
            // string socket path, string reserved, uint32 reserved
            var fields = WireWriter()
            fields.string(path)
            fields.string("")
            fields.uint32(0)
            let type = "direct-streamlocal@openssh.com"
            channel = fields.bytes.withUnsafeBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { message in
                    libssh2_channel_open_ex(handle, type, UInt32(type.utf8.count), 2 * 1024 * 1024,
                                            32768, message.baseAddress, UInt32(message.count))
                }
            }
        }
        if let channel { return channel }
        let code = libssh2_session_last_errno(handle)
        let detail = lastErrorMessage()
        guard code == LIBSSH2_ERROR_CHANNEL_FAILURE else {
            throw failure(code: Int(code), activity: activity).fileAccessError(path: "", operation: activity)
        }
        // libssh2 words the server's SSH_MSG_CHANNEL_OPEN_FAILURE reason as "Channel open failure (<reason>)".
        if detail.contains("administratively prohibited") {
            throw SSHTunnelError.forwardingRefused(server: displayName, target: target)
        }
        if detail.contains("connect failed") {
            // OpenSSH answers a refused socket forward with this same reason, so say both.
            let why = if case .unixSocket = target {
                "it answered: connect failed; nothing listens there, the account may not open it, or socket forwarding is off (AllowStreamLocalForwarding)"
            } else {
                "it answered: connect failed"
            }
            throw SSHTunnelError.targetUnreachable(server: displayName, target: target, detail: why)
        }
        throw SSHTunnelError.openFailed(server: displayName, target: target, detail: detail)
    }
}

/// What was answered at a session's password and passphrase prompts, kept in memory only, so
/// a sibling session logs in without asking again.
private final class PromptAnswers {
    private var answers: [String: String] = [:]

    func recording(_ prompt: ((String) -> String?)?, kind: String) -> ((String) -> String?)? {
        guard let prompt else { return nil }
        return { [self] subject in
            let answer = prompt(subject)
            answers["\(kind) \(subject)"] = answer
            return answer
        }
    }

    /// The remembered answer the first time each subject is asked about, then the real prompt.
    func replaying(_ prompt: ((String) -> String?)?, kind: String) -> ((String) -> String?)? {
        var replayed = Set<String>()
        return { [self] subject in
            let key = "\(kind) \(subject)"
            if let answer = answers[key], replayed.insert(key).inserted { return answer }
            return prompt?(subject)
        }
    }
}

/// A libssh2 channel; keeps its session alive and is freed before it.
final class SSHChannel {
    let session: SSHSession
    let handle: OpaquePointer

    init(session: SSHSession, handle: OpaquePointer) {
        self.session = session
        self.handle = handle
    }

    deinit {
        if session.lostDetail == nil { _ = libssh2_channel_close(handle) }
        libssh2_channel_free(handle)
    }

    func write(_ bytes: [UInt8], activity: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                libssh2_channel_write_ex(handle, 0, raw.baseAddress!.assumingMemoryBound(to: CChar.self) + offset, bytes.count - offset)
            }
            if written < 0 { throw session.failure(code: written, activity: activity).fileAccessError(path: "", operation: activity) }
            offset += written
        }
    }

    func read(exactly count: Int, activity: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer.withUnsafeMutableBytes { raw in
                libssh2_channel_read_ex(handle, 0, raw.baseAddress!.assumingMemoryBound(to: CChar.self) + offset, count - offset)
            }
            if got < 0 { throw session.failure(code: got, activity: activity).fileAccessError(path: "", operation: activity) }
            if got == 0 {
                throw FileAccessError.connectionLost(detail: "\(session.endpoint.displayName) closed the SFTP channel while \(activity)")
            }
            offset += got
        }
        return buffer
    }
}

/// Bytes through one session's socket, counted as libssh2 reads and writes them.
public final class SSHTrafficCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var receivedCount: UInt64 = 0
    private var sentCount: UInt64 = 0

    public var received: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return receivedCount
    }

    public var sent: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return sentCount
    }

    func add(received count: Int) {
        lock.lock()
        receivedCount &+= UInt64(count)
        lock.unlock()
    }

    func add(sent count: Int) {
        lock.lock()
        sentCount &+= UInt64(count)
        lock.unlock()
    }
}

/// State the C callbacks reach through libssh2's `abstract` pointer.
final class SessionContext {
    let traffic = SSHTrafficCounter()
    /// Only set while a keyboard-interactive login is in progress: the password being tried,
    /// and who answers the server's other prompts.
    var keyboardInteractivePassword: String?
    var keyboardInteractivePrompt: ((String) -> String?)?

    static func from(_ abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> SessionContext? {
        guard let pointer = abstract?.pointee else { return nil }
        return Unmanaged<SessionContext>.fromOpaque(pointer).takeUnretainedValue()
    }
}

// libssh2's own socket I/O, plus byte counts: what a range read really costs is measured,
// not guessed. Errors are returned as -errno, as libssh2's defaults do.
private let receiveCallback: @convention(c) (libssh2_socket_t, UnsafeMutableRawPointer?, Int, Int32, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int = { socket, buffer, length, flags, abstract in
    let result = recv(socket, buffer, length, flags)
    if result < 0 {
        let code = errno
        return code == EWOULDBLOCK ? -Int(EAGAIN) : -Int(code)
    }
    SessionContext.from(abstract)?.traffic.add(received: result)
    return result
}

private let sendCallback: @convention(c) (libssh2_socket_t, UnsafeRawPointer?, Int, Int32, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int = { socket, buffer, length, flags, abstract in
    #if canImport(Glibc)
    let result = send(socket, buffer, length, flags | Int32(MSG_NOSIGNAL))
    #else
    let result = send(socket, buffer, length, flags)
    #endif
    if result < 0 {
        let code = errno
        return code == EWOULDBLOCK ? -Int(EAGAIN) : -Int(code)
    }
    SessionContext.from(abstract)?.traffic.add(sent: result)
    return result
}
