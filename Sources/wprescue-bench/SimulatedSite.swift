import WPRescueKit

/// A site whose breakage is known in advance: it is broken whenever every plugin of one of
/// `failingSets` is enabled. Flakiness, when asked for, makes a healthy site answer
/// "502-like failure" on a fraction of looks, drawn from a seeded generator.
final class SimulatedSite: BisectOracle {
    let failingSets: [Set<String>]
    /// Broken even with every candidate disabled (the theme, PHP, the database).
    let brokenWithoutPlugins: Bool
    /// The real breakage shows as 502/504 rather than a 500 critical error.
    let breakageIsTransient: Bool
    let flakeRate: Double
    private var random: SplitMix64
    private(set) var looks = 0
    /// Calls of the oracle: rounds of looks in flight together (a lone look is a round too).
    private(set) var rounds = 0

    init(failingSets: [Set<String>], brokenWithoutPlugins: Bool = false, breakageIsTransient: Bool = false,
         flakeRate: Double = 0, seed: UInt64 = 0) {
        self.failingSets = failingSets
        self.brokenWithoutPlugins = brokenWithoutPlugins
        self.breakageIsTransient = breakageIsTransient
        self.flakeRate = flakeRate
        random = SplitMix64(seed: seed)
    }

    func breaks(_ enabled: Set<String>) -> Bool {
        brokenWithoutPlugins || failingSets.contains { $0.isSubset(of: enabled) }
    }

    func test(batch: [Set<String>]) throws -> [OracleAnswer] {
        rounds += 1
        return batch.map(answer)
    }

    func test(enabled: Set<String>) throws -> OracleAnswer {
        rounds += 1
        return answer(enabled)
    }

    private func answer(_ enabled: Set<String>) -> OracleAnswer {
        looks += 1
        if breaks(enabled) { return .broken(transient: breakageIsTransient) }
        if flakeRate > 0, random.nextUnit() < flakeRate { return .broken(transient: true) }
        return .healthy
    }
}

/// Small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so that every
/// benchmark run draws the same numbers.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform number in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
