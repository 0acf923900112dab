/// How careful the bisector is with a site that answers unreliably, and when it spends the
/// all-disabled baseline probe.
public struct BisectPolicy: Sendable, Equatable {
    public enum AllDisabledBaseline: String, Sendable, Equatable, CaseIterable {
        /// Probe with every candidate disabled right after the all-enabled baseline: a problem
        /// that is not a plugin is reported after two probes.
        case first
        /// Probe it only if no healthy answer has already shown it: one probe fewer whenever a
        /// plugin is to blame, but a problem that is not a plugin costs about ⌈log₂ n⌉ + 1
        /// extra probes before it is recognised.
        case whenNeeded
    }

    public var allDisabledBaseline: AllDisabledBaseline
    /// A transient failure counts as broken only after this many further looks at the same
    /// plugin set also fail transiently. Any healthy look settles it as healthy.
    public var transientConfirmations: Int
    /// How many more looks an inconclusive answer gets before the bisection stops as inconclusive.
    public var inconclusiveRetries: Int
    /// How many times the search may start over after a set believed broken from transient
    /// failures turned out to work, before the bisection stops as inconclusive.
    public var maximumRestarts: Int
    /// Seconds to wait before each repeated look at the same plugin set (the first repeat
    /// waits the first value, and so on); the last value is reused when repeats outnumber it.
    /// Only repeats that follow signs of load wait: an `.overloaded` answer, an inconclusive
    /// look, or any failure while the site has not yet been seen healthy with every candidate
    /// disabled. A quick 502 of a set while the all-disabled site works is looked at again at once.
    public var retryDelays: [Double]
    /// How many looks may be in flight at once (1: one after the other). Only an oracle that
    /// changes nothing on disk between looks gains from more: the search then splits the
    /// candidates into `parallelLooks + 1` parts per round, and the repeats that confirm a
    /// transient failure go out together.
    public var parallelLooks: Int

    public init(
        allDisabledBaseline: AllDisabledBaseline = .first,
        transientConfirmations: Int = 2,
        inconclusiveRetries: Int = 2,
        maximumRestarts: Int = 3,
        retryDelays: [Double] = [3, 10, 30],
        parallelLooks: Int = 1
    ) {
        self.parallelLooks = max(1, parallelLooks)
        self.allDisabledBaseline = allDisabledBaseline
        self.transientConfirmations = max(0, transientConfirmations)
        self.inconclusiveRetries = max(0, inconclusiveRetries)
        self.maximumRestarts = max(0, maximumRestarts)
        self.retryDelays = retryDelays
    }

    /// Seconds to wait before repeat number `repeatNumber` (1 for the first repeat).
    public func delay(beforeRepeat repeatNumber: Int) -> Double {
        guard let last = retryDelays.last else { return 0 }
        let index = repeatNumber - 1
        return index < retryDelays.count ? retryDelays[max(0, index)] : last
    }
}
