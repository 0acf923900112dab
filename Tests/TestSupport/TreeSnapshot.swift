import Foundation

/// Everything about a folder tree that "byte-for-byte" means: each entry's relative path,
/// kind, permission bits, and contents (files) or target (links).
public struct TreeSnapshot: Equatable, CustomStringConvertible {
    public struct Entry: Equatable {
        public var kind: String
        public var mode: Int
        public var contents: Data?
    }

    public let entries: [String: Entry]

    private init(entries: [String: Entry]) { self.entries = entries }

    /// The same tree without one folder and what is in it (e.g. the lock a killed run left).
    public func excluding(_ folder: String) -> TreeSnapshot {
        TreeSnapshot(entries: entries.filter { $0.key != folder && !$0.key.hasPrefix(folder + "/") })
    }

    public init(of root: String) throws {
        var entries: [String: Entry] = [:]
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root) else { throw CocoaError(.fileReadNoSuchFile) }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let attributes = try manager.attributesOfItem(atPath: full)
            let type = attributes[.type] as? FileAttributeType
            let mode = (attributes[.posixPermissions] as? Int) ?? -1
            switch type {
            case .typeRegular?:
                entries[relative] = Entry(kind: "file", mode: mode, contents: try Data(contentsOf: URL(fileURLWithPath: full)))
            case .typeSymbolicLink?:
                entries[relative] = Entry(kind: "link", mode: mode, contents: Data(try manager.destinationOfSymbolicLink(atPath: full).utf8))
            case .typeDirectory?:
                entries[relative] = Entry(kind: "directory", mode: mode, contents: nil)
            default:
                entries[relative] = Entry(kind: "other", mode: mode, contents: nil)
            }
        }
        self.entries = entries
    }

    /// The paths that differ, for a readable failure message.
    public func differences(from other: TreeSnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).sorted().filter { entries[$0] != other.entries[$0] }
    }

    public var description: String { "\(entries.count) entries" }
}
