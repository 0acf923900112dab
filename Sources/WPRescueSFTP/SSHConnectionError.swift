import Foundation

/// What can stop wprescue from reaching a server before any file is touched. Once connected,
/// file operations throw `FileAccessError` (a dropped connection is `.connectionLost`).
///
/// No case ever carries a password or a passphrase.
public enum SSHConnectionError: Error, Equatable, LocalizedError {
    case configUnreadable(path: String, detail: String)
    /// The ProxyCommand could not start, or ended before the SSH handshake was done.
    case proxyCommandFailed(command: String, detail: String)
    /// A host or user name to put into ProxyCommand holds characters a shell would interpret.
    case unsafeProxyCommandToken(alias: String, value: String)
    case invalidJumpHost(alias: String, value: String)
    /// `ProxyJump` leads back to a host already on the way.
    case jumpHostLoop(chain: [String])
    case hostNotFound(host: String, detail: String)
    case connectFailed(host: String, port: Int, detail: String)
    case connectTimedOut(host: String, port: Int, seconds: Int)
    case handshakeFailed(host: String, port: Int, detail: String)
    /// The server's key is not in known_hosts; nothing was sent to the server beyond the handshake.
    case unknownHostKey(host: String, keyType: String, fingerprint: String, knownHostsFile: String)
    /// The server's key differs from the recorded one: possibly someone in the middle.
    case hostKeyChanged(host: String, keyType: String, fingerprint: String, recordedFingerprint: String?, knownHostsFile: String)
    case hostKeyRevoked(host: String, fingerprint: String, knownHostsFile: String)
    case knownHostsUnreadable(path: String, detail: String)
    case knownHostsUnwritable(path: String, detail: String)
    case identityFileUnreadable(path: String)
    /// Every method the server allows was tried and refused. `refusedRSAKeys` lists RSA keys
    /// the server turned down: libssh2 1.10 can only sign with ssh-rsa (SHA-1), which
    /// OpenSSH 8.8 and later refuse.
    case authenticationFailed(user: String, host: String, triedMethods: [String], serverMethods: [String], refusedRSAKeys: [String])
    case sftpUnavailable(host: String, detail: String)
    case connectionLost(host: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .configUnreadable(let path, let detail):
            return "Could not read the SSH configuration \(path) (\(detail)); fix its permissions or pass the address without an alias."
        case .proxyCommandFailed(let command, let detail):
            return "The ProxyCommand `\(command)` from ~/.ssh/config \(detail); run it by hand to see why (its own messages are above), or fix it in ~/.ssh/config."
        case .unsafeProxyCommandToken(let alias, let value):
            return "The ProxyCommand for \(alias) in ~/.ssh/config would be given `\(value)`, which holds characters a shell would interpret; wprescue does not run it. Use a plain host and user name."
        case .invalidJumpHost(let alias, let value):
            return "The ProxyJump host `\(value)` for \(alias) in ~/.ssh/config is not of the form [user@]host[:port]; fix that line."
        case .jumpHostLoop(let chain):
            return "ProxyJump in ~/.ssh/config goes round in a circle (\(chain.joined(separator: " → "))); add `ProxyJump none` under the `Host` entry of the jump host."
        case .hostNotFound(let host, let detail):
            return "The host name \(host) could not be resolved (\(detail)); check the spelling, or the HostName of the alias in ~/.ssh/config."
        case .connectFailed(let host, let port, let detail):
            return "Could not connect to \(host) port \(port) (\(detail)); check that the SSH server runs and that the port is right."
        case .connectTimedOut(let host, let port, let seconds):
            return "\(host) port \(port) did not answer within \(seconds) seconds; check the address, the port and any firewall in between."
        case .handshakeFailed(let host, let port, let detail):
            return "The SSH handshake with \(host) port \(port) failed (\(detail)); check that this port speaks SSH and that the server accepts modern algorithms."
        case .unknownHostKey(let host, let keyType, let fingerprint, let knownHostsFile):
            return "The host key of \(host) is not in \(knownHostsFile) (\(keyType) key fingerprint \(fingerprint)); compare that fingerprint with the one your host shows (`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the server) and, if it matches, run again with --accept-new-host-key to record it."
        case .hostKeyChanged(let host, let keyType, let fingerprint, let recordedFingerprint, let knownHostsFile):
            let recorded = recordedFingerprint.map { "the recorded key was \($0)" } ?? "a different key is recorded"
            return "WARNING: THE HOST KEY OF \(host) HAS CHANGED: it now presents the \(keyType) key \(fingerprint), but \(recorded) in \(knownHostsFile). Someone may be intercepting the connection, or the server was reinstalled; wprescue refuses to connect. Confirm the new fingerprint with your host, then remove the old line (`ssh-keygen -R \(host) -f \(knownHostsFile)`) and connect again."
        case .hostKeyRevoked(let host, let fingerprint, let knownHostsFile):
            return "The host key \(fingerprint) presented by \(host) is marked @revoked in \(knownHostsFile); wprescue refuses to connect."
        case .knownHostsUnreadable(let path, let detail):
            return "Could not read the known-hosts file \(path) (\(detail)); fix its permissions or pass --known-hosts with another file."
        case .knownHostsUnwritable(let path, let detail):
            return "Could not record the new host key in \(path) (\(detail)); check that the folder exists and is writable, or pass --known-hosts with another file."
        case .identityFileUnreadable(let path):
            return "The identity file \(path) does not exist or cannot be read; check the path given to --identity."
        case .authenticationFailed(let user, let host, let triedMethods, let serverMethods, let refusedRSAKeys):
            var sentence = "\(host) refused to log in \(user)"
            sentence += triedMethods.isEmpty ? " (no usable key, agent or password was available" : " (tried: \(triedMethods.joined(separator: ", "))"
            sentence += "; the server accepts: \(serverMethods.isEmpty ? "nothing wprescue can use" : serverMethods.joined(separator: ", ")))"
            if !refusedRSAKeys.isEmpty {
                sentence += ". The RSA key \(refusedRSAKeys.joined(separator: ", ")) was refused: this build's libssh2 signs RSA keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8 and later reject; create an ed25519 key (`ssh-keygen -t ed25519`), add its .pub line to the server's ~/.ssh/authorized_keys and pass it with --identity"
            } else {
                sentence += "; check the user name, load your key into ssh-agent or pass it with --identity, or set WPRESCUE_SSH_PASSWORD"
            }
            return sentence + "."
        case .sftpUnavailable(let host, let detail):
            return "Logged in to \(host), but the SFTP service did not start (\(detail)); ask your host to enable SFTP (`Subsystem sftp` in sshd_config) for this account."
        case .connectionLost(let host, let detail):
            return "The connection to \(host) dropped while connecting (\(detail)); check the network and try again."
        }
    }
}
