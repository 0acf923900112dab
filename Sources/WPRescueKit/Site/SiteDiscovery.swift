import Foundation

/// Finds a WordPress installation's parts from the path a user gives, the way WordPress
/// itself finds them.
public struct SiteDiscovery {
    public let fileSystem: SiteFileSystem

    public init(fileSystem: SiteFileSystem) { self.fileSystem = fileSystem }

    public func discover(at path: String) throws -> SiteLayout {
        let given = SitePath.normalize(path)
        guard try fileSystem.isDirectory(given) else {
            throw SiteError.notWordPress(path: given, location: fileSystem.locationDescription, suggestion: nil)
        }
        let root = (try? fileSystem.canonicalPath(given)) ?? given
        guard try fileSystem.isFile(SitePath.join(root, "wp-settings.php")) else {
            throw SiteError.notWordPress(path: given, location: fileSystem.locationDescription, suggestion: try nestedInstallation(in: root))
        }
        let configFile = try findConfig(root: root)
        var layout = SiteLayout.standard(root: root, configFile: configFile)
        let constants = try pathConstants(configFile: configFile, root: root)
        if let content = constants.contentDirectory {
            layout.contentDirectory = content
            layout.pluginDirectory = SitePath.join(content, "plugins")
            layout.mustUsePluginDirectory = SitePath.join(content, "mu-plugins")
            layout.themeDirectory = SitePath.join(content, "themes")
        }
        if let plugins = constants.pluginDirectory { layout.pluginDirectory = plugins }
        if let mustUse = constants.mustUsePluginDirectory { layout.mustUsePluginDirectory = mustUse }
        return layout
    }

    /// wp-load.php's rule: ABSPATH/wp-config.php, else the one in the parent folder
    /// unless that parent is itself another WordPress installation.
    private func findConfig(root: String) throws -> String {
        let inside = SitePath.join(root, "wp-config.php")
        if try fileSystem.isFile(inside) { return inside }
        let parent = SitePath.parent(root)
        let above = SitePath.join(parent, "wp-config.php")
        if parent != root, try fileSystem.isFile(above), try !fileSystem.isFile(SitePath.join(parent, "wp-settings.php")) {
            return above
        }
        throw SiteError.noConfig(root: root, location: fileSystem.locationDescription)
    }

    /// Hosting layouts often put WordPress one folder down (public_html, htdocs, www...).
    private func nestedInstallation(in path: String) throws -> String? {
        guard let entries = try? fileSystem.list(path) else { return nil }
        for entry in entries.sorted(by: { $0.name < $1.name }) where entry.status.kind == .directory {
            let candidate = SitePath.join(path, entry.name)
            if try fileSystem.isFile(SitePath.join(candidate, "wp-settings.php")) { return candidate }
        }
        return nil
    }

    struct PathConstants {
        var contentDirectory: String?
        var pluginDirectory: String?
        var mustUsePluginDirectory: String?
    }

    /// Honours WP_CONTENT_DIR, WP_PLUGIN_DIR and WPMU_PLUGIN_DIR when wp-config.php defines
    /// them with values that can be worked out without running PHP.
    private func pathConstants(configFile: String, root: String) throws -> PathConstants {
        let contents: Data
        do {
            contents = try fileSystem.readWhole(configFile, limit: 4 << 20)
        } catch {
            throw SiteError.unreadableConfig(path: configFile, detail: error.localizedDescription)
        }
        // ABSPATH ends with a slash in WordPress (`ABSPATH . 'wp-content'`).
        let values = ConfigPathReader.literalPaths(in: contents, configDirectory: SitePath.parent(configFile), abspath: root + "/")
        func resolved(_ name: String) -> String? {
            values[name].map { SitePath.normalize($0.hasPrefix("/") ? $0 : SitePath.join(root, $0)) }
        }
        return PathConstants(contentDirectory: resolved("WP_CONTENT_DIR"), pluginDirectory: resolved("WP_PLUGIN_DIR"),
                             mustUsePluginDirectory: resolved("WPMU_PLUGIN_DIR"))
    }
}
