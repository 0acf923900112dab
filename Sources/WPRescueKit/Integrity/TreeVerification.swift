import Foundation

/// Compares a folder of a site with a checksums list: which listed files are modified or
/// missing, and which files are there that the list does not name. Used for core (the site's
/// root) and for each plugin (its folder).
///
/// The site is hostile input: folders are walked without following symbolic links (a link is
/// reported, never entered), only regular files are read, a file larger than any release file
/// is reported without being read, and reads stop at that size however long the file grows.
public struct TreeVerification {
    public struct Entry: Equatable, Sendable, Codable {
        /// Relative to the folder verified.
        public var path: String
        public var detail: String
        /// Injected-code patterns found in it, with their lines (PHP files that differ or are unexpected).
        public var injected: [InjectedCode.Hit]

        public init(path: String, detail: String, injected: [InjectedCode.Hit] = []) {
            self.path = path
            self.detail = detail
            self.injected = injected
        }
    }

    public struct Report: Equatable, Sendable, Codable {
        public var filesChecked: Int
        public var modified: [Entry]
        public var missing: [String]
        public var unexpected: [Entry]
        /// `md5` or `sha256`: what the list gave and the files were compared by.
        public var digest: String
        /// Bytes of file contents read.
        public var bytesRead: UInt64
        /// Over SFTP: bytes received from the network for the whole verification (listing, reading, SSH framing).
        public var networkBytes: UInt64?
        /// Connections that read at once.
        public var readers: Int
        public var seconds: Double

        public var isClean: Bool { modified.isEmpty && missing.isEmpty && unexpected.isEmpty }
        /// What a walk saw of each entry, for planning a repair (not encoded).
        public var tree: [String: FileStatus] = [:]

        enum CodingKeys: String, CodingKey {
            case filesChecked, modified, missing, unexpected, digest, bytesRead, networkBytes, readers, seconds
        }
    }

    public let fileSystem: SiteFileSystem
    /// The folder the list's paths are relative to.
    public let root: String
    public let expected: [String: ExpectedDigest]
    /// Folders (relative; "" is `root` itself) walked to their depths for unexpected files.
    public var recursiveFolders: [String]
    /// Also look at the files directly in `root` (core's `wp-*.php`).
    public var topLevelFiles: Bool
    /// Which walked files not on the list count as unexpected.
    public var isUnexpected: (String) -> Bool = { _ in true }
    /// Listed files not to compare (wp-content for core, readmes for plugins without --strict).
    public var ignores: (String) -> Bool = { _ in false }
    /// Listed files whose absence is not a problem (readme.html, removed by many hardening guides).
    public var optional: (String) -> Bool = { _ in false }
    /// Connections reading at once.
    public var width = 4

    public static let fileLimit = ReleaseArchive.fileLimit
    /// Range reads of this size: most files take one, large ones are hashed piece by piece.
    static let rangeSize = 1 << 20

    public init(fileSystem: SiteFileSystem, root: String, expected: [String: ExpectedDigest], recursiveFolders: [String], topLevelFiles: Bool) {
        self.fileSystem = fileSystem
        self.root = root
        self.expected = expected
        self.recursiveFolders = recursiveFolders
        self.topLevelFiles = topLevelFiles
    }

    public func run() throws -> Report {
        let start = Date()
        let networkBefore = (fileSystem as? ParallelReadableFileSystem)?.networkBytesReceived
        var tree: [String: FileStatus] = [:]
        if topLevelFiles {
            for entry in try fileSystem.list(root) { tree[entry.name] = entry.status }
        }
        for folder in recursiveFolders { try walk(folder, into: &tree) }

        let compared = expected.keys.filter { !ignores($0) }.sorted()
        var modified: [Entry] = [], missing: [String] = [], toRead: [(String, UInt64)] = []
        var present = 0
        for path in compared {
            guard let status = tree[path] ?? lookUp(path, tree: tree) else {
                if !optional(path) { missing.append(path) }
                continue
            }
            present += 1
            switch status.kind {
            case .file:
                if status.size > UInt64(Self.fileLimit) {
                    modified.append(Entry(path: path, detail: "\(status.size) bytes, larger than any file of the release (not read)"))
                } else {
                    toRead.append((path, status.size))
                }
            case .symbolicLink: modified.append(Entry(path: path, detail: "a symbolic link instead of a file (not followed)"))
            case .directory: modified.append(Entry(path: path, detail: "a folder instead of a file"))
            case .other: modified.append(Entry(path: path, detail: "not a regular file (not read)"))
            }
        }
        let listed = Set(expected.keys)
        let strays = tree.filter { $0.value.kind != .directory && !listed.contains($0.key) && isUnexpected($0.key) }.keys.sorted()
        let reads: [(path: String, size: UInt64, listed: Bool)] = toRead.map { ($0.0, $0.1, true) }
            + strays.compactMap { tree[$0]?.kind == .file ? ($0, tree[$0]?.size ?? 0, false) : nil }

        let root = self.root, expected = self.expected
        let usesSHA256 = !expected.isEmpty && expected.values.allSatisfy(\.prefersSHA256)
        let walkBytes = networkBefore.flatMap { before in (fileSystem as? ParallelReadableFileSystem)?.networkBytesReceived.map { $0 - before } }
        let (results, readBytes) = ParallelReads.map(reads, on: fileSystem, width: width) { reader, item in
            Self.read(SitePath.join(root, item.path), sha256: usesSHA256, on: reader)
        }
        var bytesRead: UInt64 = 0
        var unexpected: [Entry] = []
        var strayDetails: [String: Entry] = [:]
        for (item, result) in zip(reads, results) {
            switch result {
            case .failure(let error):
                let entry = Entry(path: item.path, detail: "could not be read: \(error.localizedDescription)")
                if item.listed { modified.append(entry) } else { strayDetails[item.path] = entry }
            case .success(let read):
                bytesRead += read.bytes
                let hits = item.path.hasSuffix(".php") ? read.head.map { InjectedCode.scan($0) } ?? [] : []
                if item.listed {
                    guard let wanted = expected[item.path], !wanted.matches(read.digest) else { continue }
                    let detail = read.truncatedAtLimit ? "longer than any file of the release (read stopped at \(Self.fileLimit) bytes)"
                        : "contents differ (\(read.bytes) bytes)"
                    modified.append(Entry(path: item.path, detail: detail, injected: hits))
                } else {
                    strayDetails[item.path] = Entry(path: item.path, detail: "not part of the release (\(read.bytes) bytes)", injected: hits)
                }
            }
        }
        for path in strays {
            if let entry = strayDetails[path] { unexpected.append(entry); continue }
            let kind = tree[path]?.kind
            unexpected.append(Entry(path: path, detail: kind == .symbolicLink ? "a symbolic link, not part of the release" : "not part of the release"))
        }
        let networkBytes = walkBytes.map { $0 + (readBytes ?? 0) }
        var report = Report(filesChecked: present,
                            modified: modified.sorted { $0.path < $1.path }, missing: missing, unexpected: unexpected,
                            digest: usesSHA256 ? "sha256" : "md5", bytesRead: bytesRead, networkBytes: networkBytes,
                            readers: min(max(1, width), max(1, reads.count)), seconds: Date().timeIntervalSince(start))
        report.tree = tree
        return report
    }

    /// Lists `folder` and everything under it, entering real folders only.
    private func walk(_ folder: String, into tree: inout [String: FileStatus]) throws {
        var pending = [folder]
        while let next = pending.popLast() {
            let absolute = SitePath.join(root, next)
            if !next.isEmpty {
                guard let status = try fileSystem.status(absolute) else { continue }
                tree[next] = status
                guard status.kind == .directory else { continue }
            }
            for entry in try fileSystem.list(absolute) {
                let relative = next.isEmpty ? entry.name : next + "/" + entry.name
                tree[relative] = entry.status
                if entry.status.kind == .directory { pending.append(relative) }
            }
        }
    }

    /// A listed path the walk did not cover (outside the walked folders): its own status, unless
    /// a folder on its way is a link or a file, in which case it is not looked at through it.
    private func lookUp(_ path: String, tree: [String: FileStatus]) -> FileStatus? {
        var prefix = ""
        for part in path.split(separator: "/").dropLast() {
            prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
            if let known = tree[prefix], known.kind != .directory { return nil }
        }
        let walkedAlready = recursiveFolders.contains { $0.isEmpty || path.hasPrefix($0 + "/") } || (topLevelFiles && !path.contains("/"))
        if walkedAlready { return nil }
        return try? fileSystem.status(SitePath.join(root, path))
    }

    struct FileRead {
        var digest: FileDigest
        var bytes: UInt64
        /// The first range, for the injected-code scan.
        var head: Data?
        var truncatedAtLimit: Bool
    }

    /// Hashes a file in ranges, never more than `fileLimit` bytes (plus one, to know it is longer).
    static func read(_ path: String, sha256: Bool, on fileSystem: SiteFileSystem) -> Result<FileRead, FileAccessError> {
        var hasher = FileDigest.Hasher(sha256: sha256)
        var offset: UInt64 = 0
        var head: Data?
        do {
            while offset <= UInt64(fileLimit) {
                let chunk = try fileSystem.read(path, offset: offset, length: rangeSize)
                if head == nil { head = chunk }
                hasher.add(chunk)
                offset += UInt64(chunk.count)
                if chunk.count < rangeSize { break }
            }
        } catch {
            return .failure(error)
        }
        return .success(FileRead(digest: hasher.finish(), bytes: offset, head: head, truncatedAtLimit: offset > UInt64(fileLimit)))
    }
}
