import Foundation

/// The real oracle: moves candidate plugins in or out of the quarantine (each move a step
/// of one journaled operation) and probes the site until the verdict is stable.
public final class SiteBisectOracle: BisectOracle {
    /// One look, for progress lines and reports.
    public struct Look: Sendable {
        public var enabled: [String]
        public var disabled: [String]
        public var report: Prober.Report
        public var answer: OracleAnswer
        public var seconds: Double
    }

    private let catalog: ExtensionCatalog
    private let operation: JournalOperationWriter
    private let prober: Prober
    private let urls: [String]
    /// How long after a move PHP may still run the old files.
    public enum Settling: Sendable, Equatable {
        /// Unknown: look at once, then again this many seconds later until two looks agree.
        case confirmAfter(TimeInterval)
        /// Known from PHP's opcache settings: one look, at least this many seconds after the last move.
        case waitAfterMove(TimeInterval)
    }

    public var settling: Settling
    private var lastMove: Date?
    private let observe: (Look) -> Void
    /// Candidates by slug, with where each one is now.
    private var candidates: [String: Extension]
    private let order: [String]
    /// Quarantine folders this bisection created (not ones that already existed).
    private var createdFolders = Set<String>()
    private var checkedFolders = Set<String>()
    /// Whether files moved since the last look: only then can opcache serve stale code.
    private var movedSinceLastLook = true
    public private(set) var looks: [Look] = []

    /// `settle`: after moving files, the seconds to wait before a second look that must
    /// agree with the first (PHP's opcache may serve old code until it revalidates, every
    /// 2 s by default). 0 trusts the first look.
    public init(catalog: ExtensionCatalog, candidates: [Extension], operation: JournalOperationWriter, prober: Prober,
                urls: [String], settle: TimeInterval, observe: @escaping (Look) -> Void = { _ in }) {
        self.catalog = catalog
        self.operation = operation
        self.prober = prober
        self.urls = urls
        self.settling = .confirmAfter(settle)
        self.observe = observe
        self.candidates = Dictionary(candidates.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        self.order = candidates.map(\.slug)
    }

    public func test(enabled: Set<String>) throws -> OracleAnswer {
        let started = Date()
        try arrange(enabled: enabled)
        let report = stableReport()
        let answer = Self.answer(for: report)
        let look = Look(enabled: order.filter(enabled.contains), disabled: order.filter { !enabled.contains($0) },
                        report: report, answer: answer, seconds: Date().timeIntervalSince(started))
        looks.append(look)
        observe(look)
        return answer
    }

    /// Moves candidates so that exactly `enabled` are in place.
    public func arrange(enabled: Set<String>) throws {
        for slug in order {
            guard var item = candidates[slug] else { continue }
            let wanted: Extension.State = enabled.contains(slug) ? .enabled : .disabled
            guard item.state != wanted else { continue }
            if wanted == .disabled {
                for folder in catalog.quarantine.foldersToCreate(for: item.kind) where !checkedFolders.contains(folder) {
                    checkedFolders.insert(folder)
                    if try !catalog.fileSystem.isDirectory(folder) {
                        try operation.apply(.createDirectory(path: folder))
                        createdFolders.insert(folder)
                    }
                }
            }
            let destination = wanted == .enabled ? item.enabledPath : item.disabledPath
            try operation.apply(.move(from: item.path, to: destination))
            movedSinceLastLook = true
            lastMove = Date()
            item = Extension(slug: item.slug, kind: item.kind, state: wanted, name: item.name, version: item.version,
                             parentTheme: item.parentTheme, path: destination, counterpartPath: item.path, modified: item.modified,
                             pluginFile: item.pluginFile)
            candidates[slug] = item
        }
    }

    /// Removes the quarantine folders this bisection created, when nothing is left in them
    /// (everything was put back): the tree is then exactly as before.
    public func removeEmptyFolders() throws {
        for folder in createdFolders.sorted(by: { $0.count > $1.count }) where try catalog.fileSystem.isDirectory(folder) {
            guard try catalog.fileSystem.list(folder).isEmpty else { continue }
            try operation.apply(.removeDirectory(path: folder))
        }
    }

    /// Uses what the companion read from PHP: with opcache off, or checking timestamps every
    /// `revalidate_freq` seconds, one look that long after the last move is enough. With
    /// timestamps never checked, looks keep being confirmed `fallback` seconds apart.
    public func use(_ settings: HeaderBisectOracle.OpcacheSettings, fallback: TimeInterval) {
        if let stale = settings.staleFor {
            settling = .waitAfterMove(stale > 0 ? stale + 0.1 : 0)
        } else {
            settling = .confirmAfter(fallback)
        }
    }

    /// Probes once files have settled: after the known opcache delay, or until two looks
    /// `settle` seconds apart agree (at most four looks).
    public func stableReport() -> Prober.Report {
        defer { movedSinceLastLook = false }
        switch settling {
        case .waitAfterMove(let delay):
            if movedSinceLastLook, let lastMove {
                let remaining = delay - Date().timeIntervalSince(lastMove)
                if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
            }
            return prober.probe(urls)
        case .confirmAfter(let settle):
            var report = prober.probe(urls)
            guard settle > 0, movedSinceLastLook else { return report }
            for _ in 0..<3 {
                Thread.sleep(forTimeInterval: settle)
                let again = prober.probe(urls)
                if again.verdict == report.verdict { return again }
                report = again
            }
            return report
        }
    }

    /// A first byte later than this on a gateway error points at a busy server, not at the plugin set.
    static let slowFirstByte: TimeInterval = 2

    static func answer(for report: Prober.Report) -> OracleAnswer {
        switch report.verdict {
        case .healthy:
            return .healthy
        case .dnsFailure, .tlsError, .connectionRefused, .networkError:
            // Plugins cannot cause these: the look says nothing about the plugin set.
            return .inconclusive
        case .badGateway, .gatewayTimeout, .serviceUnavailable, .criticalError, .databaseError, .serverError,
             .whiteScreen, .phpErrorShown, .redirectLoop, .timeout, .emptyReply, .clientError, .expectedTextMissing:
            guard report.mayBeTransient else { return .broken(transient: false) }
            // A worker that dies answers 502 at once; a timeout, a 504 or a slow first byte
            // is what a full PHP-FPM pool or a busy server looks like.
            let failing = report.pages.filter { !$0.verdict.isHealthy }
            let loaded = failing.contains { page in
                page.verdict == .timeout || page.verdict == .gatewayTimeout || page.timings.firstByte > slowFirstByte
            }
            return loaded ? .overloaded : .broken(transient: true)
        }
    }
}
