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
        path = Self.path(for: siteIdentity, environment: environment)
        try Self.createPrivateDirectories(path, trustedBelow: SitePath.parent(base))
        try Self.createPrivateDirectories(SitePath.join(path, "backups"), trustedBelow: path)
    }

    /// Where the state folder of `siteIdentity` is or would be, without creating it.
    public static func path(for siteIdentity: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        SitePath.join(baseDirectory(environment: environment), "sites", folderName(for: siteIdentity))
    }

    public var journalFile: String { Self.journalFile(in: path) }

    static func journalFile(in stateFolder: String) -> String { SitePath.join(stateFolder, "journal.jsonl") }
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

    /// Creates the missing folders of `path` with mode 0700 and checks every folder from
    /// just below `trustedBelow` down: each must be a real folder (not a link), owned by this
    /// account, and writable by nobody else. Someone who planted a state folder could
    /// otherwise feed undo a journal of their own, or read the backups of wp-config.php.
    static func createPrivateDirectories(_ path: String, trustedBelow anchor: String) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw JournalError.stateDirectoryUnusable(path: current, detail: String(cString: strerror(errno)))
            }
            guard SitePath.isInside(current, root: anchor), current != SitePath.normalize(anchor) else { continue }
            var info = stat()
            guard lstat(current, &info) == 0 else {
                throw JournalError.stateDirectoryUnusable(path: current, detail: String(cString: strerror(errno)))
            }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                throw JournalError.stateDirectoryUntrusted(path: current, reason: "it is not a folder (a link, say)")
            }
            if info.st_uid != geteuid() {
                throw JournalError.stateDirectoryUntrusted(path: current, reason: "it belongs to user \(info.st_uid), not to you (\(geteuid()))")
            }
            if info.st_mode & 0o022 != 0 {
                throw JournalError.stateDirectoryUntrusted(path: current, reason: "others may write in it (mode \(String(info.st_mode & 0o7777, radix: 8)))")
            }
        }
    }

    /// Opens a file of the state folder without following a link planted in its place.
    static func openPrivateFile(_ path: String, flags: Int32) -> Int32 {
        open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }
}

/// Keeps a second wprescue from changing the same site while this one works on it.
///
/// Two locks: an advisory lock in the operator's state folder, which the kernel drops when the
/// process dies (even by kill -9), and a folder on the site itself, created exclusively, so
/// that two runs reaching one site by different paths (root and the deploy user, `local:` and
/// `sftp://localhost`) cannot both change it. A site lock left by a run that died is taken
/// over when its holder was on this machine and is gone.
public final class SiteLock {
    private let descriptor: Int32
    private let onSite: OnSiteLock?

    public init(state: SiteStateDirectory, site: OnSiteLock.Location? = nil) throws {
        let lockPath = SitePath.join(state.path, "lock")
        descriptor = SiteStateDirectory.openPrivateFile(lockPath, flags: O_RDWR | O_CREAT)
        guard descriptor >= 0 else {
            throw JournalError.stateDirectoryUnusable(path: lockPath, detail: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw JournalError.siteBusy(site: state.siteIdentity, holder: nil)
        }
        do {
            onSite = try site.map { try OnSiteLock(at: $0, identity: state.siteIdentity) }
        } catch {
            flock(descriptor, LOCK_UN)
            close(descriptor)
            throw error
        }
    }

    deinit {
        onSite?.release()
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The lock folder on the site: `<wp-content>/.wprescue-lock/holder` says who holds it.
public final class OnSiteLock {
    public struct Location {
        public var fileSystem: SiteFileSystem
        public var folder: String

        public init(fileSystem: SiteFileSystem, folder: String) {
            self.fileSystem = fileSystem
            self.folder = folder
        }
    }

    public static let folderName = ".wprescue-lock"
    private let location: Location
    private var held = true

    /// The lock folder appears whole: made under a scratch name with its holder file inside,
    /// then renamed into place (a rename that never replaces), so a kill at any instant leaves
    /// either no lock or one that says whose it is.
    init(at location: Location, identity: String) throws {
        self.location = location
        let fileSystem = location.fileSystem, folder = location.folder
        let me = Holder.current(identity: identity)
        try Self.removeLeftovers(beside: folder, on: fileSystem)
        let scratch = SitePath.join(SitePath.parent(folder), Self.scratchPrefix + "\(me.pid)-\(UInt32.random(in: 0...UInt32.max))")
        try fileSystem.createDirectory(scratch, mode: 0o700)
        do {
            try fileSystem.writeAtomically(SitePath.join(scratch, "holder"), contents: Data(me.line.utf8), newFileMode: 0o600)
            for _ in 0..<2 {
                switch Self.move(scratch, to: folder, on: fileSystem) {
                case nil:
                    return
                case .alreadyExists?:
                    let holder = Self.holder(in: folder, on: fileSystem)
                    guard let holder, holder.isGoneFromThisMachine else {
                        throw JournalError.siteBusy(site: identity, holder: holder?.description ?? "unknown: \(folder) says nothing readable")
                    }
                    // Its run died: take the lock over.
                    try? fileSystem.removeFile(SitePath.join(folder, "holder"))
                    try? fileSystem.removeDirectory(folder)
                case let other?:
                    throw other
                }
            }
            throw JournalError.siteBusy(site: identity, holder: "another run that took \(folder) at the same moment")
        } catch {
            try? fileSystem.removeFile(SitePath.join(scratch, "holder"))
            try? fileSystem.removeDirectory(scratch)
            throw error
        }
    }

    private static let scratchPrefix = folderName + "-new-"

    /// nil when moved; the failure otherwise.
    private static func move(_ source: String, to destination: String, on fileSystem: SiteFileSystem) -> FileAccessError? {
        do {
            try fileSystem.move(source, to: destination)
            return nil
        } catch {
            return error
        }
    }

    private static func holder(in folder: String, on fileSystem: SiteFileSystem) -> Holder? {
        let text = (try? fileSystem.readWhole(SitePath.join(folder, "holder"), limit: 4096)).map { String(decoding: $0, as: UTF8.self) }
        return text.flatMap(Holder.init(line:))
    }

    /// Scratch lock folders of runs on this machine that died before renaming theirs into place.
    private static func removeLeftovers(beside folder: String, on fileSystem: SiteFileSystem) throws {
        let parent = SitePath.parent(folder)
        guard let entries = try? fileSystem.list(parent) else { return }
        for entry in entries where entry.status.kind == .directory && entry.name.hasPrefix(scratchPrefix) {
            let leftover = SitePath.join(parent, entry.name)
            let holder = Self.holder(in: leftover, on: fileSystem)
            guard holder.map(\.isGoneFromThisMachine) ?? true else { continue }
            // A run killed mid-write left its holder's scratch file too: clear the folder's own files only.
            for file in (try? fileSystem.list(leftover)) ?? [] where file.status.kind == .file {
                try? fileSystem.removeFile(SitePath.join(leftover, file.name))
            }
            try? fileSystem.removeDirectory(leftover)
        }
    }

    func release() {
        guard held else { return }
        held = false
        try? location.fileSystem.removeFile(SitePath.join(location.folder, "holder"))
        try? location.fileSystem.removeDirectory(location.folder)
    }

    struct Holder: CustomStringConvertible {
        var host: String
        var pid: Int32
        var user: String
        var since: String
        var identity: String

        static func current(identity: String) -> Holder {
            var name = [UInt8](repeating: 0, count: 256)
            name.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = gethostname($0.baseAddress!, buffer.count - 1) }
            }
            let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "\(geteuid())"
            return Holder(host: String(decoding: name.prefix { $0 != 0 }, as: UTF8.self), pid: getpid(), user: user,
                          since: ISO8601DateFormatter().string(from: Date()), identity: identity)
        }

        /// `host pid user since identity`, tab-separated, one line.
        var line: String { [host, String(pid), user, since, identity].joined(separator: "\t") + "\n" }

        init(host: String, pid: Int32, user: String, since: String, identity: String) {
            (self.host, self.pid, self.user, self.since, self.identity) = (host, pid, user, since, identity)
        }

        init?(line: String) {
            let fields = line.trimmingCharacters(in: .newlines).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, let pid = Int32(fields[1]) else { return nil }
            self.init(host: fields[0], pid: pid, user: fields[2], since: fields[3], identity: fields[4])
        }

        var isGoneFromThisMachine: Bool {
            let here = Holder.current(identity: identity)
            return host == here.host && kill(pid, 0) != 0 && errno == ESRCH
        }

        /// Site text, so control characters are dropped before it reaches a terminal.
        var description: String {
            let text = "wprescue pid \(pid) of \(user) on \(host) through \(identity), since \(since)"
            return String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f })
        }
    }
}
