import Foundation

/// Runs a few blocking looks at once, each on a thread of its own, and waits for all of them.
/// A look is a sequence of HTTP requests with its own libcurl handle, so threads share nothing
/// but the results array (behind a lock); the bisection itself stays one synchronous sequence.
enum ConcurrentLooks {
    static func map<Result>(_ count: Int, _ body: @escaping (Int) -> Result) -> [Result] {
        guard count > 1 else { return (0..<count).map(body) }
        let work = Work(count: count, body: body)
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                work.run(index)
                group.leave()
            }
            thread.start()
        }
        group.wait()
        return work.collected()
    }

    private final class Work<Result>: @unchecked Sendable {
        private let body: (Int) -> Result
        private var results: [Result?]
        private let lock = NSLock()

        init(count: Int, body: @escaping (Int) -> Result) {
            self.body = body
            self.results = Array(repeating: nil, count: count)
        }

        func run(_ index: Int) {
            let result = body(index)
            lock.withLock { results[index] = result }
        }

        func collected() -> [Result] { lock.withLock { results.compactMap { $0 } } }
    }
}
