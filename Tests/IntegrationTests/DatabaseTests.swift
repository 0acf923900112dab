import Foundation
import Testing
import WPRescueTestSupport

/// One run of `wprescue db check`, with its JSON read back.
struct DatabaseCheckRun {
    let result: CommandRunner.Result
    let json: [String: Any]
    let seconds: Double

    init(_ cli: CommandRunner, _ arguments: [String]) throws {
        let started = Date()
        result = try cli.run(arguments + ["--format", "json"])
        seconds = Date().timeIntervalSince(started)
        json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                            "no JSON on standard output; standard error: \(result.standardError)")
    }

    var checks: [[String: Any]] { json["checks"] as? [[String: Any]] ?? [] }
    func check(_ id: String) -> [String: Any]? { checks.first { $0["id"] as? String == id } }
    func status(_ id: String) -> String? { check(id)?["status"] as? String }
    func summary(_ id: String) -> String { check(id)?["summary"] as? String ?? "" }
    var connected: Bool? { json["connected"] as? Bool }
    var error: [String: Any]? { json["error"] as? [String: Any] }
    var errorCode: Int? { error?["code"] as? Int }
    var errorKind: String? { error?["kind"] as? String }
    var everything: String { result.standardOutput + result.standardError }
}

extension TestbedSuites {
/// `db check` against the test bed's real MariaDB and WordPress database. Each test starts
/// from a pristine site and puts it back when it changed it.
@Suite
struct DatabaseTests: TestbedSuite {
    let bed: TestbedRun
    let password: String

    init() throws {
        bed = try TestbedRun()
        password = try bed.secret("DB_PASSWORD_FILE")
    }

    func check(_ arguments: [String] = [], runner: CommandRunner? = nil) throws -> DatabaseCheckRun {
        try DatabaseCheckRun(runner ?? cli, ["--site", testbed.sitePath, "db", "check"] + arguments)
    }

    /// SQL as the test bed's MariaDB root, over its socket (root authenticates by socket).
    func rootSQL(_ statement: String) throws {
        let result = ScratchMariaDB.run(ScratchMariaDB.clientProgram, [
            "--no-defaults", "--socket=\(testbed["DB_SOCKET"])", "--user=root", "--database=\(testbed["DB_NAME"])",
            "--execute=\(statement)",
        ])
        try #require(result.status == 0, "SQL on the test bed failed: \(result.output)")
    }

    @Test func `a healthy site's database passes every check and exits 0`() throws {
        let run = try check(["--url", testbed.nginxURL])
        #expect(run.result.status == 0, "\(run.everything)")
        #expect(run.connected == true)
        #expect(run.json["error"] is NSNull)
        let ids = run.checks.compactMap { $0["id"] as? String }
        #expect(ids == ["settings", "connection", "server", "connections", "tables", "table-health", "site-address",
                        "active-plugins", "theme", "autoload"])
        for check in run.checks where check["id"] as? String != "server" {
            #expect(check["status"] as? String == "ok", "\(check)")
        }
        // A test bed brought up minutes ago has a young server: that, and only that, may warn.
        #expect(run.status("server") == "ok" || run.summary("server").contains("started only"), "\(run.summary("server"))")
        #expect((run.json["tables"] as? [[String: Any]])?.count == 12)
        #expect(!run.everything.contains(password), "the database password appeared in the output")

        let text = try cli.run(["--site", testbed.sitePath, "db", "check", "--verbose"])
        #expect(text.status == 0)
        // On a fresh machine (CI) the server is minutes old: its only warning then shows in the verdict.
        let youngServer = run.status("server") == "warning"
        #expect(text.standardOutput.contains(youngServer ? "Verdict: the database works, with warnings" : "Verdict: the database is healthy"),
                "\(text.standardOutput)")
        #expect(!(text.standardOutput + text.standardError).contains(password))
    }

    @Test func `a wrong DB_PASSWORD is error 1045, exit 2, and the wrong password is printed nowhere`() throws {
        try testbed.inject("wrong-db-password")
        defer { try? testbed.reset() }
        let wrong = "wrong-password-set-by-testbed"
        let wpConfig = try String(contentsOfFile: testbed.sitePath + "/wp-config.php", encoding: .utf8)
        try #require(wpConfig.contains(wrong), "the fault did not set the expected password")

        let run = try check()
        #expect(run.result.status == 2)
        #expect(run.connected == false)
        #expect(run.errorCode == 1045)
        #expect(run.errorKind == "access-denied")
        #expect((run.error?["meaning"] as? String)?.contains("'\(testbed["DB_USER"])'@'127.0.0.1'") == true)
        #expect(run.status("connection") == "problem")
        #expect(!run.everything.contains(wrong))

        for format in [["--verbose"], ["--format", "text"]] {
            let text = try cli.run(["--site", testbed.sitePath, "db", "check"] + format)
            #expect(text.status == 2)
            #expect(text.standardOutput.contains("1045"))
            #expect(!(text.standardOutput + text.standardError).contains(wrong))
        }
    }

    @Test func `WPRESCUE_DB_PASSWORD overrides a wrong DB_PASSWORD and is not printed either`() throws {
        try testbed.inject("wrong-db-password")
        defer { try? testbed.reset() }
        let withPassword = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-state-\(UUID().uuidString)",
                                         extraEnvironment: ["WPRESCUE_DB_PASSWORD": password])
        let run = try check(runner: withPassword)
        #expect(run.connected == true, "\(run.everything)")
        #expect(run.status("table-health") == "ok")
        #expect(!run.everything.contains(password))
    }

    @Test func `another user needs the password from the environment when nobody can type it`() throws {
        let result = try cli.run(["--site", testbed.sitePath, "db", "check", "--db-user", "someone_else"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("WPRESCUE_DB_PASSWORD"))
        // Naming wp-config.php's own user keeps wp-config.php's password.
        let same = try check(["--db-user", testbed["DB_USER"]])
        #expect(same.result.status == 0, "\(same.everything)")
    }

    @Test func `--ask-db-password reads the password from the terminal without echoing it`() throws {
        try testbed.inject("wrong-db-password")
        defer { try? testbed.reset() }
        // script(1) gives the command a terminal; the password is typed only once the prompt is up.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["--quiet", "--return", "--command",
                             "\(CommandRunner.executable) --site \(testbed.sitePath) db check --ask-db-password", "/dev/null"]
        process.environment = cli.environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var transcript = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: transcript, as: UTF8.self).contains("Database password for 'wordpress': ") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            transcript.append(chunk)
        }
        usleep(200_000)
        input.fileHandleForWriting.write(Data((password + "\n").utf8))
        transcript.append(output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        let text = String(decoding: transcript, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("Connected to"))
        #expect(!text.contains(password), "the typed password was echoed or printed")
    }

    @Test func `a database the user cannot reach is named with DB_NAME as the fix`() throws {
        let run = try check(["--db-name", "no_such_database"])
        #expect(run.result.status == 2)
        // Without rights on it, MariaDB does not say whether the database exists: 1044 rather than 1049.
        #expect([1044, 1049].contains(run.errorCode ?? 0), "\(run.json)")
        #expect(["database-access-denied", "unknown-database"].contains(run.errorKind ?? ""))
        #expect((run.error?["meaning"] as? String)?.contains("DB_NAME") == true)
    }

    @Test func `DB_HOST forms reach the same server over TCP and over the socket`() throws {
        let socket = try check(["--db-host", "localhost:\(testbed["DB_SOCKET"])"])
        #expect(socket.result.status == 0, "\(socket.everything)")
        #expect(socket.summary("connection").contains("Unix socket \(testbed["DB_SOCKET"])"))
        let port = try check(["--db-host", "127.0.0.1:\(testbed["DB_PORT"])"])
        #expect(port.result.status == 0, "\(port.everything)")
        #expect(port.summary("connection").contains("127.0.0.1:\(testbed["DB_PORT"])"))
    }

    @Test func `a cut-off active_plugins value is a problem that says where it breaks`() throws {
        defer { try? testbed.reset() }
        try rootSQL("UPDATE wp_options SET option_value = 'a:2:{i:0;s:19:\"akismet/akismet.php\";i:1;s:9:\"hel' WHERE option_name = 'active_plugins'")
        let run = try check()
        #expect(run.result.status == 2)
        #expect(run.status("active-plugins") == "problem")
        #expect(run.summary("active-plugins").contains("cut off"), "\(run.summary("active-plugins"))")
        #expect(run.status("table-health") == "ok")
    }

    @Test func `a site address other than --url is a problem`() throws {
        let run = try check(["--url", "https://www.example.org/"])
        #expect(run.result.status == 2)
        #expect(run.status("site-address") == "problem")
        #expect(run.summary("site-address").contains("https://www.example.org/"))
    }
}
}

/// `db check` against servers of the tests' own, for failures the shared test bed must never
/// see: a stopped server, exhausted connections, damaged table files, a port that never answers.
@Suite(.enabled(if: ScratchMariaDB.shouldRun))
struct ScratchDatabaseTests {
    let fixture: FixtureSite
    let cli: CommandRunner
    let password = "scratch-\(UUID().uuidString.prefix(12))"

    init() throws {
        fixture = try FixtureSite()
        cli = CommandRunner(stateDirectory: fixture.scratch + "/state")
    }

    /// Points the fixture site's wp-config.php at `host`.
    func configure(host: String) throws {
        try fixture.write("wp-config.php", """
            <?php
            define( 'DB_NAME', 'wordpress' );
            define( 'DB_USER', 'wordpress' );
            define( 'DB_PASSWORD', '\(password)' );
            define( 'DB_HOST', '\(host)' );
            define( 'DB_CHARSET', 'utf8mb4' );
            $table_prefix = 'wp_';
            /* That's all, stop editing! Happy publishing. */
            require_once ABSPATH . 'wp-settings.php';
            """)
    }

    func check(_ arguments: [String] = []) throws -> DatabaseCheckRun {
        try DatabaseCheckRun(cli, ["--site", fixture.root, "db", "check"] + arguments)
    }

    func server(_ options: [String] = [], optionsEngine: String = "InnoDB", globalPrivileges: Bool = false) throws -> ScratchMariaDB {
        let server = try ScratchMariaDB(options: options)
        try server.createWordPress(password: password, optionsEngine: optionsEngine, globalPrivileges: globalPrivileges)
        try configure(host: "127.0.0.1:\(server.port)")
        return server
    }

    @Test func `a scratch WordPress database checks healthy`() throws {
        let scratch = try server()
        let run = try check()
        #expect(run.result.status == 0, "\(run.everything)")
        #expect(run.connected == true)
        #expect(run.status("tables") == "ok")
        #expect(run.status("table-health") == "ok")
        #expect(run.status("active-plugins") == "ok")
        #expect(!run.everything.contains(password))
        _ = scratch
    }

    @Test func `the password is scrubbed even when the server echoes it back`() throws {
        // A database named like the password makes the server's own error message contain it
        // (only ever done with this throwaway password: it goes on the command line here).
        let scratch = try server()
        let run = try check(["--db-name", password])
        #expect(run.result.status == 2)
        #expect(run.errorCode == 1044, "\(run.json)")
        #expect(!run.everything.contains(password))
        #expect(run.everything.contains("(hidden)"))
        let text = try cli.run(["--site", fixture.root, "db", "check", "--db-name", password, "--verbose"])
        #expect(!(text.standardOutput + text.standardError).contains(password))
        _ = scratch
    }

    @Test func `a stopped server is error 2002 or 2003 within the timeout, over TCP and the socket`() throws {
        let scratch = try server()
        scratch.stop()
        let overTCP = try check(["--db-timeout", "3"])
        #expect(overTCP.result.status == 2)
        #expect([2002, 2003].contains(overTCP.errorCode ?? 0), "\(overTCP.json)")
        #expect(overTCP.errorKind == "server-unreachable")
        #expect(overTCP.seconds < 3 + 2, "took \(overTCP.seconds) s")

        let overSocket = try check(["--db-timeout", "3", "--db-host", "localhost:\(scratch.socket)"])
        #expect(overSocket.result.status == 2)
        #expect([2002, 2003].contains(overSocket.errorCode ?? 0), "\(overSocket.json)")
        #expect(overSocket.seconds < 3 + 2, "took \(overSocket.seconds) s")
    }

    @Test func `a port that accepts but never answers is a timeout (2013) within --db-timeout`() throws {
        let listener = try SilentListener()
        try configure(host: "127.0.0.1:\(listener.port)")
        let run = try check(["--db-timeout", "2"])
        #expect(run.result.status == 2)
        #expect(run.errorCode == 2013, "\(run.json)")
        #expect(run.errorKind == "connection-lost")
        #expect(run.seconds >= 1.5 && run.seconds < 2 + 3, "took \(run.seconds) s")
        #expect((run.error?["meaning"] as? String)?.contains("within 2 s") == true)
    }

    @Test func `too many connections is error 1040 and exit 2`() throws {
        // MariaDB's smallest max_connections is 10 (1 is raised to 10), so ten sessions fill it.
        let scratch = try server(["--max-connections=10"])
        var holders: [Process] = []
        defer {
            for holder in holders where holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            for holder in holders { holder.waitUntilExit() }
        }
        var environment = ProcessInfo.processInfo.environment
        environment["MYSQL_PWD"] = password
        func hold() throws -> Process {
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: ScratchMariaDB.clientProgram)
            holder.arguments = ["--no-defaults", "--host=127.0.0.1", "--port=\(scratch.port)", "--user=wordpress",
                                "--execute=SELECT SLEEP(120)"]
            holder.environment = environment
            holder.standardOutput = FileHandle.nullDevice
            holder.standardError = FileHandle.nullDevice
            try holder.run()
            return holder
        }
        for _ in 0..<10 { holders.append(try hold()) }
        func heldConnections() throws -> Int {
            Int(try scratch.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'wordpress'")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        let deadline = Date().addingTimeInterval(30)
        var held = 0
        while Date() < deadline {
            // The root session counting them may briefly take a slot and turn a holder away: start
            // it again. A holder being turned away still shows in the list for a moment, so the
            // count must hold twice, half a second apart, with every holder still running.
            for index in holders.indices where !holders[index].isRunning { holders[index] = try hold() }
            held = try heldConnections()
            if held >= 10 {
                usleep(500_000)
                if holders.allSatisfy(\.isRunning), try heldConnections() >= 10 { break }
                held = 0
            }
            usleep(100_000)
        }
        try #require(held >= 10, "only \(held) connections held")
        let run = try check()
        #expect(run.result.status == 2)
        #expect(run.errorCode == 1040, "\(run.json)")
        #expect(run.errorKind == "too-many-connections")
        #expect((run.error?["meaning"] as? String)?.contains("max_connections") == true)
    }

    @Test func `a crashed MyISAM table is found by CHECK TABLE and rebuilt by --repair only when confirmed`() throws {
        let scratch = try server(optionsEngine: "MyISAM")
        // Close the table, then overwrite its index pages with garbage: the data file is intact,
        // so REPAIR TABLE can rebuild the index from it.
        try scratch.sql("FLUSH TABLES")
        try Self.overwriteIndexPages(of: scratch.dataDirectory + "/wordpress/wp_options.MYI")

        let damaged = try check()
        #expect(damaged.result.status == 2)
        #expect(damaged.status("table-health") == "problem")
        #expect(damaged.summary("table-health").contains("--repair"))
        let options = try #require((damaged.json["tables"] as? [[String: Any]])?.first { $0["table"] as? String == "wp_options" })
        #expect(options["healthy"] as? Bool == false)
        #expect(options["repairable"] as? Bool == true)
        #expect(options["engine"] as? String == "MyISAM")
        #expect(((options["messages"] as? [[String: Any]])?.count ?? 0) > 1, "every CHECK TABLE row is kept")

        // Without --yes and without a terminal, nothing is changed.
        let refused = try cli.run(["--site", fixture.root, "db", "check", "--repair"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("--yes"))
        #expect(refused.standardError.contains("cannot revert"))
        let dryRun = try cli.run(["--site", fixture.root, "--dry-run", "db", "check", "--repair"])
        #expect(dryRun.standardOutput.contains("would run REPAIR TABLE on wp_options"))
        #expect(try check().status("table-health") == "problem", "still damaged: nothing was repaired")

        let repaired = try check(["--repair", "--yes"])
        #expect(repaired.result.status == 0, "\(repaired.everything)")
        let repairs = try #require(repaired.json["repairs"] as? [[String: Any]])
        #expect(repairs.count == 1)
        #expect(repairs.first?["table"] as? String == "wp_options")
        #expect(repairs.first?["repaired"] as? Bool == true)
        #expect(repaired.status("table-health") == "ok")
        #expect(repaired.status("active-plugins") == "ok")
        #expect(try scratch.sql("SELECT COUNT(*) FROM wordpress.wp_options").trimmingCharacters(in: .whitespacesAndNewlines) == "6")
        #expect(try check().result.status == 0)
    }

    /// MyISAM's .MYI starts with a 24-byte header (the number of keys at byte 18), then the state,
    /// whose key_root array (8 bytes per key, big-endian) starts at byte 124: the offsets of the
    /// root index pages. Everything from the first root page on is index pages.
    static func overwriteIndexPages(of path: String) throws {
        let contents = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](contents)
        try #require(bytes.count > 132 && bytes[0] == 0xfe && bytes[1] == 0xfe, "\(path) is not a MyISAM index file")
        let keys = Int(bytes[18])
        let roots = (0..<keys).map { key in
            bytes[(124 + key * 8)..<(132 + key * 8)].reduce(0) { $0 << 8 | Int($1) }
        }
        let firstPage = try #require(roots.filter { $0 > 0 && $0 < bytes.count }.min(), "no index pages in \(path): \(roots)")
        let index = try #require(FileHandle(forWritingAtPath: path))
        try index.seek(toOffset: UInt64(firstPage))
        try index.write(contentsOf: Data(repeating: 0xff, count: bytes.count - firstPage))
        try index.close()
    }

    @Test func `a dropped core table is named as missing`() throws {
        let scratch = try server()
        try scratch.sql("DROP TABLE wordpress.wp_postmeta")
        let run = try check()
        #expect(run.result.status == 2)
        #expect(run.status("tables") == "problem")
        #expect(run.summary("tables").contains("wp_postmeta"))
        #expect((run.json["tables"] as? [[String: Any]])?.count == 11)
    }

    @Test func `an unknown database is error 1049 when the user may see every database`() throws {
        let scratch = try server(globalPrivileges: true)
        let run = try check(["--db-name", "no_such_database"])
        #expect(run.result.status == 2)
        #expect(run.errorCode == 1049, "\(run.json)")
        #expect(run.errorKind == "unknown-database")
        _ = scratch
    }
}
