import Foundation

/// Raises the memory PHP gives WordPress: WP_MEMORY_LIMIT, and WP_MAX_MEMORY_LIMIT when it is
/// lower (wp-admin would otherwise get less than the front end).
public struct RaiseMemory {
    public struct Facts: Sendable {
        public var limit: String
        public var changed: [ConfigEditPlan.Changed]
    }

    public static let constantNames = ["WP_MEMORY_LIMIT", "WP_MAX_MEMORY_LIMIT"]
    public static let hostNote = "WordPress can raise PHP's memory only as far as the host allows; if the error persists, ask the host."
    public static let nextStep = "WordPress now asks PHP for more memory. Find what uses so much (the log names it) "
        + "and ask the host if PHP's own limit is lower."
    /// The limits a rescue tries, in order.
    public static let rescueSteps = ["256M", "512M"]

    /// The first of `rescueSteps` above what wp-config.php sets now; nil when it is already that high.
    public static func nextRescueLimit(after config: WPConfigFile) -> (current: PHPMemorySize?, next: PHPMemorySize?) {
        let current = config.value(of: "WP_MEMORY_LIMIT")?.stringValue.flatMap(PHPMemorySize.init)
        let next = rescueSteps.compactMap(PHPMemorySize.init).first { candidate in current.map { $0 < candidate } ?? true }
        return (current, next)
    }

    public let site: Site
    public let limit: String

    public init(site: Site, limit: String) {
        self.site = site
        self.limit = limit
    }

    public func plan(command: String) throws -> RemedyPlan<Facts> {
        guard PHPMemorySize(limit) != nil else { throw RemedyError.invalidMemoryLimit(limit) }
        let config = try SiteConfig.read(site)
        let edit = try ConfigEditPlan(site: site, from: config, to: try config.settingMemoryLimit(limit), changing: Self.constantNames,
                                      command: command, summary: "Memory limit \(limit)")
        return edit.remedy(Facts(limit: limit, changed: edit.changed), notes: [Self.hostNote])
    }
}
