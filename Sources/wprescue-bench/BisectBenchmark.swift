import Foundation
import WPRescueKit

/// Simulates bisections on sites with known culprits and prints probe counts as Markdown.
///
/// A probe is one call to the oracle (one look at the site), baselines and repeated looks
/// included. The bisector's probes are compared with the bounds asked for, with the proven
/// minimum for its baseline policy, and with re-enabling plugins one at a time by hand.
struct BisectBenchmark {
    let sizes = [8, 16, 32, 64, 128]
    let flakyRuns: Int

    private let firstBaseline = BisectPolicy(allDisabledBaseline: .first)
    private let lazyBaseline = BisectPolicy(allDisabledBaseline: .whenNeeded)

    func report() -> String {
        var lines = [
            "A probe is one call to the oracle, that is one look at the site: the all-enabled and",
            "all-disabled baselines, every search step, the \"alone\" and \"everything else enabled\"",
            "checks and every repeated look are all counted. k = ⌈log₂ n⌉. \"∅ first\" probes the",
            "all-disabled baseline right after the all-enabled one (the default); \"∅ when needed\"",
            "probes it only when no healthy answer already implies it. Sites are simulated: a plugin",
            "set breaks the site when it contains one of the culprit sets; one-by-one is the manual",
            "method (disable all, re-enable one at a time, blame the plugin that breaks the site).",
            "",
        ]
        lines += singleCulpritTable()
        lines += pairTable()
        lines += independentTable()
        lines += notAPluginTable()
        lines += suspectTable()
        lines += flakyTable()
        lines += parallelTable()
        return lines.joined(separator: "\n")
    }

    // MARK: Scenarios

    private func singleCulpritTable() -> [String] {
        var lines = [
            "### One culprit (every position)",
            "",
            "| n | asked bound ⌈log₂n⌉+2 | proven minimum, ∅ first / ∅ when needed | bisector, ∅ first: avg / worst | bisector, ∅ when needed: avg / worst | one by one: avg / worst | wrong answers |",
            "|---|---|---|---|---|---|---|",
        ]
        for n in sizes {
            let names = slugs(n)
            let worlds = names.map { [Set([$0])] }
            let first = measure(worlds, names: names, policy: firstBaseline)
            let lazy = measure(worlds, names: names, policy: lazyBaseline)
            let manual = measureOneByOne(worlds, names: names)
            let log = ceilingLog2(n)
            lines.append("| \(n) | \(log + 2) | \(log + 4) / \(log + 3) | \(first.probes) | \(lazy.probes) | \(manual.probes) | \(first.wrong + lazy.wrong) of \(2 * worlds.count) |")
        }
        return lines + [""]
    }

    private func pairTable() -> [String] {
        var lines = [
            "### Two plugins that break the site only together (every pair)",
            "",
            "| n | pairs | asked goal 2⌈log₂n⌉+3 | bisector, ∅ first: avg / worst | within goal | bisector, ∅ when needed: avg / worst | within goal | one by one: avg / worst (finds the whole pair) | wrong answers |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for n in sizes {
            let names = slugs(n)
            let worlds = pairs(names).map { [Set([$0, $1])] }
            let goal = 2 * ceilingLog2(n) + 3
            let first = measure(worlds, names: names, policy: firstBaseline)
            let lazy = measure(worlds, names: names, policy: lazyBaseline)
            let manual = measureOneByOne(worlds, names: names)
            lines.append("| \(n) | \(worlds.count) | \(goal) | \(first.probes) | \(percent(first.within(goal), of: worlds.count)) | \(lazy.probes) | \(percent(lazy.within(goal), of: worlds.count)) | \(manual.probes) (\(percent(manual.complete, of: worlds.count))) | \(first.wrong + lazy.wrong) of \(2 * worlds.count) |")
        }
        return lines + [""]
    }

    private func independentTable() -> [String] {
        var lines = [
            "### Two independent culprits, each breaks the site alone (every pair of positions)",
            "",
            "| n | bisector, ∅ first: avg / worst | bisector, ∅ when needed: avg / worst | one by one, stop at first break: avg / worst (finds both) | one by one through the whole list (finds both) | wrong answers |",
            "|---|---|---|---|---|---|",
        ]
        for n in sizes {
            let names = slugs(n)
            let worlds = pairs(names).map { [Set([$0]), Set([$1])] }
            let first = measure(worlds, names: names, policy: firstBaseline)
            let lazy = measure(worlds, names: names, policy: lazyBaseline)
            let manual = measureOneByOne(worlds, names: names)
            lines.append("| \(n) | \(first.probes) | \(lazy.probes) | \(manual.probes) (\(percent(manual.complete, of: worlds.count))) | \(n + 2) (100%) | \(first.wrong + lazy.wrong) of \(2 * worlds.count) |")
        }
        return lines + [""]
    }

    private func notAPluginTable() -> [String] {
        var lines = [
            "### Not a plugin problem (broken with every candidate disabled)",
            "",
            "| n | bisector, ∅ first | bisector, ∅ when needed | one by one |",
            "|---|---|---|---|",
        ]
        for n in sizes {
            let names = slugs(n)
            var counts: [Int] = []
            for policy in [firstBaseline, lazyBaseline] {
                let site = SimulatedSite(failingSets: [], brokenWithoutPlugins: true)
                let result = run(PluginBisector(candidates: names, policy: policy), on: site)
                counts.append(result.conclusion == .notAPluginProblem ? result.probes : -1)
            }
            lines.append("| \(n) | \(counts[0]) | \(counts[1]) | 2 |")
        }
        return lines + [""]
    }

    private func suspectTable() -> [String] {
        var lines = [
            "### Suspects (∅ first; every culprit position or pair)",
            "",
            "| n | one culprit, no suspect: avg / worst | right suspect: avg / worst | wrong suspect (another plugin): avg / worst | pair, both named as suspects: avg / worst | wrong answers |",
            "|---|---|---|---|---|---|",
        ]
        for n in sizes {
            let names = slugs(n)
            var none = Tally(), right = Tally(), wrongSuspect = Tally(), pairNamed = Tally()
            for (position, culprit) in names.enumerated() {
                let world = [Set([culprit])]
                none.add(simulate(world, names: names, suspects: [], policy: firstBaseline))
                right.add(simulate(world, names: names, suspects: [culprit], policy: firstBaseline))
                let innocent = names[(position + 1) % n]
                wrongSuspect.add(simulate(world, names: names, suspects: [innocent], policy: firstBaseline))
            }
            for (first, second) in pairs(names) {
                pairNamed.add(simulate([Set([first, second])], names: names, suspects: [first, second], policy: firstBaseline))
            }
            let wrong = none.wrong + right.wrong + wrongSuspect.wrong + pairNamed.wrong
            lines.append("| \(n) | \(none.probes) | \(right.probes) | \(wrongSuspect.probes) | \(pairNamed.probes) | \(wrong) |")
        }
        return lines + [""]
    }

    private func flakyTable() -> [String] {
        var lines = [
            "### Flaky site: each look at a healthy plugin set answers broken(transient) with probability 10% (\(flakyRuns) seeded runs per row, ∅ first)",
            "",
            "| n | culprits | real breakage shows as | transient confirmations, looks at once | wrong culprits | inconclusive | avg probes (steady site) | avg probes (flaky site) | avg repeated looks (flaky) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for n in [8, 32, 128] {
            let names = slugs(n)
            for isPair in [false, true] {
                for transientBreakage in [false, true] {
                let standard = BisectPolicy().transientConfirmations
                for (confirmations, width) in [(standard, 1), (standard, 3), (1, 1)] {
                    let policy = BisectPolicy(allDisabledBaseline: .first, transientConfirmations: confirmations, parallelLooks: width)
                    var wrong = 0, inconclusive = 0, flakyProbes = 0, steadyProbes = 0, repeats = 0
                    for runIndex in 0..<flakyRuns {
                        var picker = SplitMix64(seed: UInt64(n * 1_000_003 + runIndex))
                        let first = Int(picker.next() % UInt64(n))
                        var second = Int(picker.next() % UInt64(n - 1))
                        if second >= first { second += 1 }
                        let world = isPair ? [Set([names[first], names[second]])] : [Set([names[first]])]
                        let bisector = PluginBisector(candidates: names, policy: policy)
                        let flaky = SimulatedSite(failingSets: world, breakageIsTransient: transientBreakage,
                                                  flakeRate: 0.1, seed: picker.next())
                        let result = run(bisector, on: flaky)
                        flakyProbes += result.probes
                        repeats += result.retries
                        switch result.conclusion {
                        case .inconclusive: inconclusive += 1
                        case .culpritsFound, .notBroken, .notAPluginProblem:
                            if !isRight(result, world) { wrong += 1 }
                        }
                        let steady = SimulatedSite(failingSets: world, breakageIsTransient: transientBreakage)
                        steadyProbes += run(bisector, on: steady).probes
                    }
                    let shown = transientBreakage ? "502 (transient)" : "500 (trusted)"
                    let label = (confirmations == standard ? "\(confirmations) (default)" : "\(confirmations)") + ", \(width)"
                    lines.append("| \(n) | \(isPair ? "pair" : "one") | \(shown) | \(label) | \(percent(wrong, of: flakyRuns, digits: 2)) | \(percent(inconclusive, of: flakyRuns, digits: 2)) | \(format(Double(steadyProbes) / Double(flakyRuns))) | \(format(Double(flakyProbes) / Double(flakyRuns))) | \(format(Double(repeats) / Double(flakyRuns))) |")
                }
                }
            }
        }
        return lines + [""]
    }

    /// Looks in flight at once (the header method): rounds are what the user waits for when a
    /// page load, not a file move, is the cost of a look. Seconds asked of `wait` are pauses
    /// the policy asks for (only on signs of load; none on these steady sites).
    private func parallelTable() -> [String] {
        var lines = [
            "### Looks in flight at once: probes and rounds (every culprit position or sampled pair; rounds × one page load ≈ wall time)",
            "",
            "| case | n | looks at once | avg probes | avg rounds | worst rounds | seconds waited | wrong answers |",
            "|---|---|---|---|---|---|---|---|",
        ]
        let cases: [(String, Int, Bool, Bool)] = [
            ("one worker-killer (502)", 41, false, true), ("one plugin fatal (500)", 100, false, false), ("pair conflict (500)", 64, true, false),
        ]
        for (label, n, isPair, transient) in cases {
            let names = slugs(n)
            var worlds: [[Set<String>]] = names.map { [Set([$0])] }
            if isPair { worlds = pairs(names).enumerated().filter { $0.offset % 7 == 0 }.map { [Set([$0.element.0, $0.element.1])] } }
            for width in [1, 2, 3, 4] {
                var probes = 0, rounds = 0, worst = 0, wrong = 0
                var waited = 0.0
                for world in worlds {
                    let site = SimulatedSite(failingSets: world, breakageIsTransient: transient)
                    let policy = BisectPolicy(transientConfirmations: 2, retryDelays: [1, 3], parallelLooks: width)
                    let result: BisectResult
                    do {
                        result = try PluginBisector(candidates: names, policy: policy).run(oracle: site, wait: { waited += $0 })
                    } catch {
                        fatalError("simulated bisection threw: \(error)")
                    }
                    probes += result.probes
                    rounds += site.rounds
                    worst = max(worst, site.rounds)
                    if !isRight(result, world) { wrong += 1 }
                }
                let count = Double(worlds.count)
                lines.append("| \(label) | \(n) | \(width) | \(format(Double(probes) / count)) | \(format(Double(rounds) / count)) | \(worst) | \(format(waited)) | \(wrong) of \(worlds.count) |")
            }
        }
        return lines + [""]
    }

    // MARK: Measuring

    private struct Tally {
        var counts: [Int] = []
        var wrong = 0
        var complete = 0

        mutating func add(_ outcome: (probes: Int, right: Bool)) {
            counts.append(outcome.probes)
            if outcome.right { complete += 1 } else { wrong += 1 }
        }

        func within(_ bound: Int) -> Int { counts.filter { $0 <= bound }.count }

        var probes: String {
            guard let worst = counts.max() else { return "-" }
            let average = Double(counts.reduce(0, +)) / Double(counts.count)
            return "\(format(average)) / \(worst)"
        }
    }

    private func measure(_ worlds: [[Set<String>]], names: [String], policy: BisectPolicy) -> Tally {
        var tally = Tally()
        for world in worlds { tally.add(simulate(world, names: names, suspects: [], policy: policy)) }
        return tally
    }

    private func simulate(_ world: [Set<String>], names: [String], suspects: [String], policy: BisectPolicy) -> (probes: Int, right: Bool) {
        let site = SimulatedSite(failingSets: world)
        let result = run(PluginBisector(candidates: names, suspects: suspects, policy: policy), on: site)
        return (result.probes, isRight(result, world))
    }

    /// What the guides tell people to do: disable everything, then re-enable one plugin at a
    /// time, looking at the site after each, and blame the plugin enabled when it breaks.
    /// Counted like the bisector: the all-enabled look, the all-disabled look, one per plugin.
    private func measureOneByOne(_ worlds: [[Set<String>]], names: [String]) -> Tally {
        var tally = Tally()
        for world in worlds {
            let site = SimulatedSite(failingSets: world)
            var enabled: Set<String> = []
            var probes = 2
            var blamed: [[String]] = []
            for name in names {
                enabled.insert(name)
                probes += 1
                if site.breaks(enabled) {
                    blamed = [[name]]
                    break
                }
            }
            let right = Set(blamed.map(Set.init)) == Set(world)
            tally.add((probes, right))
        }
        return tally
    }

    private func run(_ bisector: PluginBisector, on site: SimulatedSite) -> BisectResult {
        do {
            return try bisector.run(oracle: site)
        } catch {
            // The simulated site never throws; a throw here is a bug worth stopping for.
            fatalError("simulated bisection threw: \(error)")
        }
    }

    private func isRight(_ result: BisectResult, _ world: [Set<String>]) -> Bool {
        guard case .culpritsFound(let sets) = result.conclusion else { return false }
        return sets.count == world.count && Set(sets.map(Set.init)) == Set(world)
    }

    // MARK: Helpers

    private func slugs(_ count: Int) -> [String] { (0..<count).map { "plugin-\($0)" } }

    private func pairs(_ names: [String]) -> [(String, String)] {
        var result: [(String, String)] = []
        for later in names.indices {
            for earlier in 0..<later { result.append((names[earlier], names[later])) }
        }
        return result
    }

    private func ceilingLog2(_ value: Int) -> Int {
        var power = 0
        while (1 << power) < value { power += 1 }
        return power
    }

    private func percent(_ count: Int, of total: Int, digits: Int = 0) -> String {
        format(100 * Double(count) / Double(max(total, 1)), digits: digits) + "%"
    }
}

private func format(_ value: Double, digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}
