import Foundation

/// A WordPress site wprescue works on: where its files are, how to reach them, and the
/// journal of what wprescue changed there.
public final class Site {
    public let fileSystem: SiteFileSystem
    public let layout: SiteLayout
    /// `local:/var/www/html` or `sftp://user@host:22/var/www/html`: keys the journal.
    public let identity: String
    public let journal: Journal

    public init(fileSystem: SiteFileSystem, layout: SiteLayout, identity: String, journal: Journal) {
        self.fileSystem = fileSystem
        self.layout = layout
        self.identity = identity
        self.journal = journal
    }

    /// Finds the site at `path` on `fileSystem` and opens its journal.
    /// `identityPrefix` names the machine: `local:` or `sftp://user@host:22`.
    public static func open(path: String, fileSystem: SiteFileSystem, identityPrefix: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Site {
        let layout = try SiteDiscovery(fileSystem: fileSystem).discover(at: path)
        let identity = identityPrefix + layout.root
        let state = try SiteStateDirectory(siteIdentity: identity, environment: environment)
        let journal = Journal(state: state, fileSystem: fileSystem, siteRoot: layout.root,
                              siteLockFolder: SitePath.join(layout.contentDirectory, OnSiteLock.folderName))
        return Site(fileSystem: fileSystem, layout: layout, identity: identity, journal: journal)
    }

    public var catalog: ExtensionCatalog { ExtensionCatalog(fileSystem: fileSystem, layout: layout) }

    /// Drop-in files present in wp-content.
    public func dropIns() throws -> [String] {
        try SiteLayout.dropInNames.filter { try fileSystem.isFile(SitePath.join(layout.contentDirectory, $0)) }
    }
}
