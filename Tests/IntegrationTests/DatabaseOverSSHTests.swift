import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
/// `db check`, diagnose and `plugins list` on the test bed's site over SFTP: the database is
/// reached from the site's server through an SSH tunnel in the test bed's real sshd, to the
/// place DB_HOST names as that server sees it.
@Suite
struct DatabaseOverSSHTests {
    let testbed: Testbed
    let temporary: String
    let cli: CommandRunner
    let password: String

    init() throws {
        testbed = try Testbed.load()
        try testbed.reset()
        // A TMPDIR of its own, so the tests can see that every tunnel's folder is removed.
        temporary = NSTemporaryDirectory() + "wprescue-tunnel-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        cli = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-state-\(UUID().uuidString)",
                            extraEnvironment: ["TMPDIR": temporary + "/"])
        password = try String(contentsOfFile: testbed["DB_PASSWORD_FILE"], encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var site: [String] { SiteBackend.sftp.siteArguments(testbed) }
    var server: String { "\(testbed["SSH_USER"])@\(testbed["SSH_HOST"]):\(testbed["SSH_PORT"])" }

    func check(_ arguments: [String] = [], runner: CommandRunner? = nil) throws -> DatabaseCheckRun {
        try DatabaseCheckRun(runner ?? cli, site + ["db", "check"] + arguments)
    }

    func expectNoTunnelLeft() throws {
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("wprescue-tunnel-") }
        #expect(left.isEmpty, "tunnel folders left behind: \(left)")
    }

    @Test func `a healthy database is checked from the site's server through the tunnel`() throws {
        let run = try check(["--url", testbed.nginxURL])
        #expect(run.result.status == 0, "\(run.everything)")
        #expect(run.summary("connection").contains("127.0.0.1:\(testbed["DB_PORT"]) on \(server) (through SSH)"), "\(run.summary("connection"))")
        #expect(run.status("table-health") == "ok")
        #expect(run.status("site-address") == "ok")
        #expect(!run.everything.contains(password))
        try expectNoTunnelLeft()
    }

    @Test func `a wrong DB_PASSWORD through the tunnel is 1045 for the account as the server sees it, never printed`() throws {
        try testbed.inject("wrong-db-password")
        defer { try? testbed.reset() }
        let wrong = "wrong-password-set-by-testbed"
        let run = try check()
        #expect(run.result.status == 2, "\(run.everything)")
        #expect(run.errorCode == 1045)
        let meaning = run.error?["meaning"] as? String ?? ""
        #expect(meaning.contains("'\(testbed["DB_USER"])'@'127.0.0.1'") && meaning.contains("through SSH"), "\(meaning)")
        #expect(!run.everything.contains(wrong))
        let text = try cli.run(site + ["db", "check", "--verbose"])
        #expect(text.status == 2)
        #expect(!(text.standardOutput + text.standardError).contains(wrong))
    }

    @Test func `diagnose and rescue over SFTP name the wrong password, not just 'the database'`() throws {
        try testbed.inject("wrong-db-password")
        defer { try? testbed.reset() }
        let wrong = "wrong-password-set-by-testbed"
        let diagnose = try cli.run(site + ["--format", "json", "diagnose", "--url", testbed.nginxURL + "/"])
        #expect(diagnose.status == 2)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(diagnose.standardOutput.utf8)) as? [String: Any])
        let findings = json["findings"] as? [[String: Any]] ?? []
        // The page says "Error establishing a database connection"; the check through the tunnel says why.
        #expect(findings.contains { $0["id"] as? String == "database-connection" && ($0["summary"] as? String)?.contains("error 1045") == true },
                "\(findings)")
        #expect(!diagnose.standardOutput.contains(wrong) && !diagnose.standardError.contains(wrong))

        let rescue = try cli.run(site + ["--format", "json", "rescue", "--yes", "--url", testbed.nginxURL + "/", "--settle", "0"])
        #expect(rescue.status == 2)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(rescue.standardOutput.utf8)) as? [String: Any])
        #expect(report["cause"] as? String == "database-connection")
        #expect((report["causeSummary"] as? String)?.contains("1045") == true, "\(report["causeSummary"] ?? "")")
        #expect(!rescue.standardOutput.contains(wrong))
        try expectNoTunnelLeft()
    }

    @Test func `a socket on the server is reached through direct-streamlocal`() throws {
        let named = try check(["--db-host", "localhost:\(testbed["DB_SOCKET"])"])
        #expect(named.result.status == 0, "\(named.everything)")
        #expect(named.summary("connection").contains("Unix socket \(testbed["DB_SOCKET"]) on \(server)"), "\(named.summary("connection"))")
        // Bare 'localhost' is the server's default socket, wherever its distribution puts it.
        let bare = try check(["--db-host", "localhost"])
        #expect(bare.summary("connection").contains("Unix socket"), "\(bare.everything)")
        try expectNoTunnelLeft()
    }

    @Test func `nothing listening where the server looks is 2002 or 2003, said from the server's side`() throws {
        let port = try check(["--db-host", "127.0.0.1:1"])
        #expect(port.result.status == 2)
        #expect(port.errorCode == 2003 && port.errorKind == "server-unreachable", "\(port.json)")
        #expect((port.error?["meaning"] as? String)?.contains("127.0.0.1:1 on \(server) (through SSH)") == true)
        #expect(port.seconds < 10)
        let socket = try check(["--db-host", "localhost:/nonexistent/mysqld.sock"])
        #expect(socket.result.status == 2)
        #expect(socket.errorCode == 2002, "\(socket.json)")
    }

    @Test func `an SSH connection dropped halfway through is one sentence and exit 1, not a verdict`() throws {
        // Root holds a write lock on wp_options for a few seconds, so the check waits in CHECK TABLE...
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: ScratchMariaDB.clientProgram)
        locker.arguments = ["--no-defaults", "--socket=\(testbed["DB_SOCKET"])", "--user=root", "--database=\(testbed["DB_NAME"])",
                            "--execute=LOCK TABLES wp_options WRITE; SELECT SLEEP(5); UNLOCK TABLES;"]
        locker.standardOutput = FileHandle.nullDevice
        try locker.run()
        defer { locker.waitUntilExit() }
        usleep(500_000)
        let running = try cli.start(site + ["db", "check"])
        // ...while every SSH connection of the site's account is cut, the tunnel's among them.
        usleep(1_500_000)
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        kill.arguments = ["-KILL", "-f", "^sshd: \(testbed["SSH_USER"])"]
        try kill.run()
        kill.waitUntilExit()
        #expect(kill.terminationStatus == 0, "no sshd session of \(testbed["SSH_USER"]) was running to cut")
        let output = String(decoding: running.standardOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = String(decoding: running.standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 1, "\(output)\(error)")
        #expect(error.split(separator: "\n").count == 1 && error.contains("dropped during the check"), "\(error)")
        #expect(!output.contains("Verdict"), "no verdict from checks the drop cut short: \(output)")
        #expect(!(output + error).contains(password))
        try expectNoTunnelLeft()
    }

    @Test func `an SSH account without forwarding gets one sentence, exit 1, and --direct as a way round`() throws {
        let sshPassword = try String(contentsOfFile: testbed["SSH_PASSWORD_FILE"], encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let locked = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-state-\(UUID().uuidString)",
                                   extraEnvironment: ["WPRESCUE_SSH_PASSWORD": sshPassword, "TMPDIR": temporary + "/"])
        let address = ["--site", "sftp://\(testbed["SSH_PASSWORD_USER"])@\(testbed["SSH_HOST"]):\(testbed["SSH_PORT"])\(testbed.sitePath)",
                       "--known-hosts", testbed["SSH_KNOWN_HOSTS"]]
        let refused = try locked.run(address + ["db", "check"])
        #expect(refused.status == 1)
        let lines = refused.standardError.split(separator: "\n")
        #expect(lines.count == 1 && refused.standardError.contains("AllowTcpForwarding"), "\(refused.standardError)")
        #expect(!(refused.standardOutput + refused.standardError).contains(sshPassword))

        // The test bed's database also listens on this machine's loopback, so --direct reaches it.
        let direct = try locked.run(address + ["db", "check", "--direct"])
        #expect(direct.status == 0, "\(direct.standardOutput)\(direct.standardError)")

        // diagnose carries on without the database and says why.
        let diagnose = try locked.run(address + ["diagnose", "--url", testbed.nginxURL, "--format", "json"])
        #expect(diagnose.standardOutput.contains("The database was not checked") && diagnose.standardOutput.contains("AllowTcpForwarding"),
                "\(diagnose.standardOutput)")
        try expectNoTunnelLeft()
    }

    @Test func `plugins list and probe read the database through the tunnel`() throws {
        let plugins = try cli.run(site + ["plugins", "list", "--format", "json"])
        #expect(plugins.status == 0, "\(plugins.standardError)")
        // The pristine site has Akismet installed but not active: the database said so.
        #expect(plugins.standardOutput.contains("\"active\" : false") || plugins.standardOutput.contains("\"active\":false"),
                "\(plugins.standardOutput)")
        // No WP_HOME in wp-config.php: probe's default page is the database's home option.
        let probe = try cli.run(site + ["probe"])
        #expect(probe.status == 0, "\(probe.standardOutput)\(probe.standardError)")
        #expect(probe.standardOutput.contains("\(testbed.nginxURL)/ "), "\(probe.standardOutput)")
        try expectNoTunnelLeft()
    }

    @Test(arguments: ["ProxyJump", "ProxyCommand"])
    func `a site behind a bastion has its files and its database reached through it`(route: String) throws {
        // A home of its own whose ssh_config reaches the site through a jump host (the test bed's
        // sshd plays both parts): by ProxyJump, or by a ProxyCommand running OpenSSH's `ssh -W`.
        let home = temporary + "/home-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let account = """
                HostName \(testbed["SSH_HOST"])
                Port \(testbed["SSH_PORT"])
                User \(testbed["SSH_USER"])
                IdentityFile \(testbed["SSH_KEY"])
            """
        let via = route == "ProxyJump" ? "ProxyJump tb-gate" :
            "ProxyCommand /usr/bin/ssh -q -F none -i \(testbed["SSH_KEY"]) -o BatchMode=yes -o UserKnownHostsFile=\(testbed["SSH_KNOWN_HOSTS"]) " +
            "-p \(testbed["SSH_PORT"]) \(testbed["SSH_USER"])@\(testbed["SSH_HOST"]) -W %h:%p"
        try "Host tb-site\n\(account)\n    \(via)\nHost tb-gate\n\(account)\n"
            .write(toFile: home + "/.ssh/config", atomically: true, encoding: .utf8)
        let runner = CommandRunner(stateDirectory: cli.environment["WPRESCUE_STATE_DIR"] ?? "",
                                   extraEnvironment: ["TMPDIR": temporary + "/", "HOME": home])
        let jumpSite = ["--site", "tb-site:\(testbed.sitePath)", "--known-hosts", testbed["SSH_KNOWN_HOSTS"]]

        let plugins = try runner.run(jumpSite + ["--verbose", "plugins", "list"])
        #expect(plugins.status == 0, "\(plugins.standardError)")
        let routeLine = route == "ProxyJump" ? "Connected to \(server) through \(server) (ProxyJump)." : "-W \(testbed["SSH_HOST"]):\(testbed["SSH_PORT"])` (ProxyCommand)."
        #expect(plugins.standardOutput.contains(routeLine), "\(plugins.standardOutput)")
        #expect(plugins.standardOutput.contains("akismet"), "\(plugins.standardOutput)")

        // The database tunnel's own login goes the same way.
        let run = try DatabaseCheckRun(runner, jumpSite + ["db", "check"])
        #expect(run.result.status == 0, "\(run.everything)")
        #expect(run.summary("connection").contains("on \(server) (through SSH)"), "\(run.summary("connection"))")
        #expect(!run.everything.contains(password))
        try expectNoTunnelLeft()
    }
}
}
