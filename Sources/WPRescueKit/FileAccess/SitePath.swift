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

    /// The scratch file an atomic write of `path` goes through. A fixed name (not a random
    /// one) so that undo after a crash knows what to clean up.
    public static func temporarySibling(of path: String) -> String {
        join(parent(path), ".\(name(path)).wprescue-tmp")
    }

    /// Where a file is set aside while a backend that cannot rename over a file swaps in a new one.
    public static func asideSibling(of path: String) -> String {
        join(parent(path), ".\(name(path)).wprescue-old")
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
