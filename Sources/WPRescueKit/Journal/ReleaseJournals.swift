import Foundation

/// On a deploy layout (Deployer, Capistrano: `<app>/current` → `<app>/releases/<N>`), each
/// release is its own site for the journal: wprescue opens the release `current` leads to, so
/// its root, and with it the state folder, change with every deploy. After a new deploy, `undo`
/// therefore sees only what wprescue did to the live release. This finds the journals the
/// other releases of the same deploy keep, so `history` and `undo` can say where they are.
public struct ReleaseJournal: Sendable, Equatable, Encodable {
    /// The other release's ABSPATH (`<app>/releases/<M>`, plus any path below it).
    public let root: String
    /// The release's folder name (`<M>`).
    public let release: String
    /// `--site` for that release, as the live site was reached (`/srv/app/releases/1` or
    /// `sftp://user@host:22/srv/app/releases/1`).
    public let siteAddress: String
    public let operations: Int
    /// Operations still applied there: what `undo --all` on that release would revert.
    public let stillApplied: Int
}

/// Where a site sits in a deploy: `<releases>/<name>`, its ABSPATH possibly further below.
public struct DeployRelease: Sendable, Equatable {
    /// `<app>/releases`.
    public let releasesFolder: String
    /// The release folder's name (`<N>`).
    public let name: String
    /// The path from the release folder down to ABSPATH (empty when they are the same).
    let below: [String]
}

extension Site {
    /// Set when the site's root is (inside) `<app>/releases/<N>`.
    public var deployRelease: DeployRelease? {
        let parts = SitePath.normalize(layout.root).split(separator: "/").map(String.init)
        guard let index = parts.lastIndex(of: "releases"), index + 1 < parts.count else { return nil }
        return DeployRelease(releasesFolder: "/" + parts[...index].joined(separator: "/"), name: parts[index + 1],
                             below: Array(parts[(index + 2)...]))
    }

    /// Journals of this deploy's other releases that hold at least one operation, newest
    /// release first (by the folder's modification time). Empty when this is no release of a
    /// deploy. A release whose journal cannot be read is left out: this only informs.
    public func otherReleaseJournals(environment: [String: String] = ProcessInfo.processInfo.environment) -> [ReleaseJournal] {
        guard let deploy = deployRelease, let entries = try? fileSystem.list(deploy.releasesFolder) else { return [] }
        let prefix = String(identity.dropLast(layout.root.count))
        var found: [(ReleaseJournal, Date)] = []
        for entry in entries where entry.name != deploy.name && entry.status.kind == .directory {
            let root = SitePath.normalize(([deploy.releasesFolder, entry.name] + deploy.below).joined(separator: "/"))
            let otherIdentity = prefix + root
            let statePath = SiteStateDirectory.path(for: otherIdentity, environment: environment)
            guard FileManager.default.fileExists(atPath: SiteStateDirectory.journalFile(in: statePath)),
                  let state = try? SiteStateDirectory(siteIdentity: otherIdentity, environment: environment),
                  case let journal = Journal(state: state, fileSystem: fileSystem, siteRoot: root),
                  let operations = try? journal.history(), !operations.isEmpty,
                  let applied = try? journal.pendingUndo(all: true) else { continue }
            let address = otherIdentity.hasPrefix("local:") ? String(otherIdentity.dropFirst("local:".count)) : otherIdentity
            found.append((ReleaseJournal(root: root, release: entry.name, siteAddress: address, operations: operations.count,
                                         stillApplied: applied.count), entry.status.modified))
        }
        return found.sorted { $0.1 > $1.1 }.map(\.0)
    }
}
