/// What a bisection switches: a plugin (must-use plugins and drop-ins included, by slug), or
/// the active theme, which only the header method can swap (for a bundled default theme, on
/// wprescue's own requests). The search itself works on names; `name` is the one it uses.
public enum BisectCandidate: Hashable, Sendable {
    case plugin(String)
    case activeTheme

    /// The name in steps, culprit lists and JSON; the active theme's cannot be a plugin slug.
    public var name: String {
        switch self {
        case .plugin(let slug): slug
        case .activeTheme: "(active theme)"
        }
    }

    public init(name: String) {
        self = name == BisectCandidate.activeTheme.name ? .activeTheme : .plugin(name)
    }
}
