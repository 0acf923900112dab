/// One look at the site during a bisection, as the CLI prints it: which candidates were
/// enabled, which were disabled, what the site answered, and why that set was tried.
public struct BisectStep: Sendable, Equatable, Codable {
    /// Enabled candidates, in candidate order.
    public var enabled: [String]
    /// Disabled candidates, in candidate order.
    public var disabled: [String]
    public var answer: OracleAnswer
    public var note: String

    public init(enabled: [String], disabled: [String], answer: OracleAnswer, note: String) {
        self.enabled = enabled
        self.disabled = disabled
        self.answer = answer
        self.note = note
    }
}

/// How a bisection ended.
public enum BisectConclusion: Sendable, Equatable {
    /// Each inner list is one minimal set of plugins that breaks the site (one plugin alone,
    /// or plugins that only break it together). With all of them disabled the site was healthy.
    case culpritsFound([[String]])
    /// The site was healthy with every candidate enabled: nothing to bisect.
    case notBroken
    /// The site stayed broken with every candidate disabled: look at the theme, PHP, the database.
    case notAPluginProblem
    /// A look at the site could not be judged even after retries. `partial` holds the sets
    /// that were fully established before that; the others are unknown, not absent.
    case inconclusive(partial: [[String]])

    /// Machine-readable name of the outcome, as written to JSON.
    public var outcome: String {
        switch self {
        case .culpritsFound: "culprits-found"
        case .notBroken: "not-broken"
        case .notAPluginProblem: "not-a-plugin-problem"
        case .inconclusive: "inconclusive"
        }
    }
}

/// Everything a bisection found and did. Encodes as
/// `{"outcome": …, "culprits": [["slug"], …], "probes": N, "retries": M, "steps": […]}`;
/// the caller adds timings.
public struct BisectResult: Sendable, Equatable {
    public var conclusion: BisectConclusion
    /// Every call to the oracle, repeated looks included.
    public var probes: Int
    /// How many of `probes` repeated a look at a plugin set already tried (transient failure
    /// confirmations and inconclusive retries).
    public var retries: Int
    /// One entry per probe, in order.
    public var steps: [BisectStep]

    public init(conclusion: BisectConclusion, probes: Int, retries: Int, steps: [BisectStep]) {
        self.conclusion = conclusion
        self.probes = probes
        self.retries = retries
        self.steps = steps
    }

    /// The culprit sets found (the partial ones when the bisection was inconclusive).
    public var culprits: [[String]] {
        switch conclusion {
        case .culpritsFound(let sets), .inconclusive(partial: let sets): sets
        case .notBroken, .notAPluginProblem: []
        }
    }
}

extension BisectResult: Codable {
    private enum CodingKeys: String, CodingKey { case outcome, culprits, probes, retries, steps }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let outcome = try container.decode(String.self, forKey: .outcome)
        let culprits = try container.decode([[String]].self, forKey: .culprits)
        switch outcome {
        case "culprits-found": conclusion = .culpritsFound(culprits)
        case "not-broken": conclusion = .notBroken
        case "not-a-plugin-problem": conclusion = .notAPluginProblem
        case "inconclusive": conclusion = .inconclusive(partial: culprits)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .outcome, in: container, debugDescription: "Unknown bisect outcome \"\(outcome)\".")
        }
        probes = try container.decode(Int.self, forKey: .probes)
        retries = try container.decode(Int.self, forKey: .retries)
        steps = try container.decode([BisectStep].self, forKey: .steps)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conclusion.outcome, forKey: .outcome)
        try container.encode(culprits, forKey: .culprits)
        try container.encode(probes, forKey: .probes)
        try container.encode(retries, forKey: .retries)
        try container.encode(steps, forKey: .steps)
    }
}
