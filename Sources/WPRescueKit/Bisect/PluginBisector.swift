/// Finds which plugins break a site by enabling and disabling subsets of them and asking an
/// oracle whether the site works, with as few looks at the site as it can.
///
/// How it decides:
/// 1. Baselines. Every candidate enabled must be broken (else `.notBroken`); every candidate
///    disabled must be healthy (else `.notAPluginProblem`). `BisectPolicy.allDisabledBaseline`
///    says whether the second is probed up front (asked together with the first) or only when
///    no healthy answer implies it.
/// 2. One minimal failing set at a time, by prefix search: binary-search the shortest prefix of
///    the candidate list that still breaks the site (with `parallelLooks` k > 1, k cut points per
///    round, looked at together, so each round keeps 1/(k+1) of the range); its last plugin is
///    in a failing set. Keep that plugin, test it alone; if the site works, search the shortest
///    prefix of the plugins before it that breaks the site together with it, and so on. Every plugin kept
///    this way is needed (the site worked without it), so the set is minimal, and a lone
///    culprit costs one search, one look at it alone.
/// 3. Completeness. With the found set disabled and everything else enabled the site must be
///    healthy; if it is still broken, another independent failing set is searched for among
///    the rest.
/// 4. Suspects (plugins named in fatal errors, recently changed) are tried first: "only this
///    suspect disabled" healthy means it is in every failing set, and testing it alone then
///    settles a lone culprit in two looks. A wrong suspect costs one look and is left out of
///    that round's search.
/// 5. Answers are combined on the assumption that enabling more plugins never heals a site:
///    a set inside a broken one is never tested when a broken set is inside it, and so on, so
///    no look is spent on an answer already known.
/// 6. Unreliable answers. A healthy look and a non-transient failure are believed. A transient
///    failure (502/503/504, timeout) counts only once repeated (`BisectPolicy`): at once (side
///    by side when looks run in parallel) while the site is known to work with every candidate
///    disabled, after the policy's pauses when an answer shows load (`.overloaded`). Before a
///    conclusion rests on a set known broken from transient failures alone, that set is looked
///    at once more; if the site then works, every belief built on it is dropped and the search
///    starts over from what is still known. Inconclusive looks are retried, then the run ends
///    `.inconclusive` with the culprit sets established so far.
///
/// The bisector holds no state between runs and uses no randomness: the same candidates,
/// suspects, policy and answers give the same steps.
public struct PluginBisector: Sendable {
    /// Plugin slugs to bisect, in search order; duplicates are dropped.
    public let candidates: [String]
    /// Candidates to try first, most suspicious first; names that are not candidates are ignored
    /// (a kept plugin named in an error cannot be bisected).
    public let suspects: [String]
    public let policy: BisectPolicy

    public init(candidates: [String], suspects: [String] = [], policy: BisectPolicy = BisectPolicy()) {
        var seen = Set<String>()
        let candidates = candidates.filter { seen.insert($0).inserted }
        var seenSuspects = Set<String>()
        self.candidates = candidates
        self.suspects = suspects.filter { seen.contains($0) && seenSuspects.insert($0).inserted }
        self.policy = policy
    }

    /// Runs the bisection. `wait` is called with a number of seconds before each repeated look
    /// at the same plugin set; it may throw to cancel. Errors thrown by the oracle or by `wait`
    /// end the run and propagate unchanged.
    public func run(oracle: some BisectOracle, wait: (Double) throws -> Void = { _ in }) throws -> BisectResult {
        try withoutActuallyEscaping(wait) { wait in
            let run = BisectRun(candidates: candidates, suspects: suspects, policy: policy, oracle: oracle, wait: wait)
            return try run.execute()
        }
    }
}

/// The state of one run: what has been learnt about which sets break the site, and the steps.
private final class BisectRun {
    private enum Verdict { case healthy, broken }

    /// Ends the search early with an outcome other than culprits.
    private enum Stop: Error {
        case notAPluginProblem
        case undecided
        /// A set believed broken from transient failures alone worked when looked at again:
        /// what was built on it is discarded and the search starts over from what is known.
        case restart
    }

    private let names: [String]
    private let suspects: [Int]
    private let policy: BisectPolicy
    private let oracle: any BisectOracle
    private let wait: (Double) throws -> Void

    /// Sets seen broken and healthy. With "more plugins never heal", a superset of a broken set
    /// is broken and a subset of a healthy set is healthy.
    private var brokenSets: [CandidateSet] = []
    private var healthySets: [CandidateSet] = []
    /// Broken sets seen with a non-transient failure (500, PHP fatal): never doubted.
    private var trustedBrokenSets: [CandidateSet] = []
    private var steps: [BisectStep] = []
    private var retries = 0
    private var culprits: [[Int]] = []
    /// Whether any look has shown signs of load (a timeout, a slow gateway error): from then on
    /// repeated looks wait as the policy says.
    private var loadSeen = false

    init(candidates: [String], suspects: [String], policy: BisectPolicy, oracle: any BisectOracle, wait: @escaping (Double) throws -> Void) {
        names = candidates
        let positions = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
        self.suspects = suspects.compactMap { positions[$0] }
        self.policy = policy
        self.oracle = oracle
        self.wait = wait
    }

    func execute() throws -> BisectResult {
        var restarts = 0
        while true {
            culprits = []
            let conclusion: BisectConclusion
            do {
                conclusion = try search()
            } catch Stop.notAPluginProblem {
                conclusion = .notAPluginProblem
            } catch Stop.undecided {
                conclusion = .inconclusive(partial: culprits.map(slugs))
            } catch Stop.restart {
                restarts += 1
                guard restarts > policy.maximumRestarts else { continue }
                conclusion = .inconclusive(partial: [])
            }
            return BisectResult(conclusion: conclusion, probes: steps.count, retries: retries, steps: steps)
        }
    }

    private func search() throws -> BisectConclusion {
        let everyone = Array(names.indices)
        if names.isEmpty {
            // With no candidates, "all enabled" and "all disabled" are the same site; a broken
            // answer ends the run as not a plugin problem on its own.
            _ = try verdict(enabling: [], note: "no candidates: is the site broken at all?")
            return .notBroken
        }
        // With ∅ first, both baselines are asked together: the all-disabled look runs before
        // a transient failure of the all-enabled one is confirmed, so the confirmation knows
        // whether the site works at all (and needs no pause when it does).
        var baselines = [(everyone, "baseline: all \(names.count) candidates enabled")]
        if policy.allDisabledBaseline == .first { baselines.append(([], "baseline: all candidates disabled")) }
        guard try verdicts(baselines).first == .broken else { return .notBroken }

        var pool = everyone
        while true {
            if !culprits.isEmpty {
                // Searching again assumes the site works with nothing enabled; make sure that
                // has been seen (directly or through a healthy answer) before relying on it.
                _ = try verdict(enabling: [], note: "all candidates disabled: is anything else wrong?")
            }
            let failingSet = try minimalFailingSet(in: pool)
            culprits.append(failingSet)
            pool.removeAll { failingSet.contains($0) }
            let note = "\(describe(culprits.joined())) disabled, the other \(pool.count) candidates enabled"
            if try verdict(enabling: pool, note: note) == .healthy {
                return .culpritsFound(culprits.map(slugs))
            }
        }
    }

    /// One minimal set of plugins from `startingPool` that breaks the site, given that the whole
    /// pool does (and that the site works with nothing enabled).
    private func minimalFailingSet(in startingPool: [Int]) throws -> [Int] {
        var pool = startingPool
        // Plugins known to be in the set being built: the site worked without each of them.
        var found: [Int] = []
        var untriedSuspects = suspects.filter { pool.contains($0) }

        while found.isEmpty, !untriedSuspects.isEmpty {
            let suspect = untriedSuspects.removeFirst()
            let others = pool.filter { $0 != suspect }
            let note = "suspect \(names[suspect]) disabled, \(others.count) other candidates enabled"
            if try verdict(enabling: others, note: note) == .healthy {
                // Every failing set left contains the suspect.
                found = [suspect]
            }
            // Either the suspect is kept in `found`, or a failing set exists without it.
            pool = others
        }

        // Suspects not yet tried go first, so that they are tried as partners before the search.
        var rest = untriedSuspects + pool.filter { !untriedSuspects.contains($0) }
        while true {
            if !found.isEmpty {
                let note = found.count == 1
                    ? "is \(names[found[0]]) alone enough to break the site?"
                    : "are \(describe(found)) enough on their own?"
                if try verdict(enabling: found, note: note) == .broken {
                    try recheckIfOnlyTransient(found, note: "recheck before blaming \(describe(found))")
                    return found
                }
            }
            // Now `found` alone works and `found` + `rest` is broken: the shortest prefix of `rest`
            // that breaks the site together with `found` ends with one more member of the set.
            guard !rest.isEmpty else {
                // Only reachable if the answers contradicted each other; stop rather than guess.
                throw Stop.undecided
            }
            var low = 1
            var high = rest.count
            let startingHigh = high
            while low < high, untriedSuspects.contains(rest[low - 1]) {
                untriedSuspects.removeAll { $0 == rest[low - 1] }
                let note = "suspect \(names[rest[low - 1]])" + (found.isEmpty ? "" : " as a partner of \(describe(found))")
                if try verdict(enabling: found + rest[..<low], note: note) == .broken {
                    high = low
                } else {
                    low += 1
                }
            }
            while low < high {
                // One round: the prefixes at `parallelLooks` evenly spaced points, looked at
                // together (one point, the middle, when looks go one at a time).
                let width = policy.parallelLooks
                var points: [Int] = []
                for part in 1...width {
                    let point = low + (high - low) * part / (width + 1)
                    if point >= low, point < high, !points.contains(point) { points.append(point) }
                }
                let answers = try verdicts(points.map { middle in
                    (found + rest[..<middle], found.isEmpty
                        ? "search: first \(middle) of \(rest.count) candidates enabled"
                        : "search for a partner of \(describe(found)): first \(middle) of \(rest.count) others enabled")
                })
                let newHigh = zip(points, answers).filter { $0.1 == .broken }.map(\.0).min() ?? high
                let newLow = zip(points, answers).filter { $0.1 == .healthy && $0.0 < newHigh }.map { $0.0 + 1 }.max() ?? low
                high = newHigh
                low = max(low, newLow)
            }
            if low == startingHigh {
                // Every look in this search worked: the plugin picked rests only on the earlier
                // answer that `found` + `rest` is broken, so that answer had better be solid.
                try recheckIfOnlyTransient(found + rest, note: "recheck: \(found.count + rest.count) candidates enabled")
            }
            found.append(rest[low - 1])
            rest.removeSubrange((low - 1)...)
        }
    }

    /// One plugin set being judged, and its looks so far.
    private struct Question {
        let set: CandidateSet
        let enabled: [String]
        let disabled: [String]
        let note: String
        var looks = 0
        var transientFailures = 0
        var undecidedLooks = 0
        var last: OracleAnswer?
        var verdict: Verdict?
    }

    /// The site's answer with exactly `positions` enabled.
    private func verdict(enabling positions: some Collection<Int>, note: String) throws -> Verdict {
        let answers = try verdicts([(Array(positions), note)])
        guard let answer = answers.first else { throw Stop.undecided }
        return answer
    }

    /// The site's answers for several plugin sets: inferred when earlier answers imply them,
    /// otherwise asked of the oracle, up to `parallelLooks` looks at a time, repeating transient
    /// failures and inconclusive looks as the policy says. Sets are settled in order within a
    /// round, so an answer can make a later set's look unnecessary.
    private func verdicts(_ asked: [(positions: [Int], note: String)]) throws -> [Verdict] {
        var questions = asked.map { positions, note in
            let set = CandidateSet(positions, universe: names.count)
            return Question(set: set, enabled: names.indices.filter { set.contains($0) }.map { names[$0] },
                            disabled: names.indices.filter { !set.contains($0) }.map { names[$0] }, note: note)
        }
        let width = policy.parallelLooks
        while true {
            settleKnown(&questions)
            let open = questions.indices.filter { questions[$0].verdict == nil }
            if open.isEmpty { return questions.compactMap(\.verdict) }
            // A first look at each open set; the confirmations a transient failure still owes,
            // together when there is room.
            var requests: [Int] = []
            var pause = 0.0
            for index in open {
                let question = questions[index]
                var copies = 1
                if question.looks > 0 {
                    if width > 1, question.last == .broken(transient: true) || question.last == .overloaded {
                        copies = min(width, policy.transientConfirmations + 1 - question.transientFailures)
                    }
                    if needsPause(before: question) { pause = max(pause, policy.delay(beforeRepeat: question.looks)) }
                }
                requests += repeatElement(index, count: max(1, copies))
            }
            if pause > 0 { try wait(pause) }
            var next = requests[...]
            while !next.isEmpty {
                let chunk = Array(next.prefix(width).filter { questions[$0].verdict == nil })
                next = next.dropFirst(min(width, next.count))
                guard !chunk.isEmpty else { continue }
                let answers = try oracle.test(batch: chunk.map { Set(questions[$0].enabled) })
                guard answers.count == chunk.count else { throw Stop.undecided }
                var answered: [Int: [OracleAnswer]] = [:]
                var order: [Int] = []
                for (index, answer) in zip(chunk, answers) {
                    if answered[index] == nil { order.append(index) }
                    answered[index, default: []].append(answer)
                }
                for index in order {
                    try record(answered[index] ?? [], for: &questions[index])
                }
                settleKnown(&questions)
            }
        }
    }

    /// Fills in the answers that what is already known implies.
    private func settleKnown(_ questions: inout [Question]) {
        for index in questions.indices where questions[index].verdict == nil {
            let set = questions[index].set
            if brokenSets.contains(where: { $0.isSubset(of: set) }) {
                questions[index].verdict = .broken
            } else if healthySets.contains(where: { set.isSubset(of: $0) }) {
                questions[index].verdict = .healthy
            }
        }
    }

    /// Whether to pause before looking again: only when the evidence points at load or the
    /// site has not yet been seen working at all. A quick 502 that comes back at once with the
    /// same set, while the site works with every candidate disabled, is that set's doing.
    private func needsPause(before question: Question) -> Bool {
        switch question.last {
        case .inconclusive?, .overloaded?: return true
        case .broken?, .healthy?, nil: return loadSeen || healthySets.isEmpty
        }
    }

    /// Takes in the answers of one round's looks at one set: any healthy look settles it.
    private func record(_ answers: [OracleAnswer], for question: inout Question) throws {
        for answer in answers {
            question.looks += 1
            var stepNote = question.note
            if let previous = question.last {
                retries += 1
                stepNote += previous == .inconclusive
                    ? " (repeat \(question.looks - 1): the last look could not judge the site)"
                    : " (repeat \(question.looks - 1): confirming a transient failure)"
            }
            question.last = answer
            steps.append(BisectStep(enabled: question.enabled, disabled: question.disabled, answer: answer, note: stepNote))
        }
        guard question.verdict == nil else { return }
        if answers.contains(.healthy) {
            healthySets.append(question.set)
            question.verdict = .healthy
        } else if answers.contains(.broken(transient: false)) {
            question.verdict = try recordBroken(question.set, trusted: true)
        } else {
            for answer in answers {
                switch answer {
                case .broken(transient: true):
                    question.transientFailures += 1
                case .overloaded:
                    loadSeen = true
                    if try serverAnswersWithoutPlugins(question.set) {
                        question.transientFailures += 1
                    } else {
                        question.undecidedLooks += 1
                    }
                case .inconclusive:
                    question.undecidedLooks += 1
                case .healthy, .broken(transient: false):
                    break
                }
            }
            if question.transientFailures > policy.transientConfirmations {
                question.verdict = try recordBroken(question.set, trusted: false)
            } else if question.undecidedLooks > policy.inconclusiveRetries {
                throw Stop.undecided
            }
        }
    }

    /// After a slow or timed-out failure of `set`: does the site answer promptly with every
    /// candidate disabled right now? If not, the server is loaded (a full PHP-FPM pool, say)
    /// and the failure says nothing about the plugins: "can't tell", never "broken".
    private func serverAnswersWithoutPlugins(_ set: CandidateSet) throws -> Bool {
        guard !set.isEmpty else { return false }
        retries += 1
        let control = try oracle.test(enabled: [])
        steps.append(BisectStep(enabled: [], disabled: names, answer: control,
                                note: "control: all candidates disabled, is the server itself loaded?"))
        if control == .healthy { healthySets.append(CandidateSet([], universe: names.count)) }
        return control == .healthy
    }

    private func recordBroken(_ set: CandidateSet, trusted: Bool) throws -> Verdict {
        brokenSets.append(set)
        if trusted { trustedBrokenSets.append(set) }
        if set.isEmpty {
            try recheckIfOnlyTransient([], note: "recheck: all candidates disabled")
            throw Stop.notAPluginProblem
        }
        return .broken
    }

    /// Looks once more, after the longest delay, at a set believed broken only because of
    /// transient failures, before a conclusion rests on it alone. Load that comes and goes
    /// rarely fails the same set again minutes later; a broken plugin set does.
    private func recheckIfOnlyTransient(_ positions: some Collection<Int>, note: String) throws {
        let set = CandidateSet(positions, universe: names.count)
        guard !trustedBrokenSets.contains(where: { $0.isSubset(of: set) }) else { return }
        let enabledSlugs = names.indices.filter { set.contains($0) }.map { names[$0] }
        let disabledSlugs = names.indices.filter { !set.contains($0) }.map { names[$0] }
        var undecidedLooks = 0
        while true {
            retries += 1
            if loadSeen || healthySets.isEmpty || undecidedLooks > 0 { try wait(policy.retryDelays.last ?? 0) }
            let answer = try oracle.test(enabled: Set(enabledSlugs))
            let stepNote = note + " (it only ever failed with 502/503/504 or timeouts)"
            steps.append(BisectStep(enabled: enabledSlugs, disabled: disabledSlugs, answer: answer, note: stepNote))
            switch answer {
            case .healthy:
                // The site works with this set, so every "broken" belief inside it was load.
                brokenSets.removeAll { $0.isSubset(of: set) }
                healthySets.append(set)
                throw Stop.restart
            case .broken(transient: false):
                brokenSets.append(set)
                trustedBrokenSets.append(set)
                return
            case .broken(transient: true):
                return
            case .overloaded:
                loadSeen = true
                // A full PHP-FPM pool looks like this too: only a prompt answer without plugins
                // makes the slow failure this set's doing.
                if try serverAnswersWithoutPlugins(set) { return }
                undecidedLooks += 1
                if undecidedLooks > policy.inconclusiveRetries { throw Stop.undecided }
            case .inconclusive:
                undecidedLooks += 1
                if undecidedLooks > policy.inconclusiveRetries { throw Stop.undecided }
            }
        }
    }

    private func slugs(_ positions: [Int]) -> [String] { positions.map { names[$0] } }

    private func describe(_ positions: some Collection<Int>) -> String {
        let listed = positions.prefix(3).map { names[$0] }.joined(separator: " + ")
        return positions.count > 3 ? "\(listed) + \(positions.count - 3) more" : listed
    }
}
