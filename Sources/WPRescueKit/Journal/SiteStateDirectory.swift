import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operator's own folder for one site: journal, backups and the lock. It lives in
/// `$XDG_STATE_HOME/wprescue` (or `~/.local/state/wprescue`), never inside the web root,
/// where a copy of wp-config.php would publish the database password.
public struct SiteStateDirectory: Sendable {
    public let path: String
    /// `local:/var/www/html` or `sftp://user@host:22/var/www/html`.
    public let siteIdentity: String

    public init(siteIdentity: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.siteIdentity = siteIdentity
        let base = Self.baseDirectory(environment: environment)
        path = SitePath.join(base, "sites", Self.folderName(for: siteIdentity))
        try Self.createPrivateDirectories(path)
        try Self.createPrivateDirectories(SitePath.join(path, "backups"))
    }

    public var journalFile: String { SitePath.join(path, "journal.jsonl") }
    public var backupsDirectory: String { SitePath.join(path, "backups") }

    public static func baseDirectory(environment: [String: String]) -> String {
        if let explicit = environment["WPRESCUE_STATE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return SitePath.join(xdg, "wprescue") }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return SitePath.join(home, ".local/state/wprescue")
    }

    /// Readable and unique: `local-var-www-html-1a2b3c4d`.
    static func folderName(for identity: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let readable = identity.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let squeezed = String(readable).split(separator: "-").joined(separator: "-").suffix(60)
        return "\(squeezed)-\(String(hash & 0xffff_ffff, radix: 16))"
    }

    static func createPrivateDirectories(_ path: String) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw JournalError.stateDirectoryUnusable(path: current, detail: String(cString: strerror(errno)))
            }
        }
    }
}

/// Keeps a second wprescue from changing the same site while this one works on it.
/// An advisory lock the kernel drops when the process dies, even by kill -9.
public final class SiteLock {
    private let descriptor: Int32

    public init(state: SiteStateDirectory) throws {
        let lockPath = SitePath.join(state.path, "lock")
        descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw JournalError.stateDirectoryUnusable(path: lockPath, detail: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw JournalError.siteBusy(site: state.siteIdentity)
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
