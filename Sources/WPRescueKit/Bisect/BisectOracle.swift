/// What one look at the site says about the plugins that were enabled at that moment.
public enum OracleAnswer: Sendable, Hashable {
    case healthy
    /// `transient` is true when the failure was a 502, 503, 504 or a timeout: load alone can
    /// cause those, so the bisector looks again before it believes them. A 500 critical error
    /// or a PHP fatal on the page is not transient and is believed at once.
    case broken(transient: Bool)
    /// A 502/503/504 or a timeout with signs of load (no answer in time, a slow first byte):
    /// it may be the plugin set or a busy server. It counts as a transient failure, and the
    /// bisector pauses before looking again, which it does not for a quick 502.
    case overloaded
    /// The look could not judge the site (network down, a page that is neither the site nor an
    /// error): the bisector retries a few times, then stops rather than guess.
    case inconclusive
}

/// Puts one plugin set in place and judges the site. The bisector decides which set; the
/// oracle does the file moves and the HTTP request, so the decisions can be tested without I/O.
public protocol BisectOracle: AnyObject {
    /// Enables exactly `enabled` among the bisect candidates (every other candidate disabled;
    /// plugins that are not candidates, such as kept ones, are not touched) and judges the site.
    func test(enabled: Set<String>) throws -> OracleAnswer

    /// Judges several plugin sets, one answer each in order; an oracle that changes nothing
    /// on disk between looks may take them at the same time. The bisector never asks for
    /// more than `BisectPolicy.parallelLooks` at once.
    func test(batch: [Set<String>]) throws -> [OracleAnswer]
}

extension BisectOracle {
    /// One after the other: what an oracle that moves files must do.
    public func test(batch: [Set<String>]) throws -> [OracleAnswer] {
        try batch.map { try test(enabled: $0) }
    }
}

extension OracleAnswer: Codable {
    /// One word per answer, so that JSON output and the CLI read the same way.
    public var label: String {
        switch self {
        case .healthy: "healthy"
        case .broken(transient: false): "broken"
        case .broken(transient: true): "broken-transient"
        case .overloaded: "overloaded"
        case .inconclusive: "inconclusive"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let label = try container.decode(String.self)
        switch label {
        case "healthy": self = .healthy
        case "broken": self = .broken(transient: false)
        case "broken-transient": self = .broken(transient: true)
        case "overloaded": self = .overloaded
        case "inconclusive": self = .inconclusive
        default:
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Unknown oracle answer \"\(label)\".")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }
}
