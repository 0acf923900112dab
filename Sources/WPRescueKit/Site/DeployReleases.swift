import Foundation

/// A deploy's releases (Deployer, Capistrano: `<app>/releases/<N>`, `current` pointing to one).
/// wprescue keys its journal by the release a site resolves to, so after a new deploy `undo`
/// works on the new release only; this finds the other releases' journals, so `history` and
/// `undo` can say where earlier changes are.
public enum DeployReleases {
    public struct Release: Equatable, Sendable, Encodable {
        /// The release folder, e.g. `/srv/app/releases/41`.
        public var path: String
        /// Operations there that `undo` would still revert.
        public var pendingUndo: Int
    }

    /// `<app>/releases` when `site`'s ABSPATH is a release folder in it.
    public static func releasesFolder(of site: Site) -> String? {
        let parent = SitePath.parent(site.layout.root)
        return SitePath.name(parent) == "releases" ? parent : nil
    }

    /// The other releases of the deploy with changes wprescue can still undo, by folder name.
    /// Journals are looked up, never created.
    public static func otherReleasesWithChanges(of site: Site, environment: [String: String] = ProcessInfo.processInfo.environment) -> [Release] {
        guard let folder = releasesFolder(of: site), site.identity.hasSuffix(site.layout.root),
              let entries = try? site.fileSystem.list(folder) else { return [] }
        let prefix = String(site.identity.dropLast(site.layout.root.utf8.count))
        let base = SiteStateDirectory.baseDirectory(environment: environment)
        var releases: [Release] = []
        for entry in entries.sorted(by: { $0.name.localizedStandardCompare($1.name) == .orderedAscending })
        where entry.status.kind == .directory {
            let path = SitePath.join(folder, entry.name)
            guard path != site.layout.root else { continue }
            let identity = prefix + path
            let journalFile = SitePath.join(base, "sites", SiteStateDirectory.folderName(for: identity), "journal.jsonl")
            guard FileManager.default.fileExists(atPath: journalFile),
                  let state = try? SiteStateDirectory(siteIdentity: identity, environment: environment) else { continue }
            let journal = Journal(state: state, fileSystem: site.fileSystem, siteRoot: path)
            let pending = (try? journal.pendingUndo(all: true).count) ?? 0
            if pending > 0 { releases.append(Release(path: path, pendingUndo: pending)) }
        }
        return releases
    }

    /// One sentence for `history` and `undo`: this release's journal is its own, and where the others' changes are.
    public static func note(for site: Site, others: [Release]) -> String? {
        guard releasesFolder(of: site) != nil else { return nil }
        var text = "This is release \(SitePath.name(site.layout.root)) of the deploy; wprescue keeps a journal per release."
        if !others.isEmpty {
            let listed = others.map { "\(SitePath.name($0.path)) (\($0.pendingUndo) change\($0.pendingUndo == 1 ? "" : "s"))" }
            text += " Earlier changes wprescue can still undo are in release\(others.count == 1 ? "" : "s") \(listed.joined(separator: ", ")):"
                + " wprescue --site \(others[others.count - 1].path) undo"
        }
        return text
    }
}
