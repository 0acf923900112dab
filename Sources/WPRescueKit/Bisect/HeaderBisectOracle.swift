import Foundation

/// Bisects without moving a file and without changing what visitors get. A companion
/// must-use plugin, written once per run, removes plugins from WordPress's active list only
/// for requests whose `X-WPRescue-Bisect` header names a plugin set signed with the run's
/// secret (HMAC-SHA256 over the look's number and the set; see `LookSignature`). Each look
/// carries its own set, so nothing on disk changes between looks: no opcache wait, and
/// several looks can be in flight at once. The header goes to the probed origin only. The
/// companion is written and removed as steps of the bisection's journaled operation.
public final class HeaderBisectOracle: BisectOracle {
    public static let headerName = CompanionPlugin.headerName
    /// Sent back by the companion on requests it verified, with the look's number: a healthy
    /// page without it was not judged with the asked set.
    static let acknowledgementHeader = CompanionPlugin.acknowledgementHeader

    /// What the companion reports about PHP's opcache, which decides how long moved files may
    /// be served stale.
    public struct OpcacheSettings: Sendable, Equatable, Decodable {
        public var enabled: Bool
        public var validateTimestamps: Bool
        public var revalidateFrequency: Double

        /// Seconds after a file changes until every PHP worker sees it, or nil when it may
        /// never (timestamps not checked: only a PHP restart clears it).
        public var staleFor: Double? {
            guard enabled else { return 0 }
            return validateTimestamps ? revalidateFrequency : nil
        }
    }

    private let companion: CompanionPlugin
    private let prober: Prober
    private let urls: [String]
    private let observe: (SiteBisectOracle.Look) -> Void
    private let candidates: [Extension]
    private let fallbackTheme: String?
    public var pluginPath: String { companion.path }
    public private(set) var looks: [SiteBisectOracle.Look] = []

    /// `prober` is the plain prober: the signed header is added per look, to the probed origin only.
    public init(site: Site, candidates: [Extension], operation: JournalOperationWriter, prober: Prober,
                urls: [String], fallbackTheme: String? = nil,
                observe: @escaping (SiteBisectOracle.Look) -> Void = { _ in }) {
        self.fallbackTheme = fallbackTheme
        self.companion = CompanionPlugin(site: site, operation: operation)
        self.prober = prober
        self.urls = urls
        self.observe = observe
        self.candidates = candidates
    }

    /// Writes the companion (and the must-use folder when there is none). Once per run.
    public func install() throws {
        let themeIndex = candidates.firstIndex { BisectCandidate(name: $0.slug) == .activeTheme }
        try companion.install(files: candidates.map { $0.pluginFile ?? "" }, themeIndex: themeIndex, fallbackTheme: fallbackTheme)
    }

    /// Asks the companion for PHP's opcache settings with a signed request it answers before
    /// any plugin loads; proves that signed requests reach it. Throws `CompanionPlugin.Failure.companionSilent`
    /// when they do not (a proxy dropping the header, must-use plugins not loaded).
    public func readSettings() throws -> OpcacheSettings {
        try companion.info(prober: prober, url: urls.first).opcache
    }

    public func test(enabled: Set<String>) throws -> OracleAnswer {
        try test(batch: [enabled]).first ?? .inconclusive
    }

    /// Looks at every set at once, each on its own thread with its own HTTP handle.
    public func test(batch: [Set<String>]) throws -> [OracleAnswer] {
        let requests = batch.map { enabled in
            let hidden = candidates.indices.filter { !enabled.contains(candidates[$0].slug) }
            let (number, header) = companion.signedHeader(order: LookSignature.mask(hidden: hidden, count: candidates.count))
            return (enabled, number, header)
        }
        let (urls, prober) = (self.urls, self.prober)
        let results = ConcurrentLooks.map(requests.count) { index in
            let (_, number, header) = requests[index]
            let started = Date()
            let pages = urls.map { prober.probePage($0, originHeaders: [Self.headerName: header]) }
            return (pages, number, Date().timeIntervalSince(started))
        }
        var answers: [OracleAnswer] = []
        for ((enabled, _, _), (pages, number, seconds)) in zip(requests, results) {
            let report = Prober.Report(verdict: pages.first(where: { !$0.page.verdict.isHealthy })?.page.verdict ?? .healthy,
                                       pages: pages.map(\.page))
            var answer = SiteBisectOracle.answer(for: report)
            if answer == .healthy, pages.contains(where: { $0.headers[Self.acknowledgementHeader] != String(number) }) {
                // A healthy page the companion did not sign off was not loaded with this set.
                answer = .inconclusive
            }
            let look = SiteBisectOracle.Look(enabled: candidates.map(\.slug).filter(enabled.contains),
                                             disabled: candidates.map(\.slug).filter { !enabled.contains($0) },
                                             report: report, answer: answer, seconds: seconds)
            looks.append(look)
            observe(look)
            answers.append(answer)
        }
        return answers
    }

    /// Takes the companion (and a folder created for it) away again.
    public func removePlugin() throws { try companion.remove() }
}
