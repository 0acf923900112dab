import Foundation
import WPRescueKit

/// Turns a --site value into an open `Site`: a local path now, SFTP addresses through the
/// SFTP backend.
enum SiteConnector {
    static func open(_ address: String, environment: [String: String]) throws -> Site {
        if address.hasPrefix("sftp://") || looksLikeRemote(address) {
            throw CLIError.unsupportedSite("SFTP sites (\(address)) are not supported by this build yet; use a local path.")
        }
        let path = address.hasPrefix("/") ? address : SitePath.join(FileManager.default.currentDirectoryPath, address)
        return try Site.open(path: SitePath.normalize(path), fileSystem: LocalFileSystem(), identityPrefix: "local:",
                             environment: environment)
    }

    /// scp-style `user@host:/path` or `host:/path`.
    private static func looksLikeRemote(_ address: String) -> Bool {
        guard let colon = address.firstIndex(of: ":"), !address.hasPrefix("/"), !address.hasPrefix(".") else { return false }
        return !address[..<colon].contains("/")
    }
}
