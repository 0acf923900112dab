import Foundation

/// Problems finding or reading the WordPress site itself.
public enum SiteError: Error, Equatable, LocalizedError {
    case notWordPress(path: String, location: String, suggestion: String?)
    case noConfig(root: String, location: String)
    case unreadableConfig(path: String, detail: String)
    case configLinkOutsideSite(link: String, target: String)

    public var errorDescription: String? {
        switch self {
        case .notWordPress(let path, let location, let suggestion):
            let hint = suggestion.map { " WordPress is in \($0): use that as --site." } ?? " Point --site at the folder that holds wp-settings.php."
            return "No WordPress site at \(path) (\(location)): looked for wp-settings.php there and wp-config.php there or one level up.\(hint)"
        case .noConfig(let root, let location):
            return "WordPress is at \(root) (\(location)) but it has no wp-config.php, neither there nor one level up; restore it from a backup or create it from wp-config-sample.php."
        case .unreadableConfig(let path, let detail):
            return "Cannot read \(path): \(detail)."
        case .configLinkOutsideSite(let link, let target):
            return "\(link) is a symbolic link to \(target), which is neither inside the site nor in its deploy's shared folder, so wprescue will not write it; edit \(target) yourself or replace the link with the file. Nothing was changed."
        }
    }
}
