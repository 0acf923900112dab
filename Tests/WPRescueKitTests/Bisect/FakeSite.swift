import WPRescueKit
import WPRescueTestSupport

/// The error a `FakeSite` throws when told to fail a look (an SFTP rename that failed, say).
struct LookFailed: Error, Equatable {}

/// A site whose breakage is decided by a rule over the enabled candidates, with knobs for the
/// ways real sites misbehave: 502-style breakage, flaky looks, scripted answers, a look that throws.
final class FakeSite: BisectOracle {
    private let rule: (Set<String>) -> Bool
    /// The real breakage answers broken(transient: true), as a crashing PHP-FPM behind nginx does.
    var breakageIsTransient = false
    /// Each look at a healthy set answers broken(transient: true) with this probability.
    var flakeRate = 0.0
    var random = SeededGenerator(seed: 0)
    /// Replaces the rule's answer: given the enabled set and how many times that exact set was
    /// looked at before, returns the answer to give, or nil to follow the rule.
    var script: ((Set<String>, Int) -> OracleAnswer?)?
    /// Index (from 0) of the look that throws `LookFailed`.
    var throwingLook: Int?
    private(set) var looks: [Set<String>] = []
    /// How many looks each `test(batch:)` call asked for at once.
    private(set) var batchSizes: [Int] = []

    /// Broken whenever every plugin of one of `failingSets` is enabled.
    convenience init(failingSets: [Set<String>]) {
        self.init { enabled in failingSets.contains { $0.isSubset(of: enabled) } }
    }

    init(rule: @escaping (Set<String>) -> Bool) {
        self.rule = rule
    }

    func breaks(_ enabled: Set<String>) -> Bool { rule(enabled) }

    func test(batch: [Set<String>]) throws -> [OracleAnswer] {
        batchSizes.append(batch.count)
        return try batch.map { try test(enabled: $0) }
    }

    func test(enabled: Set<String>) throws -> OracleAnswer {
        if looks.count == throwingLook { throw LookFailed() }
        let earlierLooks = looks.filter { $0 == enabled }.count
        looks.append(enabled)
        if let scripted = script?(enabled, earlierLooks) { return scripted }
        if rule(enabled) { return .broken(transient: breakageIsTransient) }
        if flakeRate > 0, random.nextUnit() < flakeRate { return .broken(transient: true) }
        return .healthy
    }
}


enum BisectFixtures {
    static func slugs(_ count: Int) -> [String] { (0..<count).map { "plugin-\($0)" } }

    static func ceilingLog2(_ value: Int) -> Int {
        var power = 0
        while (1 << power) < value { power += 1 }
        return power
    }

    static func policy(_ baseline: BisectPolicy.AllDisabledBaseline) -> BisectPolicy {
        BisectPolicy(allDisabledBaseline: baseline)
    }

    /// The culprit sets as a set of sets, so that tests do not depend on the order found.
    static func unordered(_ sets: [[String]]) -> Set<Set<String>> { Set(sets.map(Set.init)) }

    /// Checks an answer against the site itself: every set breaks the site, no set breaks it
    /// with one of its plugins removed, the sets do not overlap, and the site works with all
    /// of them disabled. Returns what is wrong, or nil.
    static func problem(with result: BisectResult, on site: FakeSite, candidates: [String]) -> String? {
        guard case .culpritsFound(let sets) = result.conclusion else { return "no culprits: \(result.conclusion)" }
        var blamed: Set<String> = []
        for set in sets {
            let members = Set(set)
            guard members.isDisjoint(with: blamed) else { return "\(set) overlaps another set" }
            blamed.formUnion(members)
            guard site.breaks(members) else { return "\(set) does not break the site" }
            for member in set where site.breaks(members.subtracting([member])) {
                return "\(set) still breaks the site without \(member)"
            }
        }
        let rest = Set(candidates).subtracting(blamed)
        return site.breaks(rest) ? "the site is still broken with \(sets) disabled" : nil
    }
}
