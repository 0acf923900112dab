import Foundation
import WPRescueTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway MariaDB server of the test's own, for what must never happen to the shared test
/// bed: stopping the server, exhausting its connections, damaging table files. Its data folder,
/// socket and port are private; it is stopped and deleted with the object.
final class ScratchMariaDB {
    enum Failure: Error, CustomStringConvertible {
        case unavailable(String)
        case command(String)

        var description: String {
            switch self {
            case .unavailable(let detail): return "no scratch MariaDB server: \(detail)"
            case .command(let detail): return detail
            }
        }
    }

    static let serverProgram = "/usr/sbin/mariadbd"
    static let installProgram = "/usr/bin/mariadb-install-db"
    static let clientProgram = "/usr/bin/mariadb"

    static var programsPresent: Bool {
        [serverProgram, installProgram, clientProgram].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Run when the programs are installed; when integration tests are required, run anyway and fail.
    static var shouldRun: Bool { Testbed.required || programsPresent }

    let directory: String
    private(set) var port: Int
    private let options: [String]
    private var server: Process?

    var socket: String { directory + "/mysqld.sock" }
    var dataDirectory: String { directory + "/data" }

    /// Installs a fresh data folder and starts the server with `options` (e.g. `--max-connections=10`).
    init(options: [String] = []) throws {
        guard Self.programsPresent else {
            throw Failure.unavailable("\(Self.serverProgram), \(Self.installProgram) or \(Self.clientProgram) is missing (apt-get install mariadb-server)")
        }
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-scratch-db-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw Failure.command("mkdtemp failed for \(template)") }
        directory = String(cString: made)
        port = try LoopbackPort.free()
        self.options = options
        try copyTemplate()
        // The free port can be taken again before the server binds it; then it starts on another.
        for attempt in 1...5 {
            do {
                try start()
                return
            } catch {
                let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
                guard attempt < 5, log.contains("Address already in use") else { throw error }
                try? FileManager.default.removeItem(atPath: directory + "/error.log")
                port = try LoopbackPort.free()
            }
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Settings shared by the template installation and every server: small, fast, private.
    private static var baseOptions: [String] {
        ["--skip-name-resolve", "--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M", "--skip-log-bin"]
    }

    private static var osUser: String { String(cString: getpwuid(geteuid()).pointee.pw_name) }

    /// mariadb-install-db once per test process (3-4 s); each server starts from a copy.
    private static let template: Result<String, Failure> = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-scratch-template-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        atexit { try? FileManager.default.removeItem(atPath: ScratchMariaDB.templateFolder) }
        let result = run(installProgram, ["--no-defaults", "--datadir=\(folder)", "--user=\(osUser)",
                                          "--auth-root-authentication-method=socket", "--auth-root-socket-user=\(osUser)",
                                          "--skip-test-db"] + baseOptions)
        guard result.status == 0 else { return .failure(.command("mariadb-install-db failed: \(result.output)")) }
        return .success(folder)
    }()

    private static var templateFolder: String {
        FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-scratch-template-\(getpid())").path
    }

    private func copyTemplate() throws {
        let template = try Self.template.get()
        let copy = Self.run("/bin/cp", ["-a", template, dataDirectory])
        guard copy.status == 0 else { throw Failure.command("copying the template data folder failed: \(copy.output)") }
    }

    func start() throws {
        guard server == nil else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.serverProgram)
        // --no-defaults first: /etc/mysql is never read. A crashed MyISAM table stays crashed
        // (MariaDB would otherwise repair it quietly on open; MySQL does not by default).
        process.arguments = ["--no-defaults", "--datadir=\(dataDirectory)", "--socket=\(socket)", "--port=\(port)",
                             "--bind-address=127.0.0.1", "--pid-file=\(directory)/mysqld.pid", "--log-error=\(directory)/error.log",
                             "--user=\(Self.osUser)", "--myisam-recover-options=OFF"] + Self.baseOptions + options
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        server = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { break }
            if (try? sql("SELECT 1")) != nil { return }
            usleep(100_000)
        }
        let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
        stop()
        throw Failure.command("the scratch MariaDB server did not start: \(log.suffix(2000))")
    }

    /// Stops the server and waits until it has exited (its port and socket are closed then).
    func stop() {
        guard let process = server else { return }
        server = nil
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Runs SQL as root over the socket; returns the rows, tab-separated, without headers.
    @discardableResult
    func sql(_ statements: String, database: String? = nil) throws -> String {
        var arguments = ["--no-defaults", "--socket=\(socket)", "--user=root", "--batch", "--skip-column-names",
                         "--execute=\(statements)"]
        if let database { arguments.append("--database=\(database)") }
        let result = Self.run(Self.clientProgram, arguments)
        guard result.status == 0 else { throw Failure.command("SQL failed on the scratch server: \(result.output)") }
        return result.output
    }

    /// A WordPress database `wordpress` with the twelve core tables for `prefix` (options with
    /// WordPress's own columns, the others reduced to a key), a few options, and the user
    /// `wordpress`@127.0.0.1 with `password`. `optionsEngine` lets a test use MyISAM.
    func createWordPress(password: String, prefix: String = "wp_", optionsEngine: String = "InnoDB",
                         globalPrivileges: Bool = false) throws {
        var statements = [
            "CREATE DATABASE wordpress CHARACTER SET utf8mb4",
            "CREATE USER 'wordpress'@'127.0.0.1' IDENTIFIED BY '\(password)'",
            globalPrivileges ? "GRANT ALL ON *.* TO 'wordpress'@'127.0.0.1'" : "GRANT ALL ON wordpress.* TO 'wordpress'@'127.0.0.1'",
            """
            CREATE TABLE wordpress.\(prefix)options (option_id bigint unsigned NOT NULL AUTO_INCREMENT,
              option_name varchar(191) NOT NULL DEFAULT '', option_value longtext NOT NULL,
              autoload varchar(20) NOT NULL DEFAULT 'yes', PRIMARY KEY (option_id), UNIQUE KEY option_name (option_name),
              KEY autoload (autoload)) ENGINE=\(optionsEngine)
            """,
            """
            INSERT INTO wordpress.\(prefix)options (option_name, option_value) VALUES ('siteurl', 'http://127.0.0.1:9/'),
              ('home', 'http://127.0.0.1:9/'), ('active_plugins', 'a:1:{i:0;s:19:"akismet/akismet.php";}'),
              ('template', 'twentytwentythree'), ('stylesheet', 'twentytwentythree'), ('blogname', 'Scratch')
            """,
        ]
        for table in ["users", "usermeta", "posts", "postmeta", "comments", "commentmeta", "terms", "term_taxonomy",
                      "term_relationships", "termmeta", "links"] {
            statements.append("CREATE TABLE wordpress.\(prefix)\(table) (id bigint unsigned NOT NULL PRIMARY KEY) ENGINE=InnoDB")
        }
        try sql(statements.joined(separator: ";\n"))
    }

    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(program) did not start: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A TCP port that accepts connections (the kernel completes them) but never says a word: what a
/// hung server, or something that is not a database server at all, looks like to a client.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        (descriptor, port) = try LoopbackPort.bind(listening: true)
    }

    deinit { close(descriptor) }
}
