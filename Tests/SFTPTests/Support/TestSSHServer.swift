import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueSFTP
#if canImport(Glibc)
import Glibc
#endif

/// Whether the real-sshd tests can run here. With `WPRESCUE_REQUIRE_INTEGRATION=1` they run
/// regardless, so a machine that cannot start sshd fails them instead of skipping them.
enum SSHIntegration {
    static let required = ProcessInfo.processInfo.environment["WPRESCUE_REQUIRE_INTEGRATION"] == "1"

    static let unavailableReason: String? = {
        if getuid() != 0 { return "the sshd tests need root (to run sshd and create the test user \(TestSSHServer.userName))" }
        if !FileManager.default.isExecutableFile(atPath: TestSSHServer.sshdPath) { return "\(TestSSHServer.sshdPath) is missing (apt-get install openssh-server)" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen") { return "ssh-keygen is missing (apt-get install openssh-client)" }
        return nil
    }()

    static var enabled: Bool { required || unavailableReason == nil }

    static var skipComment: Comment {
        Comment(rawValue: "Skipped: \(unavailableReason ?? "sshd unavailable"); set WPRESCUE_REQUIRE_INTEGRATION=1 to make this a failure")
    }
}

/// A throwaway OpenSSH server on a free loopback port, for one test: its own host keys,
/// config and client keys in a temporary folder, `internal-sftp`, and the local account
/// `wprescue-sftp-test` (created if missing; its password is kept machine-wide, see `password`).
///
/// Everything a test needs from "the server" goes through this type, so it can later be
/// pointed at the shared test bed instead.
final class TestSSHServer {
    static let userName = "wprescue-sftp-test"
    static let sshdPath = "/usr/sbin/sshd"

    let port: Int
    /// Private to this server: keys, config, log, scratch folder.
    let directory: String
    /// A folder owned by the test user, for file-operation tests.
    let scratchRoot: String
    /// An unencrypted ed25519 client key listed in authorized_keys.
    let clientKey: String
    let hostKeyPublicFile: String
    private let process: SpawnedProcess
    private let logFile: String

    /// The test user's password. It is machine-wide, like the account: kept in a root-only file,
    /// so test processes running side by side (a second checkout, CI next to a session) agree on
    /// it instead of each setting its own and locking the other out.
    static var password: String { get throws { try account.get() } }

    static let secretsDirectory = "/var/lib/wprescue-sftp-test"

    private static let account: Result<String, any Error> = Result {
        try FileManager.default.createDirectory(atPath: secretsDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let lock = open(secretsDirectory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else { throw TestServerError("could not lock \(secretsDirectory)/lock") }
        defer { close(lock) }

        if getpwnam(userName) == nil {
            try run("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", userName])
        }
        let passwordFile = secretsDirectory + "/password"
        let password: String
        if let saved = try? String(contentsOfFile: passwordFile, encoding: .utf8), !saved.isEmpty {
            password = saved
        } else {
            password = "Pw-" + UUID().uuidString.prefix(18)
            guard FileManager.default.createFile(atPath: passwordFile, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw TestServerError("could not write \(passwordFile)")
            }
        }
        // chpasswd only when the shadow entry is not the one it wrote last time. Setting it also
        // unlocks the account: with UsePAM no, sshd refuses even keys for a locked ("!") account.
        let markerFile = secretsDirectory + "/shadow-entry"
        let shadowEntry = { try run("/usr/bin/getent", ["shadow", userName]).split(separator: ":").dropFirst().first.map(String.init) ?? "" }
        if (try? String(contentsOfFile: markerFile, encoding: .utf8)) != (try shadowEntry()) {
            try run("/usr/sbin/chpasswd", [], input: "\(userName):\(password)\n")
            guard FileManager.default.createFile(atPath: markerFile, contents: Data(try shadowEntry().utf8), attributes: [.posixPermissions: 0o600]) else {
                throw TestServerError("could not write \(markerFile)")
            }
        }
        return password
    }

    /// A group the test user is a member of besides its own (like a deploy user in www-data),
    /// made once per machine under the same lock as the account.
    static let webGroupName = "wprescue-sftp-web"

    static var webGroup: gid_t { get throws { try webGroupResult.get() } }

    private static let webGroupResult: Result<gid_t, any Error> = Result {
        _ = try password
        let lock = open(secretsDirectory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else { throw TestServerError("could not lock \(secretsDirectory)/lock") }
        defer { close(lock) }
        if getgrnam(webGroupName) == nil { try run("/usr/sbin/groupadd", [webGroupName]) }
        let members = try run("/usr/bin/id", ["-Gn", userName]).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if !members.contains(webGroupName) { try run("/usr/sbin/usermod", ["-a", "-G", webGroupName, userName]) }
        guard let group = getgrnam(webGroupName) else { throw TestServerError("group \(webGroupName) was not created") }
        return group.pointee.gr_gid
    }

    /// `settings` come first, so they win over the defaults below (sshd keeps the first value);
    /// `userSettings` apply to the test user only.
    init(settings: String = "", userSettings: String = "PasswordAuthentication yes") throws {
        _ = try Self.password
        guard let account = getpwnam(Self.userName) else { throw TestServerError("the test user \(Self.userName) does not exist") }
        let uid = account.pointee.pw_uid, gid = account.pointee.pw_gid

        var template = Array("/tmp/wprescue-sftp-test-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestServerError("mkdtemp failed") }
        directory = String(cString: created)
        chmod(directory, 0o755)
        scratchRoot = directory + "/scratch"
        try FileManager.default.createDirectory(atPath: scratchRoot, withIntermediateDirectories: false)
        chown(scratchRoot, uid, gid)

        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/ssh_host_ed25519_key"])
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", directory + "/ssh_host_ecdsa_key"])
        hostKeyPublicFile = directory + "/ssh_host_ed25519_key.pub"
        clientKey = directory + "/client_ed25519"
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "wprescue-test", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: directory + "/authorized_keys")

        logFile = directory + "/sshd.log"
        // sshd needs its privilege separation folder.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // A free port can be taken again (by another test, or a client's outgoing connection)
        // before sshd binds it: then sshd cannot listen, and the server starts on another port.
        var attempt = 0
        while true {
            attempt += 1
            let candidate = try LoopbackPort.free()
            let config = """
            \(settings)
            Port \(candidate)
            ListenAddress 127.0.0.1
            ListenAddress ::1
            HostKey \(directory)/ssh_host_ed25519_key
            HostKey \(directory)/ssh_host_ecdsa_key
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            StrictModes no
            UsePAM no
            PermitRootLogin no
            AllowUsers \(Self.userName)
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            MaxAuthTries 12
            MaxStartups 100
            Subsystem sftp internal-sftp
            LogLevel VERBOSE
            Match User \(Self.userName)
                \(userSettings)

            """
            try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
            let spawned = try SpawnedProcess(Self.sshdPath, ["-D", "-e", "-f", directory + "/sshd_config"], logFile: logFile)
            do {
                try Self.waitUntilListening(spawned, port: candidate, logFile: logFile)
                port = candidate
                process = spawned
                return
            } catch {
                spawned.terminate()
                if attempt == 5 { throw error }
            }
        }
    }

    deinit {
        killConnections()
        process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The listening sshd; the processes serving connections are its descendants.
    var sshdPID: pid_t { process.pid }

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// `[127.0.0.1]:port ssh-ed25519 AAAA…`, as OpenSSH would record this server.
    func knownHostsLine(host: String = "127.0.0.1") throws -> String {
        let fields = try String(contentsOfFile: hostKeyPublicFile, encoding: .utf8).split(separator: " ")
        return "[\(host)]:\(port) \(fields[0]) \(fields[1])"
    }

    /// What `ssh-keygen -lf` prints for the host key: `SHA256:…`.
    func hostKeyFingerprint() throws -> String {
        let output = try Self.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", hostKeyPublicFile])
        return String(output.split(separator: " ")[1])
    }

    /// A fresh client home folder with `.ssh/known_hosts` trusting this server (unless told not to).
    func makeClientHome(trustingServer: Bool = true) throws -> String {
        let home = directory + "/client-home-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if trustingServer {
            try (knownHostsLine() + "\n").write(toFile: home + "/.ssh/known_hosts", atomically: true, encoding: .utf8)
        }
        return home
    }

    /// Options that use nothing of the real root account: no agent, no default keys, no password.
    func options(home: String, identity: String?) -> SSHConnectionOptions {
        var options = SSHConnectionOptions(homeDirectory: home, environment: [:])
        options.identityFile = identity
        options.useAgent = false
        options.tryDefaultIdentityFiles = false
        options.readSSHConfig = false
        options.connectTimeout = 5
        options.operationTimeout = 20
        return options
    }

    var address: SSHAddress { SSHAddress(user: Self.userName, host: "127.0.0.1", port: port, path: scratchRoot) }

    /// A logged-in file system with the unencrypted client key.
    func connect() throws -> SFTPFileSystem {
        try SFTPFileSystem.connect(to: address, options: options(home: try makeClientHome(), identity: clientKey))
    }

    /// Kills the sshd processes serving current connections (children of the listener),
    /// the way a crashed server or a cut network would end them.
    func killConnections() {
        Self.killDescendants(of: process.pid)
    }

    static func killDescendants(of parent: pid_t) {
        for child in descendants(of: parent) { kill(child, SIGKILL) }
    }

    /// Creates a file directly on disk (the server is this machine), owned by the test user.
    func createFile(_ path: String, contents: Data, mode: mode_t = 0o644) throws {
        guard FileManager.default.createFile(atPath: path, contents: contents) else { throw TestServerError("could not create \(path)") }
        chmod(path, mode)
        if let account = getpwnam(Self.userName) { chown(path, account.pointee.pw_uid, account.pointee.pw_gid) }
    }

    // MARK: - Helpers

    /// Waits for this sshd's own "Server listening" lines, one per address: a connection alone
    /// could reach whatever else took the port.
    private static func waitUntilListening(_ process: SpawnedProcess, port: Int, logFile: String) throws {
        let listening = ["127.0.0.1", "::1"].map { "Server listening on \($0) port \(port)." }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            // sshd goes on when one of its two addresses is taken; this server then starts again.
            let bindFailed = log.split(separator: "\n").contains { $0.contains("Bind to port \(port) on") && $0.contains("failed") }
            if bindFailed { throw TestServerError("port \(port) was taken:\n\(log)") }
            if listening.allSatisfy(log.contains) { return }
            guard process.isRunning else { throw TestServerError("sshd exited at start:\n\(log)") }
            usleep(20_000)
        }
        throw TestServerError("sshd did not listen on port \(port) within 10 s:\n\((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")")
    }

    static func descendants(of parent: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after the command name: state, then the parent pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == parent { children.append(pid) }
        }
        return children + children.flatMap { descendants(of: $0) }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError("\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: outputData, as: UTF8.self)
    }
}

/// A long-running child (sshd, ssh-agent) started with posix_spawn and reaped here.
/// Foundation's Process is kept for short commands only: on Linux its child watcher blocks
/// in waitpid on a still-running child, so a later short Process never finishes waiting.
final class SpawnedProcess {
    let pid: pid_t
    private var exited = false

    init(_ executable: String, _ arguments: [String], logFile: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else { throw TestServerError("could not start \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    func terminate() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        exited = true
    }

    deinit { terminate() }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
