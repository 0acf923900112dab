import Foundation

/// Plugins against WordPress.org's per-version checksums (the downloads service's
/// `plugin-checksums/SLUG/VERSION.json`). A plugin WordPress.org does not know (a premium or
/// custom one, or a version it never published) is said to be unknown, never guessed at.
public enum PluginIntegrity {
    public struct Result: Equatable, Sendable, Codable {
        public enum Status: String, Sendable, Codable {
            /// Every file matches.
            case verified
            /// Files differ, are missing or were added.
            case modified
            /// WordPress.org has no checksums for this slug and version.
            case notOnWordPressOrg = "not-on-wordpress-org"
            /// No Version header, or a single-file plugin (WordPress.org's lists describe folders).
            case notVerifiable = "not-verifiable"
        }

        public var slug: String
        public var version: String?
        public var status: Status
        public var detail: String?
        public var verification: TreeVerification.Report?
    }

    /// A readme's changes (a translated or trimmed readme.txt) say nothing about the code.
    public static func isReadme(_ path: String) -> Bool {
        let name = SitePath.name(path).lowercased()
        return !path.contains("/") && (name == "readme.txt" || name == "readme.md")
    }

    public static func verify(_ plugin: Extension, fileSystem: SiteFileSystem, wordPressOrg: WordPressOrg, strict: Bool,
                              width: Int = 4) throws -> Result {
        guard let version = plugin.version, CoreRelease.isPlainName(version) else {
            return Result(slug: plugin.slug, version: plugin.version, status: .notVerifiable, detail: "its header has no plain Version")
        }
        guard try fileSystem.isDirectory(plugin.path) else {
            return Result(slug: plugin.slug, version: version, status: .notVerifiable, detail: "a single-file plugin (WordPress.org's checksums describe plugin folders)")
        }
        guard let checksums = try wordPressOrg.pluginChecksums(slug: plugin.slug, version: version) else {
            return Result(slug: plugin.slug, version: version, status: .notOnWordPressOrg,
                          detail: "WordPress.org has no checksums for \(plugin.slug) \(version) (\(wordPressOrg.pluginChecksumsURL(slug: plugin.slug, version: version)) answered 404): it is not a wordpress.org plugin, or not this version of one")
        }
        var verification = TreeVerification(fileSystem: fileSystem, root: plugin.path, expected: checksums, recursiveFolders: [""], topLevelFiles: false)
        verification.width = width
        if !strict {
            verification.ignores = isReadme
            verification.isUnexpected = { !isReadme($0) }
        }
        let report = try verification.run()
        return Result(slug: plugin.slug, version: version, status: report.isClean ? .verified : .modified, detail: nil, verification: report)
    }
}
