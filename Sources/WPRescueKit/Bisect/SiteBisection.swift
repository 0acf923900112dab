import Foundation

/// A whole bisection on a real site: pick the candidates, search, leave the culprits
/// disabled (or restore everything), verify, and record it as one journaled operation.
/// Shared by `wprescue bisect` and `wprescue rescue`.
public struct SiteBisection {
    public enum Method: String, Sendable, CaseIterable {
        /// Move plugins in and out of the quarantine folder (what a person does by hand over FTP).
        case move
        /// Move nothing: a temporary must-use plugin hides plugins only from requests carrying
        /// this run's token, so visitors keep getting the site as it is until the end.
        case header
    }

    public struct Options {
        public var method = Method.move
        public var keep: [String] = []
        /// Also test the active theme (header method only): swapped for an installed default theme.
        public var includeTheme = false
        public var kinds: Set<Extension.Kind> = [.plugin]
        public var restore = false
        public var settle: TimeInterval = 2.1
        public var policy = BisectPolicy(transientConfirmations: 2, retryDelays: [1, 3])
        /// For a set of plugins that only break the site together: which of them to disable.
        public var chooseToDisable: ([String]) -> [String] = { $0 }
        public var command = "bisect"

        public init() {}
    }

    public struct Outcome {
        public var result: BisectResult
        public var candidates: [String]
        /// What stays disabled at the end.
        public var disabled: [String]
        /// The site's verdict after the end state was put in place (nil when nothing was left changed).
        public var finalVerdict: ProbeVerdict?
        public var healthyAtEnd: Bool
        public var operation: String
        public var seconds: Double
        public var looks: [SiteBisectOracle.Look]
    }

    public enum Failure: Error, LocalizedError {
        case noCandidates
        public var errorDescription: String? { "No enabled plugins to bisect on this site." }
    }

    public let site: Site
    public let prober: Prober
    public let urls: [String]
    public let options: Options

    public init(site: Site, prober: Prober, urls: [String], options: Options) {
        self.site = site
        self.prober = prober
        self.urls = urls
        self.options = options
    }

    /// The enabled extensions of the chosen kinds, minus the kept ones, and the active theme
    /// as one more candidate when asked.
    public func candidates() throws -> [Extension] {
        let installed = try site.catalog.all(kinds: options.kinds)
        _ = try ExtensionSwitch.select(options.keep, from: installed, kindName: "plugin")
        var chosen = installed.filter { $0.state == .enabled && !options.keep.contains($0.slug) }
        if options.includeTheme {
            guard options.method == .header else { throw HeaderMethodFailure.themeNeedsHeader }
            chosen.append(Extension(slug: HeaderBisectOracle.themeCandidate, kind: .theme, state: .enabled, name: "the active theme",
                                    version: nil, path: site.layout.themeDirectory, counterpartPath: site.layout.themeDirectory,
                                    modified: .distantPast))
        }
        return chosen
    }

    /// The theme the active one is swapped for: WordPress's newest bundled Twenty* theme installed.
    func fallbackTheme() throws -> String {
        let themes = try site.catalog.extensions(of: .theme).filter { $0.state == .enabled && $0.slug.hasPrefix("twenty") }
        guard let newest = themes.map(\.slug).sorted().last else { throw HeaderMethodFailure.noDefaultTheme }
        return newest
    }

    /// Recently changed plugins first: an update is the usual reason a site breaks. Only
    /// when that singles out a few: if most changed together (a fresh install, a restore),
    /// recency says nothing.
    public static func recentlyChanged(_ candidates: [Extension], now: Date = Date()) -> [String] {
        let recent = candidates.filter { now.timeIntervalSince($0.modified) < 48 * 3600 }
        guard recent.count <= max(1, candidates.count / 4) else { return [] }
        return recent.sorted { $0.modified > $1.modified }.prefix(5).map(\.slug)
    }

    public func run(suspects: [String], observe: @escaping (SiteBisectOracle.Look) -> Void) throws -> Outcome {
        let candidates = try candidates()
        guard !candidates.isEmpty else { throw Failure.noCandidates }
        if options.method == .header,
           let noFile = candidates.first(where: { ($0.kind != .plugin || $0.pluginFile == nil) && $0.slug != HeaderBisectOracle.themeCandidate }) {
            throw HeaderMethodFailure.unsupported(noFile.slug)
        }
        let fallback = options.includeTheme ? try fallbackTheme() : nil
        let started = Date()
        let operation = try site.journal.begin(command: options.command, summary: "Bisect \(candidates.count) plugins")
        do {
            let known = Set(candidates.map(\.slug))
            // The active theme is never moved (a blank page for visitors): only swapped by the header method.
            let moving = SiteBisectOracle(catalog: site.catalog, candidates: candidates.filter { $0.slug != HeaderBisectOracle.themeCandidate },
                                          operation: operation, prober: prober, urls: urls, settle: options.settle, observe: observe)
            let token = HeaderBisectOracle.newToken()
            var headerOptions = prober.options
            headerOptions.headers.merge(HeaderBisectOracle.requestHeaders(token: token)) { _, new in new }
            let hiding = HeaderBisectOracle(site: site, candidates: candidates, operation: operation,
                                            prober: Prober(fetcher: prober.fetcher, options: headerOptions), token: token,
                                            urls: urls, settle: options.settle, fallbackTheme: fallback, observe: observe)
            let oracle: BisectOracle = options.method == .move ? moving : hiding
            let result = try PluginBisector(candidates: candidates.map(\.slug), suspects: suspects.filter(known.contains),
                                            policy: options.policy)
                .run(oracle: oracle, wait: { Thread.sleep(forTimeInterval: $0) })
            var disable = Set<String>()
            if case .culpritsFound(let sets) = result.conclusion, !options.restore {
                for set in sets { disable.formUnion(set.count == 1 ? set : options.chooseToDisable(set)) }
            }
            // The end state is real moves in both methods: the culprit plugins go to the quarantine.
            // A culprit theme stays where it is: switching themes is the owner's call in wp-admin.
            disable.remove(HeaderBisectOracle.themeCandidate)
            if options.method == .header { try hiding.removePlugin() }
            try moving.arrange(enabled: known.subtracting(disable).subtracting([HeaderBisectOracle.themeCandidate]))
            if disable.isEmpty { try moving.removeEmptyFolders() }
            let verdict = !disable.isEmpty || options.restore ? moving.stableReport().verdict : nil
            let disabled = candidates.map(\.slug).filter(disable.contains)
            try operation.updateSummary(Self.summary(result.conclusion, disabled: disabled, restore: options.restore))
            try operation.finish()
            let healthy: Bool
            switch result.conclusion {
            case .culpritsFound: healthy = options.restore || verdict == .healthy
            case .notBroken: healthy = true
            case .notAPluginProblem, .inconclusive: healthy = false
            }
            return Outcome(result: result, candidates: candidates.map(\.slug), disabled: disabled, finalVerdict: verdict,
                           healthyAtEnd: healthy, operation: operation.id, seconds: Date().timeIntervalSince(started),
                           looks: options.method == .move ? moving.looks : hiding.looks)
        } catch {
            try operation.rollBack(after: error)
            throw error
        }
    }

    public enum HeaderMethodFailure: Error, LocalizedError {
        case unsupported(String)
        case themeNeedsHeader
        case noDefaultTheme
        public var errorDescription: String? {
            switch self {
            case .themeNeedsHeader:
                return "--include-theme needs --method header: an active theme moved away leaves visitors a blank page, so wprescue tests it by swapping it for a default theme on its own requests only."
            case .noDefaultTheme:
                return "--include-theme needs a bundled Twenty* theme installed to compare the active theme with; install one (e.g. twentytwentythree)."
            case .unsupported(let slug):
                return "The header method can only hide regular plugins WordPress activates by file; \(slug) is not one. Use --method move, or --keep \(slug)."
            }
        }
    }

    static func summary(_ conclusion: BisectConclusion, disabled: [String], restore: Bool) -> String {
        switch conclusion {
        case .culpritsFound(let sets):
            let names = sets.map { $0.joined(separator: " + ") }.joined(separator: "; ")
            return restore ? "Bisect found \(names); everything restored" : "Bisect found \(names); disabled \(disabled.joined(separator: ", "))"
        case .notBroken: return "Bisect: site was not broken; nothing changed"
        case .notAPluginProblem: return "Bisect: not a plugin; everything restored"
        case .inconclusive: return "Bisect inconclusive; everything restored"
        }
    }
}
