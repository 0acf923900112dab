import Testing
import WPRescueTestSupport
import WPRescueKit

/// Sites that answer 502s under load, cannot be judged, or fail mid-bisection.
struct UnreliableSiteTests {
    /// Collects the waits asked for, instead of sleeping.
    final class WaitLog {
        var seconds: [Double] = []
        func wait(_ value: Double) { seconds.append(value) }
    }

    // MARK: Transient failures

    @Test func `a 10 percent flaky site yields the right culprits in at least 99 percent of seeded runs`() throws {
        var wrong: [String] = []
        var runs = 0
        for n in [8, 32] {
            let names = BisectFixtures.slugs(n)
            for seed in 0..<UInt64(600) {
                var picker = SeededGenerator(seed: seed &* 7919 &+ UInt64(n))
                let first = names[Int(picker.next() % UInt64(n))]
                let second = names[Int(picker.next() % UInt64(n))]
                let world: [Set<String>] = seed % 2 == 0 ? [[first]] : [[first, second]]
                let site = FakeSite(failingSets: world)
                site.flakeRate = 0.1
                site.random = SeededGenerator(seed: picker.next())
                let result = try PluginBisector(candidates: names).run(oracle: site)
                runs += 1
                if BisectFixtures.unordered(result.culprits) != Set(world) || result.conclusion != .culpritsFound(result.culprits) {
                    wrong.append("n=\(n) seed=\(seed) \(world) -> \(result.conclusion)")
                }
            }
        }
        #expect(wrong.count * 100 <= runs, "\(wrong.count) wrong of \(runs): \(wrong.prefix(5))")
    }

    @Test func `a transient failure is looked at again after the policy delay before it counts`() throws {
        let names = BisectFixtures.slugs(8)
        let site = FakeSite(failingSets: [["plugin-5"]])
        // The all-disabled baseline hits a load spike on its first look.
        site.script = { enabled, earlierLooks in enabled.isEmpty && earlierLooks == 0 ? .broken(transient: true) : nil }
        let waits = WaitLog()
        let result = try PluginBisector(candidates: names).run(oracle: site, wait: waits.wait)
        #expect(result.conclusion == .culpritsFound([["plugin-5"]]))
        #expect(result.retries == 1)
        #expect(waits.seconds == [BisectPolicy().delay(beforeRepeat: 1)])
        #expect(result.steps[1].answer == .broken(transient: true))
        #expect(result.steps[2].enabled == [] && result.steps[2].answer == .healthy)
        #expect(result.steps[2].note.contains("repeat 1"))
    }

    @Test func `a critical error is believed at once`() throws {
        let names = BisectFixtures.slugs(16)
        let site = FakeSite(failingSets: [["plugin-9"]])
        let result = try PluginBisector(candidates: names).run(oracle: site, wait: { _ in Issue.record("waited for a trusted answer") })
        #expect(result.conclusion == .culpritsFound([["plugin-9"]]))
        #expect(result.retries == 0)
    }

    @Test func `a healthy set that failed transiently as often as the policy allows is not blamed`() throws {
        let names = BisectFixtures.slugs(16)
        let policy = BisectPolicy()
        let site = FakeSite(failingSets: [["plugin-12"]])
        // The first half of the list works but answers 502 on every look except the very last,
        // so the search first believes it broken, then the recheck before blaming finds it works.
        let firstHalf = Set(names.prefix(8))
        site.script = { enabled, earlierLooks in
            enabled == firstHalf && earlierLooks <= policy.transientConfirmations ? .broken(transient: true) : nil
        }
        let waits = WaitLog()
        let result = try PluginBisector(candidates: names, policy: policy).run(oracle: site, wait: waits.wait)
        #expect(result.conclusion == .culpritsFound([["plugin-12"]]))
        #expect(result.steps.contains { Set($0.enabled) == firstHalf && $0.answer == .healthy })
        // Quick 502s while the all-disabled site works: looked at again at once, never waited for.
        #expect(waits.seconds.isEmpty)
    }

    @Test(arguments: [1, 2, 7, 32, 100])
    func `a site whose breakage shows as 502 is bisected correctly with every failure confirmed at once`(n: Int) throws {
        let names = BisectFixtures.slugs(n)
        for culprit in [names[0], names[n / 2], names[n - 1]] {
            let site = FakeSite(failingSets: [[culprit]])
            site.breakageIsTransient = true
            let waits = WaitLog()
            let result = try PluginBisector(candidates: names).run(oracle: site, wait: waits.wait)
            #expect(result.conclusion == .culpritsFound([[culprit]]))
            #expect(result.retries >= BisectPolicy().transientConfirmations)
            // The all-disabled baseline is looked at before the first confirmation, and works:
            // a 502 that repeats at once with the same set is that set's doing.
            #expect(waits.seconds.isEmpty, "\(waits.seconds)")
            #expect(result.steps[1].enabled.isEmpty && result.steps[1].answer == .healthy)
        }
    }

    @Test func `a failure with signs of load is looked at again only after the policy delay`() throws {
        let names = BisectFixtures.slugs(16)
        let site = FakeSite(failingSets: [["plugin-3"]])
        site.breakageIsTransient = true
        // The first look at every set the search tries times out; later looks are quick 502s or healthy.
        site.script = { enabled, earlierLooks in earlierLooks == 0 && !enabled.isEmpty && enabled.count < names.count ? .overloaded : nil }
        let waits = WaitLog()
        let policy = BisectPolicy()
        let result = try PluginBisector(candidates: names, policy: policy).run(oracle: site, wait: waits.wait)
        #expect(result.conclusion == .culpritsFound([["plugin-3"]]))
        #expect(waits.seconds.first == policy.delay(beforeRepeat: 1))
        #expect(result.steps.contains { $0.answer == .overloaded })
    }

    @Test func `a transient failure before the site was ever seen working waits before its repeat`() throws {
        let names = BisectFixtures.slugs(8)
        let site = FakeSite(failingSets: [["plugin-2"]])
        site.breakageIsTransient = true
        let waits = WaitLog()
        let result = try PluginBisector(candidates: names, policy: BisectPolicy(allDisabledBaseline: .whenNeeded)).run(oracle: site, wait: waits.wait)
        #expect(result.conclusion == .culpritsFound([["plugin-2"]]))
        #expect(waits.seconds.first == BisectPolicy().delay(beforeRepeat: 1))
    }

    @Test func `stops as inconclusive when the site keeps contradicting its own failures`() throws {
        let names = BisectFixtures.slugs(16)
        let policy = BisectPolicy(maximumRestarts: 0)
        let site = FakeSite(failingSets: [["plugin-12"]])
        let firstHalf = Set(names.prefix(8))
        site.script = { enabled, earlierLooks in
            enabled == firstHalf && earlierLooks <= policy.transientConfirmations ? .broken(transient: true) : nil
        }
        let result = try PluginBisector(candidates: names, policy: policy).run(oracle: site)
        #expect(result.conclusion == .inconclusive(partial: []))
    }

    @Test func `a site that works after its baseline failed only transiently is reported as not broken`() throws {
        let names = BisectFixtures.slugs(8)
        let site = FakeSite(failingSets: [])
        let everyone = Set(names)
        site.script = { enabled, earlierLooks in enabled == everyone && earlierLooks <= 2 ? .broken(transient: true) : nil }
        let result = try PluginBisector(candidates: names).run(oracle: site)
        #expect(result.conclusion == .notBroken)
    }

    // MARK: Inconclusive looks

    @Test func `a site that can never be judged ends inconclusive without blaming anyone`() throws {
        let site = FakeSite { _ in true }
        site.script = { _, _ in .inconclusive }
        let policy = BisectPolicy()
        let result = try PluginBisector(candidates: BisectFixtures.slugs(10), policy: policy).run(oracle: site)
        #expect(result.conclusion == .inconclusive(partial: []))
        // Both baselines are asked in the first round, so each may use up its retries.
        #expect(result.probes <= 2 * (1 + policy.inconclusiveRetries))
    }

    @Test func `an inconclusive look that clears on retry does not change the answer`() throws {
        let names = BisectFixtures.slugs(20)
        let site = FakeSite(failingSets: [["plugin-2", "plugin-14"]])
        site.script = { _, earlierLooks in earlierLooks == 0 ? .inconclusive : nil }
        let result = try PluginBisector(candidates: names).run(oracle: site)
        #expect(BisectFixtures.unordered(result.culprits) == [["plugin-2", "plugin-14"]])
        #expect(result.retries * 2 == result.probes)
    }

    @Test func `an inconclusive end keeps the culprits already established`() throws {
        let names = BisectFixtures.slugs(16)
        let site = FakeSite(failingSets: [["plugin-3"], ["plugin-10"]])
        // Once plugin-3 is disabled for good, the site can no longer be judged while plugin-10
        // is enabled (the search for plugin-3 never enables plugin-10 without it).
        site.script = { enabled, _ in !enabled.contains("plugin-3") && enabled.contains("plugin-10") ? .inconclusive : nil }
        let result = try PluginBisector(candidates: names).run(oracle: site)
        #expect(result.conclusion == .inconclusive(partial: [["plugin-3"]]))
    }

    // MARK: Failures of the oracle itself

    @Test func `an error from the oracle propagates and leaves nothing behind`() throws {
        let names = BisectFixtures.slugs(12)
        let bisector = PluginBisector(candidates: names, suspects: ["plugin-4"])
        for throwingLook in 0..<6 {
            let site = FakeSite(failingSets: [["plugin-8"]])
            site.throwingLook = throwingLook
            #expect(throws: LookFailed()) { try bisector.run(oracle: site) }
            #expect(site.looks.count == throwingLook)
        }
        let afterwards = try bisector.run(oracle: FakeSite(failingSets: [["plugin-8"]]))
        let fresh = try PluginBisector(candidates: names, suspects: ["plugin-4"]).run(oracle: FakeSite(failingSets: [["plugin-8"]]))
        #expect(afterwards == fresh)
        #expect(afterwards.conclusion == .culpritsFound([["plugin-8"]]))
    }

    @Test func `an error thrown while waiting cancels the bisection`() throws {
        let site = FakeSite(failingSets: [["plugin-1"]])
        site.breakageIsTransient = true
        // The all-disabled baseline fails too at first: that looks like load, so the repeat waits.
        site.script = { enabled, earlierLooks in enabled.isEmpty && earlierLooks == 0 ? .broken(transient: true) : nil }
        #expect(throws: LookFailed()) {
            try PluginBisector(candidates: BisectFixtures.slugs(4)).run(oracle: site, wait: { _ in throw LookFailed() })
        }
        #expect(site.looks.count == 2)
    }
}

/// A full PHP-FPM pool answers slowly or not at all, whatever the plugins: "can't tell", never broken.
struct OverloadedServerTests {
    @Test func `a plugin that hangs the site is found: the control look without plugins answers at once`() throws {
        let names = BisectFixtures.slugs(20)
        let site = FakeSite(failingSets: [["plugin-13"]])
        site.script = { enabled, _ in enabled.contains("plugin-13") ? .overloaded : nil }
        let result = try PluginBisector(candidates: names, policy: BisectPolicy(retryDelays: [0])).run(oracle: site)
        #expect(result.conclusion == .culpritsFound([["plugin-13"]]))
        #expect(result.steps.contains { $0.note.hasPrefix("control:") && $0.answer == .healthy })
    }

    @Test(arguments: [1, 3])
    func `a server too busy to answer anyone is never taken for a broken plugin set`(width: Int) throws {
        let names = BisectFixtures.slugs(20)
        let site = FakeSite(failingSets: [["plugin-4"]])
        // After the baselines the pool is full: every look is slow, the bare site's too.
        site.script = { _, _ in site.looks.count > 2 ? .overloaded : nil }
        let result = try PluginBisector(candidates: names, policy: BisectPolicy(retryDelays: [0], parallelLooks: width)).run(oracle: site)
        #expect(result.conclusion == .inconclusive(partial: []), "\(result.conclusion)")
    }

    @Test func `a pool that clears after a while lets the search finish with the right culprit`() throws {
        let names = BisectFixtures.slugs(20)
        let site = FakeSite(failingSets: [["plugin-4"]])
        site.script = { _, _ in (3...6).contains(site.looks.count) ? .overloaded : nil }
        let result = try PluginBisector(candidates: names, policy: BisectPolicy(retryDelays: [0])).run(oracle: site)
        #expect(result.conclusion == .culpritsFound([["plugin-4"]]))
    }
}
