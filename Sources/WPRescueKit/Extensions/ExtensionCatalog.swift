import Foundation

/// Lists a site's plugins, must-use plugins, drop-ins and themes, enabled or quarantined,
/// reading only what WordPress itself reads to find them.
public struct ExtensionCatalog {
    public let fileSystem: SiteFileSystem
    public let layout: SiteLayout
    public let quarantine: Quarantine

    public init(fileSystem: SiteFileSystem, layout: SiteLayout) {
        self.fileSystem = fileSystem
        self.layout = layout
        self.quarantine = Quarantine(layout: layout)
    }

    public func all(kinds: Set<Extension.Kind> = Set(Extension.Kind.allCases)) throws -> [Extension] {
        var result: [Extension] = []
        for kind in Extension.Kind.allCases where kinds.contains(kind) {
            result += try extensions(of: kind)
        }
        return result
    }

    public func extensions(of kind: Extension.Kind) throws -> [Extension] {
        let enabled = try scan(kind: kind, directory: home(of: kind), state: .enabled)
        let disabled = try scan(kind: kind, directory: quarantine.folder(for: kind), state: .disabled)
        return (enabled + disabled).sorted { ($0.slug, $0.state.rawValue) < ($1.slug, $1.state.rawValue) }
    }

    /// The folder WordPress loads a kind from.
    public func home(of kind: Extension.Kind) -> String {
        switch kind {
        case .plugin: return layout.pluginDirectory
        case .mustUse: return layout.mustUsePluginDirectory
        case .dropIn: return layout.contentDirectory
        case .theme: return layout.themeDirectory
        }
    }

    private func scan(kind: Extension.Kind, directory: String, state: Extension.State) throws -> [Extension] {
        guard try fileSystem.isDirectory(directory) else { return [] }
        let other = state == .enabled ? quarantine.folder(for: kind) : home(of: kind)
        var found: [Extension] = []
        for entry in try fileSystem.list(directory) where !entry.name.hasPrefix(".") {
            let path = SitePath.join(directory, entry.name)
            let counterpart = SitePath.join(other, entry.name)
            switch kind {
            case .plugin:
                if let plugin = try plugin(entry: entry, path: path, counterpart: counterpart, state: state) { found.append(plugin) }
            case .mustUse:
                // Bedrock's autoloader (bedrock-autoloader.php) loads plugins in mu-plugins' subfolders too.
                if layout.bedrock != nil, entry.status.kind != .file,
                   let autoloaded = try plugin(entry: entry, path: path, counterpart: counterpart, state: state) {
                    found.append(Extension(slug: autoloaded.slug, kind: .mustUse, state: state, name: autoloaded.name,
                                           version: autoloaded.version, path: path, counterpartPath: counterpart,
                                           modified: autoloaded.modified))
                    continue
                }
                guard entry.status.kind == .file, entry.name.hasSuffix(".php") else { continue }
                let headers = try headers(of: path, names: ["Plugin Name", "Version"])
                found.append(Extension(slug: String(entry.name.dropLast(4)), kind: .mustUse, state: state,
                                       name: headers["Plugin Name"], version: headers["Version"],
                                       path: path, counterpartPath: counterpart, modified: entry.status.modified))
            case .dropIn:
                guard entry.status.kind == .file, SiteLayout.dropInNames.contains(entry.name) else { continue }
                let headers = try headers(of: path, names: ["Plugin Name", "Version"])
                found.append(Extension(slug: entry.name, kind: .dropIn, state: state, name: headers["Plugin Name"],
                                       version: headers["Version"], path: path, counterpartPath: counterpart,
                                       modified: entry.status.modified))
            case .theme:
                guard entry.status.kind == .directory || entry.status.kind == .symbolicLink else { continue }
                let stylesheet = SitePath.join(path, "style.css")
                guard try fileSystem.isFile(stylesheet) else { continue }
                let headers = try headers(of: stylesheet, names: ["Theme Name", "Version", "Template"])
                found.append(Extension(slug: entry.name, kind: .theme, state: state, name: headers["Theme Name"],
                                       version: headers["Version"], parentTheme: headers["Template"],
                                       path: path, counterpartPath: counterpart, modified: entry.status.modified))
            }
        }
        return found
    }

    /// A folder is a plugin when one of its top-level PHP files carries a Plugin Name header;
    /// a PHP file directly in the plugins folder is a single-file plugin (hello.php).
    private func plugin(entry: DirectoryEntry, path: String, counterpart: String, state: Extension.State) throws -> Extension? {
        let names = ["Plugin Name", "Version"]
        switch entry.status.kind {
        case .file:
            guard entry.name.hasSuffix(".php") else { return nil }
            let headers = try headers(of: path, names: names)
            guard let name = headers["Plugin Name"] else { return nil }
            return Extension(slug: String(entry.name.dropLast(4)), kind: .plugin, state: state, name: name,
                             version: headers["Version"], path: path, counterpartPath: counterpart,
                             modified: entry.status.modified, pluginFile: entry.name)
        case .directory, .symbolicLink:
            let files = (try? fileSystem.list(path)) ?? []
            var newest = entry.status.modified
            var main: [String: String]?
            var mainFile: String?
            for file in files.sorted(by: { $0.name < $1.name }) where file.status.kind == .file {
                newest = max(newest, file.status.modified)
                guard main == nil, file.name.hasSuffix(".php"), !file.name.hasPrefix(".") else { continue }
                let headers = try headers(of: SitePath.join(path, file.name), names: names)
                if headers["Plugin Name"] != nil { main = headers; mainFile = file.name }
            }
            guard let headers = main else { return nil }
            return Extension(slug: entry.name, kind: .plugin, state: state, name: headers["Plugin Name"],
                             version: headers["Version"], path: path, counterpartPath: counterpart, modified: newest,
                             pluginFile: mainFile.map { "\(entry.name)/\($0)" })
        case .other:
            return nil
        }
    }

    private func headers(of path: String, names: [String]) throws -> [String: String] {
        do {
            return FileHeader.values(in: try fileSystem.read(path, limit: FileHeader.bytesRead), names: names)
        } catch FileAccessError.permissionDenied {
            return [:]
        }
    }
}
