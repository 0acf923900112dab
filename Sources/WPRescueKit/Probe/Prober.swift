import Foundation

/// Fetches a site's pages like a first-time visitor and gives one verdict.
public struct Prober {
    public struct Options: Sendable {
        public var expectedText: [String] = []
        public var resolve: [String] = []
        public var timeout: TimeInterval = 20
        public var verifyTLS = true
        /// Extra request headers (bisect's header method sends its token here).
        public var headers: [String: String] = [:]

        public init() {}
    }

    public struct PageResult: Sendable, Codable, Equatable {
        public var url: String
        public var verdict: ProbeVerdict
        public var status: Int?
        public var evidence: String
        public var timings: PageTimings
        public var bytes: Int
        public var effectiveURL: String
        public var redirects: Int
    }

    public struct Report: Sendable, Codable, Equatable {
        /// Healthy only when every page is; otherwise the verdict of the first broken page.
        public var verdict: ProbeVerdict
        public var pages: [PageResult]

        public var isHealthy: Bool { verdict.isHealthy }
        /// True when every broken page's verdict may come from load (worth confirming).
        public var mayBeTransient: Bool { pages.filter { !$0.verdict.isHealthy }.allSatisfy(\.verdict.mayBeTransient) }
    }

    public let fetcher: PageFetcher
    public let options: Options

    public init(fetcher: PageFetcher, options: Options = Options()) {
        self.fetcher = fetcher
        self.options = options
    }

    /// The default pages for a home URL: the home page and the login page. Never
    /// wp-admin/plugins.php, which deactivates plugins that wprescue has moved aside.
    public static func defaultURLs(home: String) -> [String] {
        let trimmed = home.hasSuffix("/") ? String(home.dropLast()) : home
        return [trimmed + "/", trimmed + "/wp-login.php"]
    }

    public func probe(_ urls: [String]) -> Report {
        let pages = urls.map(probePage)
        let verdict = pages.first(where: { !$0.verdict.isHealthy })?.verdict ?? .healthy
        return Report(verdict: verdict, pages: pages)
    }

    func probePage(_ url: String) -> PageResult {
        var headers = options.headers
        headers["Cache-Control"] = "no-cache"
        headers["Pragma"] = "no-cache"
        let request = PageRequest(url: Self.cacheBusted(url), headers: headers, resolve: options.resolve,
                                  timeout: options.timeout, verifyTLS: options.verifyTLS)
        let response = fetcher.fetch(request)
        let (verdict, evidence) = VerdictClassifier.classify(response, expectedText: options.expectedText)
        return PageResult(url: url, verdict: verdict, status: response.status, evidence: evidence, timings: response.timings,
                          bytes: response.body.count, effectiveURL: response.effectiveURL, redirects: response.redirects)
    }

    /// Adds a unique query parameter so no page cache or CDN answers in the site's place.
    static func cacheBusted(_ url: String) -> String {
        let token = "wprescue-probe=\(UInt64(Date().timeIntervalSince1970 * 1000))\(UInt16.random(in: 0...UInt16.max))"
        if let hash = url.firstIndex(of: "#") { return cacheBusted(String(url[..<hash])) }
        return url + (url.contains("?") ? "&" : "?") + token
    }
}
