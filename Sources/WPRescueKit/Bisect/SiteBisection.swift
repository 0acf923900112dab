import Foundation

/// A whole bisection on a real site: pick the candidates, search, leave the culprits
/// disabled (or restore everything), verify, and record it as one journaled operation.
/// Shared by `wprescue bisect` and `wprescue rescue`.
public struct SiteBisection {
    public enum Method: String, Sendable, CaseIterable {
        /// Header whenever it can work (ordinary plugins, a writable must-use folder, signed
        /// requests reaching the companion), otherwise move, saying why.
        case automatic = "auto"
        /// Move plugins in and out of the quarantine folder (what a person does by hand over FTP).
        case move
        /// Move nothing: a companion must-use plugin, written once, hides the plugin set each
        /// request names and signs with this run's secret, so visitors keep getting the site
        /// as it is until the end, and looks can run side by side.
        case header
    }

    public struct Options {
        public var method = Method.automatic
        /// Looks in flight at once with the header method (the move method looks one at a time).
        /// Three leaves room for visitors in PHP-FPM's smallest usual pool (pm.max_children = 5).
        public var parallel = 3
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
        /// The method used: header or move, never automatic.
        public var method: Method = .move
        /// Why the method differs from the one asked for (automatic, or header that could not work).
        public var methodNote: String?
        /// The culprit sets as candidates (the active theme as such, not as a name).
        public var culpritCandidates: [[BisectCandidate]] { result.culprits.map { $0.map(BisectCandidate.init(name:)) } }
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
        // Bedrock's autoloader is what loads the must-use plugins in subfolders: those are the candidates, never it.
        if site.layout.bedrock != nil { chosen.removeAll { $0.kind == .mustUse && $0.slug == BedrockLayout.autoloaderSlug } }
        if options.includeTheme {
            guard options.method != .move else { throw HeaderMethodFailure.themeNeedsHeader }
            chosen.append(Extension(slug: BisectCandidate.activeTheme.name, kind: .theme, state: .enabled, name: "the active theme",
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
        let recent = candidates.filter { RecentWindow.isRecentChange($0.modified, now: now) }
        guard recent.count <= max(1, candidates.count / 4) else { return [] }
        return recent.sorted { $0.modified > $1.modified }.prefix(5).map(\.slug)
    }

    /// Why the header method cannot hide `candidates`, or nil when it can: must-use plugins and
    /// drop-ins load before any plugin could hide them.
    public static func headerImpossible(for candidates: [Extension]) -> String? {
        guard let other = candidates.first(where: {
            BisectCandidate(name: $0.slug) != .activeTheme && ($0.kind != .plugin || $0.pluginFile == nil)
        }) else { return nil }
        let what = other.kind == .mustUse ? "a must-use plugin" : other.kind == .dropIn ? "a drop-in" : "not a plugin WordPress activates by file"
        return "\(other.slug) is \(what), which loads before a plugin could hide it"
    }

    public func run(suspects: [String], observe: @escaping (SiteBisectOracle.Look) -> Void) throws -> Outcome {
        let candidates = try candidates()
        guard !candidates.isEmpty else { throw Failure.noCandidates }
        var method = options.method
        var methodNote: String?
        if let impossible = Self.headerImpossible(for: candidates) {
            if method == .header { throw HeaderMethodFailure.unsupported(impossible) }
            if method == .automatic { methodNote = "moving plugins: \(impossible)" }
            method = .move
        }
        let themeIncluded = candidates.contains { BisectCandidate(name: $0.slug) == .activeTheme }
        let fallback = themeIncluded ? try fallbackTheme() : nil
        let started = Date()
        let operation = try site.journal.begin(command: options.command, summary: "Bisect \(candidates.count) plugins")
        do {
            let known = Set(candidates.map(\.slug))
            let theme = BisectCandidate.activeTheme.name
            // The active theme is never moved (a blank page for visitors): only swapped by the header method.
            let moving = SiteBisectOracle(catalog: site.catalog, candidates: candidates.filter { $0.slug != theme },
                                          operation: operation, prober: prober, urls: urls, settle: options.settle, observe: observe)
            let hiding = HeaderBisectOracle(site: site, candidates: candidates, operation: operation, prober: prober,
                                            urls: urls, fallbackTheme: fallback, observe: observe)
            // The companion is the header method's switch; for the move method it reads PHP's opcache
            // settings, so that a look waits only as long as old code can really be served.
            do {
                try hiding.install()
                moving.use(try hiding.readSettings(), fallback: options.settle)
                if method == .automatic { method = .header }
            } catch let error where FileAccessError(unwrapping: error) != nil {
                if method == .header || themeIncluded { throw error }
                if method == .automatic { methodNote = "moving plugins: the must-use folder is not writable (\(error.localizedDescription))" }
                method = .move
            } catch let error as CompanionPlugin.Failure {
                if method == .header || themeIncluded { throw error }
                if method == .automatic { methodNote = "moving plugins: \(error.localizedDescription)" }
                method = .move
            }
            if method != .header { try hiding.removePlugin() }
            var policy = options.policy
            policy.parallelLooks = method == .header ? max(1, options.parallel) : 1
            let oracle: BisectOracle = method == .header ? hiding : moving
            let result = try PluginBisector(candidates: candidates.map(\.slug), suspects: suspects.filter(known.contains),
                                            policy: policy)
                .run(oracle: oracle, wait: { Thread.sleep(forTimeInterval: $0) })
            var disable = Set<String>()
            if case .culpritsFound(let sets) = result.conclusion, !options.restore {
                for set in sets { disable.formUnion(set.count == 1 ? set : options.chooseToDisable(set)) }
            }
            // The end state is real moves in both methods: the culprit plugins go to the quarantine.
            // A culprit theme stays where it is: switching themes is the owner's call in wp-admin.
            disable.remove(theme)
            try hiding.removePlugin()
            try moving.arrange(enabled: known.subtracting(disable).subtracting([theme]))
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
                           looks: method == .header ? hiding.looks : moving.looks, method: method, methodNote: methodNote)
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
                return "--include-theme needs the header method (not --method move): an active theme moved away leaves visitors a blank page, so wprescue tests it by swapping it for a default theme on its own requests only."
            case .noDefaultTheme:
                return "--include-theme needs a bundled Twenty* theme installed to compare the active theme with; install one (e.g. twentytwentythree)."
            case .unsupported(let reason):
                return "The header method can only hide regular plugins WordPress activates by file: \(reason). Use --method move (or leave --method out)."
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
