import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to reach and trust a server: what the CLI's `--identity`, `--known-hosts` and
/// `--accept-new-host-key` set, plus the prompts the CLI answers on the terminal.
///
/// Library code never reads the terminal: a passphrase or password comes from the
/// closures below (or, for the password, from `WPRESCUE_SSH_PASSWORD`), never from argv.
public struct SSHConnectionOptions {
    /// `--identity FILE`: tried first among key files, and must exist.
    public var identityFile: String?
    /// `--known-hosts FILE`; nil means `<home>/.ssh/known_hosts`.
    public var knownHostsFile: String?
    /// `--accept-new-host-key`: record the key of a host that is not in known_hosts yet.
    /// A changed key is refused whatever this says.
    public var acceptNewHostKey = false
    /// nil means `<home>/.ssh/config`; set `readSSHConfig` to false to ignore it.
    public var sshConfigFile: String?
    public var readSSHConfig = true
    /// Where `~` points for ssh_config, known_hosts and the default keys.
    public var homeDirectory: String
    /// The login name when neither the address nor ssh_config gives one.
    public var localUserName: String
    /// Ask a running ssh-agent first (OpenSSH's order: agent, key files, password).
    public var useAgent = true
    /// nil means `SSH_AUTH_SOCK` from `environment`.
    public var agentSocketPath: String?
    /// After `identityFile` and ssh_config's `IdentityFile`s, try ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
    public var tryDefaultIdentityFiles = true
    /// Read for `WPRESCUE_SSH_PASSWORD` and `SSH_AUTH_SOCK`.
    public var environment: [String: String]
    /// How long to wait for the TCP connection.
    public var connectTimeout: TimeInterval = 15
    /// How long any one SSH or SFTP step may wait for the server before the connection counts as lost.
    public var operationTimeout: TimeInterval = 60
    /// Seconds between keepalive messages on an idle connection.
    public var keepaliveInterval = 30

    /// Asked for the passphrase of an encrypted key file; return nil to skip that key.
    public var passphrasePrompt: ((_ identityFile: String) -> String?)?
    /// Asked for the password when keys did not work and `WPRESCUE_SSH_PASSWORD` is unset;
    /// `destination` reads `user@host`. Return nil to give up.
    public var passwordPrompt: ((_ destination: String) -> String?)?
    /// Asked, on a terminal, what a keyboard-interactive login asks besides the password (a
    /// one-time code, say): gets the server's prompt text, control characters removed.
    public var keyboardInteractivePrompt: ((_ serverPrompt: String) -> String?)?

    public init(homeDirectory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        let account = getpwuid(getuid())
        let accountHome = account.flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        self.homeDirectory = homeDirectory ?? environment["HOME"] ?? accountHome ?? "/"
        self.localUserName = account.flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? environment["USER"] ?? "root"
    }

    var resolvedKnownHostsFile: String {
        knownHostsFile ?? (homeDirectory as NSString).appendingPathComponent(".ssh/known_hosts")
    }

    var resolvedSSHConfigFile: String? {
        guard readSSHConfig else { return nil }
        return sshConfigFile ?? (homeDirectory as NSString).appendingPathComponent(".ssh/config")
    }

    var defaultIdentityFiles: [String] {
        ["id_ed25519", "id_ecdsa", "id_rsa"].map { (homeDirectory as NSString).appendingPathComponent(".ssh/\($0)") }
    }

    /// Combines the address with ssh_config into the endpoint to connect to.
    public func endpoint(for address: SSHAddress) throws -> SSHEndpoint {
        let config = try resolvedSSHConfigFile.flatMap { try SSHConfig.load(path: $0, homeDirectory: homeDirectory) }
        return try SSHEndpoint.resolve(address, config: config, localUserName: localUserName, homeDirectory: homeDirectory)
    }
}
