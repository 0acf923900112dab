import Foundation
import Testing
import WPRescueTestSupport

/// `wprescue bisect` against the real WordPress test bed.
extension TestbedSuites {
@Suite
struct BisectOnTestbedTests: TestbedSuite {
    let bed: TestbedRun
    init() throws { bed = try TestbedRun() }

    func bisect(_ extra: [String] = [], backend: SiteBackend = .local) throws -> (json: [String: Any], result: CommandRunner.Result) {
        let result = try bed.run(backend, ["--format", "json", "bisect", "--url", testbed.nginxURL + "/", "--settle", "0"] + extra)
        return (try bed.json(result), result)
    }

    func verdict() throws -> String { try bed.verdict() }

    @Test(arguments: [("worker-killer", 30), ("plugin-fatal", 40), ("white-screen", 12)], SiteBackend.allCases)
    func `finds the one culprit among dozens and leaves the site healthy`(case: (fault: String, fillers: Int), backend: SiteBackend) throws {
        let (fault, fillers) = `case`
        try testbed.inject("many-plugins", String(fillers), fault)
        let broken = try TreeSnapshot(of: testbed.sitePath)
        let (json, result) = try bisect(backend: backend)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(json["culprits"] as? [[String]] == [[fault]])
        #expect(json["outcome"] as? String == "culprits-found")
        #expect(json["finalVerdict"] as? String == "healthy")
        #expect(json["method"] as? String == "header", "ordinary plugins and a writable must-use folder: the header method")
        let probes = try #require(json["probes"] as? Int)
        let n = fillers + 2 // akismet and the culprit
        // Three looks at a time cut each round into four parts: about ⌈log₄ n⌉ rounds of three
        // looks, plus the baselines and the checks of one verified culprit.
        let looks = 3 * Int(ceil(log2(Double(n)) / 2)) + 4
        // A 502 may be load, so each broken look at it is confirmed twice more.
        #expect(probes <= (fault == "worker-killer" ? looks * 3 : looks), "\(probes) probes for n = \(n)")
        #expect(try verdict() == "healthy")
        #expect(testbed.sitePath.isEmpty == false && FileManager.default.fileExists(atPath: testbed.sitePath + "/wp-content/plugins/filler-01"))

        #expect(try cli.run(backend.siteArguments(testbed) + ["undo"]).succeeded)
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `finds both plugins of a conflicting pair`(backend: SiteBackend) throws {
        try testbed.inject("many-plugins", "16", "pair-conflict")
        let (json, result) = try bisect(["--yes"], backend: backend)
        #expect(result.status == 0, "\(result.standardError)")
        let culprits = try #require(json["culprits"] as? [[String]])
        #expect(culprits.map { Set($0) } == [["pair-alpha", "pair-beta"]])
        #expect(Set(json["disabled"] as? [String] ?? []) == ["pair-alpha", "pair-beta"])
        #expect(try verdict() == "healthy")
    }

    @Test(arguments: SiteBackend.allCases)
    func `a theme fatal is not a plugin problem and everything is put back`(backend: SiteBackend) throws {
        try testbed.inject("many-plugins", "8", "theme-fatal")
        let broken = try TreeSnapshot(of: testbed.sitePath)
        let (json, result) = try bisect(backend: backend)
        #expect(result.status == 2)
        #expect(json["outcome"] as? String == "not-a-plugin-problem")
        #expect(json["probes"] as? Int == 2)
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }

    @Test func `a healthy site is not bisected`() throws {
        let (json, result) = try bisect()
        #expect(result.status == 0)
        #expect(json["outcome"] as? String == "not-broken")
        // Both baselines go out at once with the header method; one look with --method move.
        #expect(json["probes"] as? Int ?? 99 <= 2)
        let (moved, _) = try bisect(["--method", "move"])
        #expect(moved["outcome"] as? String == "not-broken")
        #expect(moved["probes"] as? Int == 1)
    }

    @Test func `--restore puts every plugin back after naming the culprit`() throws {
        try testbed.inject("many-plugins", "10", "plugin-fatal")
        let broken = try TreeSnapshot(of: testbed.sitePath)
        let (json, _) = try bisect(["--restore"])
        #expect(json["culprits"] as? [[String]] == [["plugin-fatal"]])
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }

    @Test(arguments: SiteBackend.allCases)
    func `kill -9 mid-bisect, then undo --all restores the tree byte-for-byte`(backend: SiteBackend) throws {
        try testbed.inject("many-plugins", "30", "worker-killer")
        let broken = try TreeSnapshot(of: testbed.sitePath)
        // The bisection stops itself after its 20th step, mid-search, and is killed there.
        let stopping = CommandRunner(stateDirectory: cli.environment["WPRESCUE_STATE_DIR"] ?? "",
                                     extraEnvironment: StoppedProcess.environment(stoppingAfter: "done", count: 20))
        let running = try stopping.start(backend.siteArguments(testbed) + ["bisect", "--method", "move", "--url", testbed.nginxURL + "/", "--settle", "0"])
        #expect(StoppedProcess.wait(for: running.process.processIdentifier), "the bisection moved plugins")
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .uncaughtSignal, "killed while bisecting")
        #expect(try TreeSnapshot(of: testbed.sitePath) != broken, "the kill landed mid-bisection")
        let undo = try cli.run(backend.siteArguments(testbed) + ["undo", "--all", "--yes"])
        #expect(undo.succeeded, "\(undo.standardError)")
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }
}
}

extension TestbedSuites.BisectOnTestbedTests {
    @Test func `a plugin named in a recent fatal error is tried first and found in a few probes`() throws {
        try testbed.inject("many-plugins", "40", "plugin-fatal")
        // Let WordPress log the fatal, as it would on a site that had logging on.
        #expect(try cli.run(["--site", testbed.sitePath, "debug", "on"]).succeeded)
        _ = try cli.run(["probe", "--url", testbed.nginxURL + "/"])
        let (json, result) = try bisect()
        #expect(result.status == 0, "\(result.standardError)")
        #expect(json["culprits"] as? [[String]] == [["plugin-fatal"]])
        // Two baselines, the suspect alone disabled, the suspect alone enabled.
        #expect((json["probes"] as? Int ?? 99) <= 4, "\(json["probes"] ?? "")")
    }
}

extension TestbedSuites.BisectOnTestbedTests {
    @Test(arguments: SiteBackend.allCases)
    func `the header method writes its companion once and visitors keep getting the site unchanged`(backend: SiteBackend) throws {
        try testbed.inject("many-plugins", "20", "plugin-fatal")
        let broken = try TreeSnapshot(of: testbed.sitePath)
        let visitorBefore = try verdict()
        let state = cli.environment["WPRESCUE_STATE_DIR"] ?? ""
        // Stops itself right after its second completed step: the must-use folder, then the companion.
        let stopping = CommandRunner(stateDirectory: state, extraEnvironment: StoppedProcess.environment(stoppingAfter: "done", count: 2))
        let running = try stopping.start(backend.siteArguments(testbed) + ["--format", "json", "bisect", "--method", "header",
                                                                           "--url", testbed.nginxURL + "/", "--settle", "0"])
        #expect(StoppedProcess.wait(for: running.process.processIdentifier), "the bisection wrote its companion")
        let muPlugins = testbed.sitePath + "/wp-content/mu-plugins"
        let companion = try #require(try FileManager.default.contentsOfDirectory(atPath: muPlugins).first { $0.hasPrefix("wprescue-bisect-") })
        #expect(try verdict() == visitorBefore, "a visitor gets the site as it was")
        // A made-up or replayed-and-altered signature is ignored: the site as visitors get it.
        for forged in ["v1.1.ffffff.0000", "v1.1.ffffffff.\(String(repeating: "ab", count: 32))", "anything"] {
            #expect(try Self.status(of: testbed.nginxURL + "/", header: "X-WPRescue-Bisect: \(forged)") == "500", "forged header \(forged)")
        }
        kill(running.process.processIdentifier, SIGCONT)
        let output = running.standardOutput.fileHandleForReading.readDataToEndOfFile()
        running.process.waitUntilExit()
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(json["culprits"] as? [[String]] == [["plugin-fatal"]])
        #expect(try verdict() == "healthy", "the end state is the culprit really disabled")
        #expect(!FileManager.default.fileExists(atPath: muPlugins + "/" + companion), "the companion is gone")
        #expect(!FileManager.default.fileExists(atPath: muPlugins), "and so is the folder made for it")
        #expect(Self.journalCount(in: state, of: "\"kind\":\"write\"") == 1, "written once, never rewritten between looks")

        #expect(try cli.run(backend.siteArguments(testbed) + ["undo"]).succeeded)
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }

    /// The HTTP status curl gets for `url` with one extra request header.
    static func status(of url: String, header: String) throws -> String {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", header, url]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// How often `marker` appears in the journals under `stateDirectory`.
    static func journalCount(in stateDirectory: String, of marker: String) -> Int {
        let sites = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/sites")) ?? []
        return sites.reduce(0) { total, site in
            let text = (try? String(contentsOfFile: "\(stateDirectory)/sites/\(site)/journal.jsonl", encoding: .utf8)) ?? ""
            return total + text.components(separatedBy: marker).count - 1
        }
    }

    @Test func `kill -9 during a header bisection, then undo --all, leaves no must-use plugin behind`() throws {
        try testbed.inject("many-plugins", "20", "worker-killer")
        let broken = try TreeSnapshot(of: testbed.sitePath)
        let state = cli.environment["WPRESCUE_STATE_DIR"] ?? ""
        let stopping = CommandRunner(stateDirectory: state, extraEnvironment: StoppedProcess.environment(stoppingAfter: "done", count: 2))
        let running = try stopping.start(["--site", testbed.sitePath, "bisect", "--method", "header", "--url", testbed.nginxURL + "/", "--settle", "0"])
        #expect(StoppedProcess.wait(for: running.process.processIdentifier))
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(try cli.run(["--site", testbed.sitePath, "undo", "--all", "--yes"]).succeeded)
        let after = try TreeSnapshot(of: testbed.sitePath)
        #expect(after == broken, "differs at \(after.differences(from: broken).prefix(5))")
    }

    @Test func `must-use plugins are bisected by moving them, and the output says why`() throws {
        try testbed.inject("many-plugins", "8", "plugin-fatal")
        let muPlugins = testbed.sitePath + "/wp-content/mu-plugins"
        try FileManager.default.createDirectory(atPath: muPlugins, withIntermediateDirectories: true)
        try Data("<?php\n// A harmless must-use plugin.\n".utf8).write(to: URL(fileURLWithPath: muPlugins + "/harmless-mu.php"))
        defer { try? FileManager.default.removeItem(atPath: muPlugins) }
        let (json, result) = try bisect(["--include-mu"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(json["method"] as? String == "move")
        let text = try cli.run(["--site", testbed.sitePath, "bisect", "--include-mu", "--restore", "--url", testbed.nginxURL + "/", "--settle", "0"])
        #expect(text.standardOutput.contains("Method: moving plugins"), "\(text.standardOutput)")
    }
}

extension TestbedSuites.BisectOnTestbedTests {
    @Test func `--include-theme finds a broken theme by swapping it on wprescue's requests only`() throws {
        try testbed.inject("many-plugins", "8", "theme-fatal")
        let broken = try TreeSnapshot(of: testbed.sitePath)
        let (json, result) = try bisect(["--method", "header", "--include-theme"])
        #expect(result.status == 2, "the theme stays in place, so the site is still broken: \(result.standardError)")
        #expect(json["culprits"] as? [[String]] == [["(active theme)"]])
        #expect(json["disabled"] as? [String] == [])
        #expect(try TreeSnapshot(of: testbed.sitePath) == broken, "nothing moved: the theme switch is the owner's call")
        let moving = try cli.run(["--site", testbed.sitePath, "bisect", "--method", "move", "--include-theme", "--url", testbed.nginxURL + "/"])
        #expect(moving.status == 64)
        #expect(moving.standardError.contains("--include-theme needs the header method"))
    }
}
