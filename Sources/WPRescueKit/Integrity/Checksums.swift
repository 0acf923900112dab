import Crypto
import Foundation

/// What a file should hash to: one or more MD5 and SHA-256 digests (lowercase hex). The
/// plugin service lists several when a file differed between builds of one version.
public struct ExpectedDigest: Equatable, Sendable {
    public var md5: [String]
    public var sha256: [String]

    public init(md5: [String] = [], sha256: [String] = []) {
        self.md5 = md5.map { $0.lowercased() }
        self.sha256 = sha256.map { $0.lowercased() }
    }

    /// SHA-256 when the list gives it, else MD5.
    public var prefersSHA256: Bool { !sha256.isEmpty }

    public func matches(_ digest: FileDigest) -> Bool {
        digest.isSHA256 ? sha256.contains(digest.value) : md5.contains(digest.value)
    }

    public func matches(contents: Data) -> Bool { matches(FileDigest(contents, sha256: prefersSHA256)) }
}

/// The digest of a file's bytes: SHA-256 where the list gives it, else MD5 (hashing with
/// both would double the work of a verify for nothing).
public struct FileDigest: Equatable, Sendable {
    public var isSHA256: Bool
    /// Lowercase hex.
    public var value: String

    public init(_ contents: Data, sha256: Bool) {
        var hasher = Hasher(sha256: sha256)
        hasher.add(contents)
        self = hasher.finish()
    }

    init(isSHA256: Bool, value: String) {
        self.isSHA256 = isSHA256
        self.value = value
    }

    /// Incremental, for files read in ranges.
    public struct Hasher {
        private var md5: Insecure.MD5?
        private var sha256: SHA256?

        public init(sha256 useSHA256: Bool) {
            if useSHA256 { sha256 = SHA256() } else { md5 = Insecure.MD5() }
        }

        public mutating func add(_ data: Data) {
            md5?.update(data: data)
            sha256?.update(data: data)
        }

        public func finish() -> FileDigest {
            if let sha256 { return FileDigest(isSHA256: true, value: Self.hex(sha256.finalize())) }
            return FileDigest(isSHA256: false, value: Self.hex((md5 ?? Insecure.MD5()).finalize()))
        }

        private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
            let digits = Array("0123456789abcdef".utf8)
            var bytes: [UInt8] = []
            for byte in digest { bytes.append(digits[Int(byte >> 4)]); bytes.append(digits[Int(byte & 0xf)]) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// The lists of what each file of a release should hash to, as WordPress.org's services give them.
public enum ChecksumList {
    public enum ParseError: Error, Equatable, LocalizedError {
        case notJSON(source: String)
        case noChecksums(source: String)
        case unsafePath(source: String, path: String)
        case badDigest(source: String, path: String)

        public var errorDescription: String? {
            switch self {
            case .notJSON(let source):
                return "The checksums from \(source) are not the JSON WordPress.org sends; check WPRESCUE_WPORG_API / WPRESCUE_WPORG_DOWNLOADS."
            case .noChecksums(let source):
                return "\(source) has no checksums for this release (a development build, or a version or locale WordPress.org never published)."
            case .unsafePath(let source, let path):
                return "The checksums from \(source) name '\(path)', which is not a plain path inside the site; the list is refused as a whole."
            case .badDigest(let source, let path):
                return "The checksums from \(source) give '\(path)' a value that is not an MD5 or SHA-256 digest; the list is refused as a whole."
            }
        }
    }

    /// The core checksums API: `{"checksums": {path: md5}}`, or keyed by version first
    /// (`{"checksums": {"6.1.1": {path: md5}}}`), or `{"checksums": false}` when it has none.
    public static func parseCore(_ data: Data, version: String, source: String) throws -> [String: ExpectedDigest] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw ParseError.notJSON(source: source) }
        guard var map = root["checksums"] as? [String: Any], !map.isEmpty else { throw ParseError.noChecksums(source: source) }
        if let nested = map[version] as? [String: Any] { map = nested }
        return try digests(map, source: source)
    }

    /// The plugin checksums service: `{"plugin", "version", "files": {path: {"md5", "sha256"}}}`,
    /// each digest a string or a list of strings.
    public static func parsePlugin(_ data: Data, source: String) throws -> [String: ExpectedDigest] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw ParseError.notJSON(source: source) }
        guard let files = root["files"] as? [String: Any], !files.isEmpty else { throw ParseError.noChecksums(source: source) }
        return try digests(files, source: source)
    }

    private static func digests(_ map: [String: Any], source: String) throws -> [String: ExpectedDigest] {
        var result: [String: ExpectedDigest] = [:]
        for (path, value) in map {
            guard isSafeRelativePath(path) else { throw ParseError.unsafePath(source: source, path: path) }
            var expected = ExpectedDigest()
            if let single = value as? String {
                if single.count == 64 { expected.sha256 = [single.lowercased()] } else { expected.md5 = [single.lowercased()] }
            } else if let object = value as? [String: Any] {
                expected = ExpectedDigest(md5: strings(object["md5"]), sha256: strings(object["sha256"]))
            }
            guard !(expected.md5.isEmpty && expected.sha256.isEmpty),
                  expected.md5.allSatisfy({ isHex($0, length: 32) }), expected.sha256.allSatisfy({ isHex($0, length: 64) }) else {
                throw ParseError.badDigest(source: source, path: path)
            }
            result[path] = expected
        }
        return result
    }

    private static func strings(_ value: Any?) -> [String] {
        if let single = value as? String { return [single] }
        return (value as? [Any])?.compactMap { $0 as? String } ?? []
    }

    private static func isHex(_ text: String, length: Int) -> Bool {
        text.count == length && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// A path a list may name: relative, `/`-separated, no `.` or `..` part, no empty part,
    /// no backslash or control character. Anything else could lead a read or write out of the site.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/") else { return false }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7f }) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != "" && $0 != "." && $0 != ".." }
    }
}
