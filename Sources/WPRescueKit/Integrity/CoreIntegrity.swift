import Foundation

/// WordPress core as released, against what the site has: the files of wp-admin, wp-includes
/// and the root (WordPress.org's checksums; wp-content is the owner's and is left out, as
/// WP-CLI's `core verify-checksums` does). Unexpected files are looked for in wp-admin,
/// wp-includes and the root's `wp-*.php` (wp-config.php excepted).
public enum CoreIntegrity {
    public struct Report: Equatable, Sendable, Codable {
        public var release: CoreRelease
        public var checksumsURL: String
        public var result: TreeVerification.Report
    }

    /// Root files a hardening guide removes on purpose: their absence is no damage.
    public static let optionalFiles: Set<String> = ["readme.html", "license.txt", "wp-config-sample.php"]

    public static func verification(of site: Site, checksums: [String: ExpectedDigest]) -> TreeVerification {
        var verification = TreeVerification(fileSystem: site.fileSystem, root: site.layout.root, expected: checksums,
                                            recursiveFolders: ["wp-admin", "wp-includes"], topLevelFiles: true)
        verification.ignores = { $0.hasPrefix("wp-content/") }
        verification.optional = { optionalFiles.contains($0) }
        verification.isUnexpected = isCoreLocation
        return verification
    }

    /// Where a file that is not part of the release does not belong.
    public static func isCoreLocation(_ path: String) -> Bool {
        if path.hasPrefix("wp-admin/") || path.hasPrefix("wp-includes/") { return true }
        return !path.contains("/") && path.hasPrefix("wp-") && path.hasSuffix(".php") && path != "wp-config.php"
    }

    /// Reads the release, fetches its checksums and compares every core file.
    public static func verify(_ site: Site, wordPressOrg: WordPressOrg, release: CoreRelease? = nil, width: Int = 4) throws -> Report {
        let release = try release ?? CoreRelease.read(from: site)
        let checksums = try wordPressOrg.coreChecksums(release)
        var verification = verification(of: site, checksums: checksums)
        verification.width = width
        return Report(release: release, checksumsURL: wordPressOrg.coreChecksumsURL(release), result: try verification.run())
    }
}
