import Foundation

/// Which WordPress a site runs: `$wp_version` and `$wp_local_package` from
/// `wp-includes/version.php`, lexed as PHP and never executed (the file is the site's, so it
/// is hostile input like any other).
public struct CoreRelease: Equatable, Sendable, Codable {
    public var version: String
    /// `en_US` unless the release was a localized package (`$wp_local_package = 'de_DE';`).
    public var locale: String

    public init(version: String, locale: String = "en_US") {
        self.version = version
        self.locale = locale
    }

    public static let versionFile = "wp-includes/version.php"

    public enum ReadError: Error, Equatable, LocalizedError {
        case missing(path: String)
        case noVersion(path: String)

        public var errorDescription: String? {
            switch self {
            case .missing(let path):
                return "\(path) is missing, so wprescue cannot tell which WordPress this is; name it with --version (and --locale)."
            case .noVersion(let path):
                return "\(path) does not assign $wp_version a plain version, so wprescue cannot tell which WordPress this is; name it with --version (and --locale)."
            }
        }
    }

    /// Reads the release of `site`. A version that is not a plain version string is refused:
    /// it ends up in URLs and cache file names.
    public static func read(from site: Site) throws -> CoreRelease {
        let path = SitePath.join(site.layout.root, versionFile)
        guard try site.fileSystem.isFile(path) else { throw ReadError.missing(path: path) }
        let data = try site.fileSystem.readWhole(path, limit: 1 << 20)
        guard let release = parse(data) else { throw ReadError.noVersion(path: path) }
        return release
    }

    /// The release a version.php declares, or nil when it assigns no plain `$wp_version`.
    public static func parse(_ data: Data) -> CoreRelease? {
        let assignments = topLevelStringAssignments(in: [UInt8](data))
        guard let version = assignments["wp_version"], isPlainName(version) else { return nil }
        let locale = assignments["wp_local_package"].flatMap { isPlainName($0) && !$0.isEmpty ? $0 : nil } ?? "en_US"
        return CoreRelease(version: version, locale: locale)
    }

    /// Versions, locales and slugs end up in URLs and file names: letters, digits, `.`, `_` and `-` only.
    public static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.first != "." && text.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "_" || $0 == "-")
        }
    }

    /// `$name = 'literal';` statements outside any bracket; the last one wins, as when PHP runs the file.
    static func topLevelStringAssignments(in bytes: [UInt8]) -> [String: String] {
        guard let index = try? PHPSourceIndex(bytes: bytes) else { return [:] }
        var found: [String: String] = [:]
        let code = index.codeTokens.map { index.tokens[$0] }
        var position = 0
        while position + 3 < code.count {
            defer { position += 1 }
            guard index.depthBefore[position] == 0, code[position].kind == .variable,
                  code[position + 1].kind == .punctuation, bytes[code[position + 1].range] == [UInt8(ascii: "=")][...],
                  code[position + 3].kind == .punctuation, bytes[code[position + 3].range] == [UInt8(ascii: ";")][...],
                  let value = PHPLiteralDecoder.stringLiteral(code[position + 2], in: bytes),
                  let text = String(validating: value, as: UTF8.self) else { continue }
            let name = String(decoding: bytes[code[position].range].dropFirst(), as: UTF8.self)
            found[name] = text
        }
        return found
    }
}
