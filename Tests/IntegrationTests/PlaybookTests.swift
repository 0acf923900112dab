import Foundation
import Testing
import WPRescueTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Each shipped playbook against the fault it is for, on the real test bed: run with --yes (or
/// scripted answers), it ends the way it should, and `undo --all` puts the tree back.
extension TestbedSuites {
@Suite
struct PlaybookTests: TestbedSuite {
    let bed: TestbedRun
    init() throws { bed = try TestbedRun() }

    var home: String { testbed.nginxURL + "/" }
    var apachePage: String { testbed.apacheURL + testbed["APACHE_HEALTHY_PATH"] }

    struct Run {
        var json: [String: Any]
        var result: CommandRunner.Result
        var status: String? { json["status"] as? String }
        var steps: [[String: Any]] { json["steps"] as? [[String: Any]] ?? [] }
        /// The outcome of the last run of a step.
        func outcome(_ id: String) -> String? { steps.last { $0["id"] as? String == id }?["outcome"] as? String }
        func value(_ id: String, _ name: String) -> String? {
            (steps.last { $0["id"] as? String == id }?["values"] as? [String: String])?[name]
        }
        var operations: [String] { json["operations"] as? [String] ?? [] }
    }

    func run(_ playbook: String, url: String, _ extra: [String] = ["--yes"]) throws -> Run {
        let result = try cli.run(["--site", testbed.sitePath, "--format", "json", "playbook", "run", playbook, "--url", url,
                                  "--settle", "0", "--confirm-delays", "0.3"] + extra)
        let json = try bed.json(result)
        // Not a terminal: no colour codes, even in the conversation on standard error.
        #expect(!result.standardError.contains("\u{1B}["))
        return Run(json: json, result: result)
    }

    func verdict(_ url: String) throws -> String { try bed.verdict(url) }

    /// The site's tree, leaving out the log PHP itself may write once WP_DEBUG_LOG is on: PHP
    /// creates it, not wprescue, so no undo removes it.
    func snapshot() throws -> [String: TreeSnapshot.Entry] {
        try TreeSnapshot(of: testbed.sitePath).entries.filter { $0.key != "wp-content/debug.log" }
    }

    func undoAllRestores(_ before: [String: TreeSnapshot.Entry], _ comment: Comment? = nil) throws {
        let undo = try cli.run(["--site", testbed.sitePath, "undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try snapshot()
        let differing = Set(after.keys).union(before.keys).sorted().filter { after[$0] != before[$0] }
        #expect(differing.isEmpty, "differs at \(differing.prefix(5))")
    }

    func fileExists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: testbed.sitePath + "/" + relative)
    }

    func contents(_ relative: String) throws -> String {
        try String(contentsOfFile: testbed.sitePath + "/" + relative, encoding: .utf8)
    }

    // MARK: - One scenario per playbook

    @Test func `maintenance-stuck removes .maintenance and the site is healthy`() throws {
        try testbed.inject("maintenance-stuck")
        let before = try snapshot()
        let run = try run("maintenance-stuck", url: home)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved")
        #expect(run.outcome("look-for-file") == "present")
        #expect(run.outcome("remove") == "done")
        #expect(!fileExists(".maintenance"))
        #expect(try verdict(home) == "healthy")
        try undoAllRestores(before)
        #expect(fileExists(".maintenance"))
    }

    @Test func `htaccess-500 regenerates a clean .htaccess and Apache is healthy`() throws {
        try testbed.inject("htaccess-corrupt")
        let before = try snapshot()
        #expect(try verdict(apachePage) == "server-error")
        let run = try run("htaccess-500", url: apachePage)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved")
        #expect(run.outcome("check-file") == "invalid")
        #expect(run.outcome("regenerate-clean") == "done")
        #expect(!(try contents(".htaccess")).contains("RewriteEngien"))
        #expect(try verdict(apachePage) == "healthy")
        try undoAllRestores(before)
        #expect(try contents(".htaccess").contains("RewriteEngien"))
    }

    @Test func `critical-error disables the culprit plugin among many and the site is healthy`() throws {
        try testbed.inject("many-plugins", "8", "plugin-fatal")
        let before = try snapshot()
        let config = try contents("wp-config.php")
        let run = try run("critical-error", url: home)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved")
        #expect(run.outcome("probe") == "critical-error")
        #expect(run.outcome("turn-log-on") == "done")
        // With the log on, PHP writes the fatal error down and the log names the plugin: no bisection needed.
        #expect(run.outcome("disable-named") == "done", "the log named the plugin")
        #expect(run.outcome("verify-plugin") == "healthy")
        #expect(run.outcome("bisect") == nil, "no bisection when the log says which plugin")
        #expect(!fileExists("wp-content/plugins/plugin-fatal"))
        #expect(fileExists("wp-content/wprescue-quarantine/plugins/plugin-fatal"))
        #expect(fileExists("wp-content/plugins/filler-01"))
        #expect(try contents("wp-config.php") == config, "the log was turned on and back off")
        #expect(try verdict(home) == "healthy")
        try undoAllRestores(before)
        #expect(try verdict(home) == "critical-error")
    }

    @Test func `memory-exhausted raises WP_MEMORY_LIMIT and the site is healthy`() throws {
        try testbed.inject("memory-exhaustion")
        let before = try snapshot()
        let run = try run("memory-exhausted", url: home)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved")
        #expect(run.outcome("limit") == "not-set")
        #expect(run.outcome("raise-256") == "done")
        #expect(try contents("wp-config.php").contains("define( 'WP_MEMORY_LIMIT', '256M' );"))
        #expect(try verdict(home) == "healthy")
        try undoAllRestores(before)
        #expect(!(try contents("wp-config.php")).contains("WP_MEMORY_LIMIT"))
    }

    @Test func `502-bad-gateway finds the plugin that kills PHP workers`() throws {
        try testbed.inject("many-plugins", "8", "worker-killer")
        let before = try snapshot()
        let run = try run("502-bad-gateway", url: home)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved")
        #expect(run.outcome("probe") == "bad-gateway")
        #expect(run.value("bisect", "culprits") == "worker-killer")
        #expect(!fileExists("wp-content/plugins/worker-killer"))
        #expect(try verdict(home) == "healthy")
        try undoAllRestores(before)
    }

    @Test func `white-screen finds the plugin behind the blank page`() throws {
        try testbed.inject("many-plugins", "8", "white-screen")
        let before = try snapshot()
        let run = try run("white-screen", url: home)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved")
        #expect(run.outcome("probe") == "white-screen")
        #expect(run.value("bisect", "culprits") == "white-screen")
        #expect(try verdict(home) == "healthy")
        try undoAllRestores(before)
    }

    @Test func `too-many-redirects finds the plugin that loops and undo puts it all back`() throws {
        try testbed.inject("many-plugins", "6", "redirect-loop")
        let before = try snapshot()
        #expect(try verdict(home) == "redirect-loop")
        let run = try run("too-many-redirects", url: home)
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved", "\(run.steps.map { "\($0["id"] ?? ""):\($0["outcome"] ?? "")" })")
        #expect(run.outcome("probe") == "redirect-loop")
        #expect(run.outcome("home") != nil && run.outcome("rules") != nil, "the address settings and .htaccess were looked at first")
        #expect(run.value("plugins", "culprits") == "redirect-loop")
        #expect(try verdict(home) == "healthy")
        try undoAllRestores(before)
        #expect(try verdict(home) == "redirect-loop")
    }

    @Test func `locked-out-of-wp-admin moves the plugins aside, the login page loads, and they come back`() throws {
        try testbed.inject("many-plugins", "4", "login-lockout")
        let before = try snapshot()
        let login = testbed.nginxURL + "/wp-login.php"
        #expect(try verdict(login) == "client-error")
        let answers = state + "-answers.yml"
        try Data("unlock: yes\ndisable-all: yes\ntry-login: done\ncould-log-in: 1\nput-back: yes\n".utf8).write(to: URL(fileURLWithPath: answers))
        let run = try run("locked-out-of-wp-admin", url: home, ["--answers", answers])
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.status == "resolved", "\(run.steps.map { "\($0["id"] ?? ""):\($0["outcome"] ?? "")" })")
        #expect(run.outcome("login-page") == "client-error")
        #expect(run.outcome("htaccess") != nil, "an access rule in .htaccess was looked for")
        #expect(run.outcome("unlock") == "unchanged", "no lockout record: the lock is a plugin")
        #expect(run.outcome("login-now") == "healthy", "with the plugins aside the login page loads")
        #expect(try verdict(login) == "client-error", "the plugins, the lockout among them, are back")
        try undoAllRestores(before)
    }

    @Test func `database-connection-error explains, changes nothing and never shows a password`() throws {
        try testbed.inject("wrong-db-password")
        let before = try snapshot()
        let config = try contents("wp-config.php")
        let run = try run("database-connection-error", url: home)
        #expect(run.result.status == 2, "escalated: the site is still broken")
        #expect(run.status == "escalated")
        #expect(run.outcome("probe") == "database-error")
        #expect(run.outcome("host") == "defined")
        #expect(run.operations.isEmpty)
        #expect(try snapshot() == before)
        let output = run.result.standardOutput + run.result.standardError
        #expect(output.contains("DB_HOST = '127.0.0.1"))
        #expect(output.contains("DB_PASSWORD = ********"))
        let range = try #require(config.range(of: #"define\(\s*'DB_PASSWORD',\s*'([^']*)'"#, options: .regularExpression))
        let password = String(config[range].split(separator: "'").last ?? "")
        #expect(password.count >= 4 && !output.contains(password), "the password in wp-config.php never appears")
        if let file = Optional(testbed["DB_PASSWORD_FILE"]), !file.isEmpty,
           let real = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !real.isEmpty {
            #expect(!output.contains(real))
        }
    }

    // MARK: - Answers, dry run, nobody to answer

    @Test func `scripted answers drive a run without --yes`() throws {
        try testbed.inject("maintenance-stuck")
        let answers = state + "-answers.yml"
        try Data("remove: yes\n".utf8).write(to: URL(fileURLWithPath: answers))
        let run = try run("maintenance-stuck", url: home, ["--answers", answers])
        #expect(run.status == "resolved", "\(run.result.standardError)")
        #expect(run.result.standardError.contains("(from \(answers))"))
        #expect(!fileExists(".maintenance"))
    }

    @Test func `a scripted refusal leaves the corrupt .htaccess alone`() throws {
        try testbed.inject("htaccess-corrupt")
        let before = try snapshot()
        let answers = state + "-answers.json"
        try Data(#"{"rewrite": 3}"#.utf8).write(to: URL(fileURLWithPath: answers))
        let run = try run("htaccess-500", url: apachePage, ["--answers", answers])
        #expect(run.result.status == 2)
        #expect(run.status == "unresolved")
        #expect(run.json["end"] as? String == "left-alone")
        #expect(try snapshot() == before)
    }

    @Test func `a dry run changes nothing and journals nothing`() throws {
        try testbed.inject("maintenance-stuck")
        let before = try snapshot()
        let run = try run("maintenance-stuck", url: home, ["--yes", "--dry-run"])
        #expect(run.outcome("remove") == "skipped")
        #expect(run.json["dryRun"] as? Bool == true)
        #expect(try snapshot() == before)
        let history = try cli.run(["--site", testbed.sitePath, "--format", "json", "history"])
        #expect(history.standardOutput.contains("\"operations\" : [\n\n  ]") || history.standardOutput.contains("\"operations\" : []"))
    }

    @Test func `without a terminal, --yes or answers, the first question stops the run`() throws {
        try testbed.inject("maintenance-stuck")
        let result = try cli.run(["--site", testbed.sitePath, "playbook", "run", "maintenance-stuck", "--url", home,
                                  "--settle", "0", "--confirm-delays", "0"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("Step `remove` asks"))
        #expect(result.standardError.contains("pass --yes"))
        #expect(fileExists(".maintenance"))
    }

    // MARK: - A real terminal

    @Test func `on a real terminal it shows the evidence and numbered choices, in colour, and takes a typed number`() throws {
        let tmux = try #require(["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile),
                                "tmux is needed for the terminal test (apt-get install tmux)")
        try testbed.inject("maintenance-stuck")
        let socket = "wprescue-test-\(UUID().uuidString.prefix(8))"
        /// Runs tmux with posix_spawn and waits for that one process. (Foundation's Process
        /// watches a socket its child inherits; the tmux server that `new-session` starts keeps
        /// it open, so Process would wait for as long as the server lives.) A capture goes
        /// through a file.
        @discardableResult
        func tmuxRun(_ arguments: [String], capture: Bool = false) throws -> String {
            let outputFile = NSTemporaryDirectory() + "\(socket)-capture.txt"
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, capture ? outputFile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv: [UnsafeMutablePointer<CChar>?] = ([tmux, "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            let spawned = posix_spawn(&pid, tmux, &actions, nil, argv, environ)
            try #require(spawned == 0, "posix_spawn tmux: \(String(cString: strerror(spawned)))")
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            guard capture else { return "" }
            defer { try? FileManager.default.removeItem(atPath: outputFile) }
            return (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        }
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = "unset NO_COLOR WPRESCUE_SITE; WPRESCUE_STATE_DIR=\(quoted(state)) \(quoted(CommandRunner.executable)) "
            + "--site \(quoted(testbed.sitePath)) playbook run maintenance-stuck --url \(quoted(home)) --settle 0 --confirm-delays 0; "
            + "echo \"[exit $?]\""
        // remain-on-exit keeps the screen readable after the command ends; nothing is left running.
        try tmuxRun(["new-session", "-d", "-s", "run", "-x", "200", "-y", "50", command, ";", "set-option", "-t", "run", "remain-on-exit", "on"])
        defer {
            _ = try? tmuxRun(["kill-session", "-t", "run"])
            _ = try? tmuxRun(["kill-server"])
        }
        func waitFor(_ text: String, seconds: Double = 60) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var screen = ""
            while Date() < deadline {
                screen = try tmuxRun(["capture-pane", "-p", "-J", "-S", "-200", "-t", "run"], capture: true)
                if screen.contains(text) { return screen }
                Thread.sleep(forTimeInterval: 0.2)
            }
            Issue.record("\(text) never appeared; the screen:\n\(screen)")
            return screen
        }

        let question = try waitFor("Choice [1]:")
        #expect(question.contains(".maintenance is there"))
        #expect(question.contains("→ present"))
        #expect(question.contains("1) Yes, go ahead"))
        #expect(question.contains("2) No, skip this"))
        let evidence = try #require(question.range(of: ".maintenance is there"))
        let asked = try #require(question.range(of: "? Remove .maintenance now?"))
        #expect(evidence.lowerBound < asked.lowerBound, "the evidence comes before the question")
        let coloured = try tmuxRun(["capture-pane", "-p", "-e", "-J", "-S", "-200", "-t", "run"], capture: true)
        #expect(coloured.contains("\u{1B}["), "a terminal gets colour")

        try tmuxRun(["send-keys", "-t", "run", "1", "Enter"])
        let finished = try waitFor("[exit ")
        #expect(finished.contains("Result: resolved"))
        #expect(finished.contains("[exit 0]"))
        #expect(!fileExists(".maintenance"))
        #expect(try cli.run(["--site", testbed.sitePath, "undo", "--all", "--yes"]).succeeded)
        #expect(fileExists(".maintenance"))
    }
}
}
