import Foundation

/// Finds a WordPress installation's parts from the path a user gives, the way WordPress
/// itself finds them.
public struct SiteDiscovery {
    public let fileSystem: SiteFileSystem

    public init(fileSystem: SiteFileSystem) { self.fileSystem = fileSystem }

    public func discover(at path: String) throws -> SiteLayout {
        let given = SitePath.normalize(path)
        // A deploy's `current` link is followed: the site is the release it points to.
        guard var root = try? fileSystem.canonicalPath(given), try fileSystem.isDirectory(root) else {
            throw SiteError.notWordPress(path: given, location: fileSystem.locationDescription, suggestion: nil)
        }
        // Bedrock: --site is the project (web/wp is WordPress) or its web/ folder (wp/ is).
        if try !fileSystem.isFile(SitePath.join(root, "wp-settings.php")) {
            for (core, project) in [("web/wp", root), ("wp", SitePath.parent(root))]
            where try fileSystem.isFile(SitePath.join(root, core + "/wp-settings.php"))
                && fileSystem.isFile(SitePath.join(project, "config/application.php")) {
                root = SitePath.join(root, core)
                break
            }
        }
        guard try fileSystem.isFile(SitePath.join(root, "wp-settings.php")) else {
            throw SiteError.notWordPress(path: given, location: fileSystem.locationDescription, suggestion: try nestedInstallation(in: root))
        }
        let config = try findConfig(root: root)
        var layout = SiteLayout.standard(root: root, configFile: config.path)
        layout.configTarget = config.target
        let constants = try pathConstants(configFile: config.path, readFrom: config.target ?? config.path, root: root)
        if let content = constants.contentDirectory {
            layout.contentDirectory = content
            layout.pluginDirectory = SitePath.join(content, "plugins")
            layout.mustUsePluginDirectory = SitePath.join(content, "mu-plugins")
            layout.themeDirectory = SitePath.join(content, "themes")
        }
        if let plugins = constants.pluginDirectory { layout.pluginDirectory = plugins }
        if let mustUse = constants.mustUsePluginDirectory { layout.mustUsePluginDirectory = mustUse }
        layout.customUploadsDirectory = constants.uploadsDirectory
        if let bedrock = try bedrockProject(configFile: config.target ?? config.path) {
            layout.bedrock = bedrock
            let content = SitePath.join(bedrock.webRoot, try bedrockContentFolder(bedrock))
            layout.contentDirectory = content
            layout.pluginDirectory = SitePath.join(content, "plugins")
            layout.mustUsePluginDirectory = SitePath.join(content, "mu-plugins")
            layout.themeDirectory = SitePath.join(content, "themes")
        }
        layout.contentDirectory = try followingOwnLink(layout.contentDirectory, root: root)
        layout.pluginDirectory = try followingOwnLink(layout.pluginDirectory, root: root)
        layout.mustUsePluginDirectory = try followingOwnLink(layout.mustUsePluginDirectory, root: root)
        layout.themeDirectory = try followingOwnLink(layout.themeDirectory, root: root)
        return layout
    }

    /// wp-load.php's rule: ABSPATH/wp-config.php, else the one in the parent folder
    /// unless that parent is itself another WordPress installation (wp-settings.php there).
    /// PHP's file_exists() follows links, so a linked wp-config.php counts when it leads to a file.
    private func findConfig(root: String) throws -> (path: String, target: String?) {
        if let inside = try configCandidate(SitePath.join(root, "wp-config.php")) { return inside }
        let parent = SitePath.parent(root)
        if parent != root, let above = try configCandidate(SitePath.join(parent, "wp-config.php")),
           try !fileSystem.exists(SitePath.join(parent, "wp-settings.php")) {
            return above
        }
        throw SiteError.noConfig(root: root, location: fileSystem.locationDescription)
    }

    private func configCandidate(_ path: String) throws -> (path: String, target: String?)? {
        switch try fileSystem.status(path)?.kind {
        case .file?:
            return (path, nil)
        case .symbolicLink?:
            guard let target = try? fileSystem.canonicalPath(path), try fileSystem.isFile(target) else { return nil }
            return (path, target)
        case .directory?, .other?, nil:
            return nil
        }
    }

    /// Bedrock's web/wp-config.php requires ../config/application.php, which sets everything.
    private func bedrockProject(configFile: String) throws -> BedrockLayout? {
        let web = SitePath.parent(configFile)
        let project = SitePath.parent(web)
        guard project != web, try fileSystem.isFile(SitePath.join(project, "config/application.php")),
              let contents = try? fileSystem.readWhole(configFile, limit: 4 << 20),
              String(decoding: contents, as: UTF8.self).contains("config/application.php") else { return nil }
        return BedrockLayout(projectRoot: project, webRoot: web)
    }

    /// Bedrock's WP_CONTENT_DIR is web/ + CONTENT_DIR (`/app` unless application.php says otherwise).
    private func bedrockContentFolder(_ bedrock: BedrockLayout) throws -> String {
        guard let data = try? fileSystem.readWhole(bedrock.applicationFile, limit: 4 << 20),
              let application = try? WPConfigFile(data: data, dialect: .bedrock),
              let folder = application.value(of: "CONTENT_DIR")?.stringValue, !folder.isEmpty, !folder.contains("..") else { return "app" }
        return String(folder.drop { $0 == "/" })
    }

    /// A content, plugins or themes folder that is (or lies behind) a link, such as a deploy sharing wp-content/plugins,
    /// is worked on where it points, so that listing sees its entries and a disable stays one
    /// rename inside it; only when that place belongs to the site (`SiteLinks`), else the link is
    /// left as WordPress's path and the file-system layer refuses to go through it.
    private func followingOwnLink(_ directory: String, root: String) throws -> String {
        guard let target = try? fileSystem.canonicalPath(directory), target != directory,
              try fileSystem.isDirectory(target), SiteLinks.allows(target: target, siteRoot: root) else { return directory }
        return target
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
        var uploadsDirectory: String?
    }

    /// Honours WP_CONTENT_DIR, WP_PLUGIN_DIR, WPMU_PLUGIN_DIR and UPLOADS when wp-config.php
    /// defines them with values that can be worked out without running PHP. `source` is the
    /// file read: the link's target when wp-config.php is a link, whose folder is `__DIR__`
    /// (PHP's __FILE__ has symbolic links resolved).
    private func pathConstants(configFile: String, readFrom source: String, root: String) throws -> PathConstants {
        let contents: Data
        do {
            contents = try fileSystem.readWhole(source, limit: 4 << 20)
        } catch {
            throw SiteError.unreadableConfig(path: configFile, detail: error.localizedDescription)
        }
        // ABSPATH ends with a slash in WordPress (`ABSPATH . 'wp-content'`).
        let values = ConfigPathReader.literalPaths(in: contents, configDirectory: SitePath.parent(source), abspath: root + "/")
        func resolved(_ name: String) -> String? {
            values[name].map { SitePath.normalize($0.hasPrefix("/") ? $0 : SitePath.join(root, $0)) }
        }
        // UPLOADS is relative to ABSPATH (wp_upload_dir() prepends it).
        let uploads = values["UPLOADS"].map { SitePath.normalize(root + "/" + $0) }
        return PathConstants(contentDirectory: resolved("WP_CONTENT_DIR"), pluginDirectory: resolved("WP_PLUGIN_DIR"),
                             mustUsePluginDirectory: resolved("WPMU_PLUGIN_DIR"), uploadsDirectory: uploads)
    }
}
