import Foundation

/// Moves suspect files out of the way without deleting them: into
/// `wp-content/wprescue-quarantine/files/`, their path flattened into the name and
/// `.quarantined` appended, so the web server no longer hands them to PHP. Undo moves each back.
public struct QuarantineFiles {
    public static let suffix = ".quarantined"

    /// Beside the disabled plugins, out of WordPress's sight.
    public static func folder(in layout: SiteLayout) -> String {
        SitePath.join(Quarantine(layout: layout).root(beside: layout.pluginDirectory), "files")
    }

    public let site: Site
    private var taken = Set<String>()
    private var folderPlanned = false

    public init(site: Site) { self.site = site }

    /// The steps that move `path` (absolute, inside the site) into the quarantine, the folders first when missing.
    public mutating func changes(moving path: String) throws -> [Change] {
        var changes: [Change] = []
        let folder = Self.folder(in: site.layout)
        if !folderPlanned {
            folderPlanned = true
            for needed in [SitePath.parent(folder), folder] where try !site.fileSystem.exists(needed) {
                changes.append(.createDirectory(path: needed))
            }
        }
        let flat = SitePath.relative(path, to: site.layout.root).replacingOccurrences(of: "/", with: "__")
        var destination = SitePath.join(folder, flat + Self.suffix)
        var number = 1
        while try taken.contains(destination) || site.fileSystem.exists(destination) {
            number += 1
            destination = SitePath.join(folder, "\(flat).\(number)\(Self.suffix)")
        }
        taken.insert(destination)
        changes.append(.move(from: path, to: destination))
        return changes
    }

    /// One plan that quarantines every file in `paths` (absolute).
    public static func plan(site: Site, paths: [String], command: String, summary: String) throws -> ChangePlan {
        var quarantine = QuarantineFiles(site: site)
        var changes: [Change] = []
        for path in paths { changes += try quarantine.changes(moving: path) }
        return ChangePlan(command: command, summary: summary, changes: changes)
    }
}
