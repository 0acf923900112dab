import Foundation

/// A file system that can open more connections to the same files, so that many small files
/// are read at once rather than one round trip after another (SFTP: one SSH session per
/// thread, since a libssh2 session must never be shared between threads).
public protocol ParallelReadableFileSystem: SiteFileSystem {
    /// Another connection to the same place, for reading on another thread.
    func openReader() throws -> SiteFileSystem
    /// Bytes this connection has received from the network so far; nil on the local disk.
    var networkBytesReceived: UInt64? { get }
}

/// Reads files with several readers at once: each worker thread has a connection of its own.
public enum ParallelReads {
    /// Runs `work` on each item with up to `width` connections; results keep the items' order.
    /// The first connection is `fileSystem` itself; the others come from `openReader()` (a file
    /// system that cannot open more reads with one). Returns the results and the network bytes
    /// all the connections received while doing it (nil locally).
    public static func map<Item, Result>(_ items: [Item], on fileSystem: SiteFileSystem, width: Int,
                                         _ work: @escaping (SiteFileSystem, Item) -> Result) -> (results: [Result], networkBytes: UInt64?) {
        var readers: [SiteFileSystem] = [fileSystem]
        func received() -> UInt64? {
            let counts = readers.compactMap { ($0 as? ParallelReadableFileSystem)?.networkBytesReceived }
            return counts.isEmpty ? nil : counts.reduce(0, +)
        }
        // Before the other readers log in, so their logins count too.
        let before = received()
        if let parallel = fileSystem as? ParallelReadableFileSystem, items.count > 16 {
            for _ in 1..<max(1, width) {
                guard let reader = try? parallel.openReader() else { break }
                readers.append(reader)
            }
        }
        let next = Counter(), connections = readers
        // One thread per connection (ConcurrentLooks), each taking the next item until none is left.
        let perWorker = ConcurrentLooks.map(connections.count) { worker -> [(Int, Result)] in
            var done: [(Int, Result)] = []
            while let index = next.take(below: items.count) { done.append((index, work(connections[worker], items[index]))) }
            return done
        }
        let results = perWorker.joined().sorted { $0.0 < $1.0 }.map(\.1)
        let after = received()
        let bytes = after.map { $0 - (before ?? 0) }
        return (results, bytes)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
