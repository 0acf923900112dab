/// Which symbolic links wprescue follows when it changes a site. Reading through a link is
/// harmless; writing through one is not (a link the site's PHP user plants could send a write
/// to /etc), so the file-system layer refuses it, and the site decides here which resolved
/// targets belong to the site: those inside its root, and those in a deploy tool's shared
/// folder (Deployer, Capistrano: `<app>/releases/<N>` or `<app>/current`, with `<app>/shared`).
public enum SiteLinks {
    /// True when `target`, a path with every link resolved, may be changed on behalf of the
    /// site whose ABSPATH is `siteRoot`.
    public static func allows(target: String, siteRoot: String) -> Bool {
        if SitePath.isInside(target, root: siteRoot) { return true }
        guard let shared = sharedFolder(of: siteRoot) else { return false }
        return SitePath.isInside(target, root: shared) && SitePath.normalize(target) != shared
    }

    /// `<app>/shared` when `siteRoot` is (inside) `<app>/releases/<N>` or `<app>/current`.
    public static func sharedFolder(of siteRoot: String) -> String? {
        let parts = SitePath.normalize(siteRoot).split(separator: "/").map(String.init)
        for index in parts.indices.reversed() {
            let isRelease = parts[index] == "releases" && index + 1 < parts.count
            guard isRelease || parts[index] == "current", index > 0 else { continue }
            return "/" + (parts[..<index] + ["shared"]).joined(separator: "/")
        }
        return nil
    }
}
