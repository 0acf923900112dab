/// Where disabled plugins and themes wait. It sits next to the folder they came from
/// (so disabling is one atomic rename on the same file system), and its name says who put
/// them there. WordPress never scans it: it is neither WP_PLUGIN_DIR nor a theme root.
public struct Quarantine: Sendable {
    public static let folderName = "wprescue-quarantine"

    public let layout: SiteLayout

    public init(layout: SiteLayout) { self.layout = layout }

    /// The folder holding disabled extensions of one kind.
    public func folder(for kind: Extension.Kind) -> String {
        switch kind {
        case .plugin: return SitePath.join(root(beside: layout.pluginDirectory), "plugins")
        case .mustUse: return SitePath.join(root(beside: layout.mustUsePluginDirectory), "mu-plugins")
        case .dropIn: return SitePath.join(SitePath.join(layout.contentDirectory, Self.folderName), "dropins")
        case .theme: return SitePath.join(root(beside: layout.themeDirectory), "themes")
        }
    }

    /// The quarantine root next to a given extension folder.
    public func root(beside directory: String) -> String {
        SitePath.join(SitePath.parent(directory), Self.folderName)
    }

    /// Every folder a disable may have to create, parents first.
    public func foldersToCreate(for kind: Extension.Kind) -> [String] {
        let folder = folder(for: kind)
        return [SitePath.parent(folder), folder]
    }
}
