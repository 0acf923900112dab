import Foundation
import WPRescueKit
#if canImport(Glibc)
import Glibc
#endif

/// ssh_config's `ProxyCommand`, run as OpenSSH runs it: `/bin/sh -c COMMAND` with its standard
/// input and output joined to one end of a socket pair, and SSH spoken over the other end.
/// Its standard error is the user's, so tools such as `cloudflared` or `aws ssm` can print
/// what they need to. The command is the user's own configuration; only the `%` tokens come
/// from the address, and `SSHEndpoint.resolve` refuses those that a shell would interpret.
final class ProxyCommand {
    let command: String
    /// wprescue's end of the socket pair; the session that uses it closes it.
    let socket: Int32
    private let pid: pid_t
    private var exitStatus: Int32?

    /// `environment` is the user's (`SSHConnectionOptions.environment`); wprescue's own secrets
    /// (WPRESCUE_SSH_PASSWORD, WPRESCUE_DB_PASSWORD) are taken out of it.
    init(command: String, environment: [String: String]) throws {
        self.command = command
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw SSHConnectionError.proxyCommandFailed(command: command, detail: "could not be given a socket pair (\(String(cString: strerror(errno))))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies the command gets as 0 and 1.
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        let arguments: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = ChildEnvironment.withoutSecrets(environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        close(pair[1])
        guard spawned == 0 else {
            close(pair[0])
            throw SSHConnectionError.proxyCommandFailed(command: command, detail: "could not be started (/bin/sh: \(String(cString: strerror(spawned))))")
        }
        self.pid = pid
        socket = pair[0]
    }

    deinit { stop() }

    /// "exited with status 3" once the command has ended (waiting up to half a second for it,
    /// as its output closes a moment before it is gone), nil while it runs.
    var endedDescription: String? {
        for _ in 0..<50 where exitStatus == nil {
            reap(waiting: false)
            if exitStatus == nil { usleep(10_000) }
        }
        guard let status = exitStatus else { return nil }
        if status & 0x7f == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(status & 0x7f)"
    }

    /// After the session closed its end: the command normally ends on that EOF; it gets a second,
    /// then SIGTERM, then SIGKILL.
    func stop() {
        for signal in [0, SIGTERM, SIGKILL] {
            if signal != 0 { kill(pid, signal) }
            for _ in 0..<100 {
                reap(waiting: false)
                if exitStatus != nil { return }
                usleep(10_000)
            }
        }
        reap(waiting: true)
    }

    private func reap(waiting: Bool) {
        guard exitStatus == nil else { return }
        var status: Int32 = 0
        if waitpid(pid, &status, waiting ? 0 : WNOHANG) == pid { exitStatus = status }
    }
}
