/// Where `debug on` should send PHP's error log.
public enum DebugLogLocation {
    /// A file in the folder above the site when that folder belongs to the site's owner (a
    /// hosting account's home, say), so the log is not downloadable; nil means WordPress's
    /// default, wp-content/debug.log.
    public static func preferred(for site: Site) throws -> String? {
        // Bedrock: the project folder above web/, never served.
        let root = site.layout.documentRoot
        let above = SitePath.parent(root)
        guard above != "/", let rootStatus = try site.fileSystem.status(root),
              let aboveStatus = try site.fileSystem.status(above), aboveStatus.kind == .directory,
              let owner = rootStatus.owner, owner != 0, aboveStatus.owner == owner,
              aboveStatus.permissions & 0o200 != 0 else { return nil }
        return SitePath.join(above, "wordpress-debug.log")
    }
}
