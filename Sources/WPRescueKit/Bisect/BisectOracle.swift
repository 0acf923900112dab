/// What one look at the site says about the plugins that were enabled at that moment.
public enum OracleAnswer: Sendable, Hashable {
    case healthy
    /// `transient` is true when the failure was a 502, 503, 504 or a timeout: load alone can
    /// cause those, so the bisector looks again before it believes them. A 500 critical error
    /// or a PHP fatal on the page is not transient and is believed at once.
    case broken(transient: Bool)
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
}

extension OracleAnswer: Codable {
    /// One word per answer, so that JSON output and the CLI read the same way.
    public var label: String {
        switch self {
        case .healthy: "healthy"
        case .broken(transient: false): "broken"
        case .broken(transient: true): "broken-transient"
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
