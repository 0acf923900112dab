import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `WPRESCUE_TEST_STOP_AT=intent:31` makes the process stop itself (SIGSTOP) right after the
/// 31st time it reaches the point named `intent`, so a crash test kills it exactly there
/// however busy the machine is. Points: the journal's record names (begin, intent, done,
/// reverted, …), and `scratch-written` / `renamed` inside a local atomic write.
enum TestStopPoint {
    private final class Counter: @unchecked Sendable {
        let name: String
        let count: Int
        private var seen = 0
        private let lock = NSLock()

        init(name: String, count: Int) {
            self.name = name
            self.count = count
        }

        func reached(_ point: String) -> Bool {
            guard point == name else { return false }
            return lock.withLock {
                seen += 1
                return seen == count
            }
        }
    }

    private static let counter: Counter? = {
        guard let value = ProcessInfo.processInfo.environment["WPRESCUE_TEST_STOP_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]), count > 0 else { return nil }
        return Counter(name: String(parts[0]), count: count)
    }()

    static func reached(_ point: String) {
        if counter?.reached(point) == true { raise(SIGSTOP) }
    }
}
