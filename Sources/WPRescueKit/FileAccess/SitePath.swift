/// Helpers for the absolute POSIX paths `SiteFileSystem` speaks, independent of the
/// machine wprescue runs on (a remote Linux server's paths from a Mac, say).
public enum SitePath {
    public static func join(_ base: String, _ components: String...) -> String {
        components.reduce(base) { result, component in
            if component.isEmpty { return result }
            if component.hasPrefix("/") { return component }
            return result.hasSuffix("/") ? result + component : result + "/" + component
        }
    }

    public static func parent(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    public static func name(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// Folds `.`, `..` and repeated slashes without touching the file system.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty && parts.last != ".." { parts.removeLast() } else if !absolute { parts.append(part) }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// The scratch file an atomic write of `path` goes through: in the same folder (so the
    /// rename is atomic), with 128 random bits in its name so nothing can guess it and fetch
    /// it over HTTP, and a fixed prefix (`scratchPrefix(of:)`) so undo after a crash finds it.
    public static func temporarySibling(of path: String) -> String {
        join(parent(path), scratchPrefix(of: path, .temporary) + randomToken())
    }

    /// Where a backend that cannot rename over a file (SFTP without posix-rename) keeps the
    /// original for the instant between its two renames; found again the same way.
    public static func asideSibling(of path: String) -> String {
        join(parent(path), scratchPrefix(of: path, .aside) + randomToken())
    }

    public enum ScratchKind: String, Sendable {
        /// New contents on their way in.
        case temporary = "tmp"
        /// The original contents, set aside.
        case aside
    }

    /// The start of every scratch file name of `path` of one kind: `.wp-config.php.wprescue-tmp-`.
    public static func scratchPrefix(of path: String, _ kind: ScratchKind) -> String {
        ".\(name(path)).wprescue-\(kind.rawValue)-"
    }

    private static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let word = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - word.count) + word
        }.joined()
    }

    /// `path` relative to `root` when inside it, else `path` unchanged.
    public static func relative(_ path: String, to root: String) -> String {
        let path = normalize(path), root = normalize(root)
        if path == root { return "." }
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// True when `path` is `root` or lies below it (both normalized).
    public static func isInside(_ path: String, root: String) -> Bool {
        let path = normalize(path), root = normalize(root)
        return path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }
}
