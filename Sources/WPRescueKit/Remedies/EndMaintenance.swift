import Foundation

/// Ends maintenance mode: removes the `.maintenance` file an interrupted update left in the
/// site's root (WordPress shows "Briefly unavailable for scheduled maintenance" while it exists).
public struct EndMaintenance {
    public struct Facts: Sendable {
        /// Where WordPress looks for the file.
        public var path: String
        /// When it was written; nil when there is none.
        public var modified: Date?
        public var present: Bool { modified != nil }
    }

    public static let fileName = ".maintenance"
    public static let summary = "Remove .maintenance"
    /// The change as a rescue proposes it.
    public static let description = "Remove .maintenance (left by an interrupted update)"
    /// The finding a rescue reports when the file was why visitors got a 503.
    public static let stuckSummary = "A .maintenance file left by an interrupted update keeps the site in maintenance mode"
    public static let nextStep = "An update was interrupted: finish it in wp-admin → Dashboard → Updates."

    /// The one place the file's path is built.
    public static func path(in layout: SiteLayout) -> String { SitePath.join(layout.root, fileName) }

    public let site: Site

    public init(site: Site) { self.site = site }

    /// What is there now, without planning anything.
    public func facts() throws -> Facts {
        let path = Self.path(in: site.layout)
        return Facts(path: path, modified: try site.fileSystem.status(path)?.modified)
    }

    public func plan(command: String) throws -> RemedyPlan<Facts> {
        let path = Self.path(in: site.layout)
        guard let status = try site.fileSystem.status(path) else {
            return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary),
                              facts: Facts(path: path, modified: nil),
                              notes: ["There is no .maintenance file: maintenance mode is already off."])
        }
        guard status.kind == .file else { throw RemedyError.notAFile(path: path) }
        return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary, changes: [.removeFile(path: path)]),
                          facts: Facts(path: path, modified: status.modified),
                          notes: ["Removed .maintenance. \(Self.nextStep)"])
    }
}
