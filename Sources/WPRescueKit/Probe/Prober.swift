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

    /// Fetches one page with `originHeaders` sent to the probed origin only (scheme, host and
    /// port of `url`): redirects are followed here, one hop at a time, because libcurl would
    /// send custom headers on to whatever host a redirect names. Returns the page and the
    /// headers and body of the last response (the body with any block the companion added).
    func probePage(_ url: String, originHeaders: [String: String]) -> (page: PageResult, headers: [String: String], body: Data) {
        var headers = options.headers
        headers["Cache-Control"] = "no-cache"
        headers["Pragma"] = "no-cache"
        let origin = Self.origin(of: url)
        var current = Self.cacheBusted(url)
        var redirects = 0
        let maximumRedirects = 10
        while true {
            var hopHeaders = headers
            if origin != nil, Self.origin(of: current) == origin { hopHeaders.merge(originHeaders) { _, secret in secret } }
            let request = PageRequest(url: current, headers: hopHeaders, resolve: options.resolve, timeout: options.timeout,
                                      maximumRedirects: 0, verifyTLS: options.verifyTLS)
            var response = fetcher.fetch(request)
            if let status = response.status, (300..<400).contains(status), status != 304, let location = response.headers["location"],
               let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL.absoluteString {
                if redirects < maximumRedirects {
                    redirects += 1
                    current = next
                    continue
                }
                response.failure = .tooManyRedirects
            }
            response.redirects = redirects
            // Judged as a visitor would get it: without the companion's block, which only signed requests get.
            var visible = response
            visible.body = CapturedError.removingBlock(from: response.body)
            let (verdict, evidence) = VerdictClassifier.classify(visible, expectedText: options.expectedText)
            let page = PageResult(url: url, verdict: verdict, status: response.status, evidence: evidence, timings: response.timings,
                                  bytes: visible.body.count, effectiveURL: current, redirects: redirects)
            return (page, response.headers, response.body)
        }
    }

    /// `scheme://host:port`, lowercased, with the scheme's default port filled in.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : 0)
        return "\(scheme)://\(host):\(port)"
    }

    /// Adds a unique query parameter so no page cache or CDN answers in the site's place.
    static func cacheBusted(_ url: String) -> String {
        let token = "wprescue-probe=\(UInt64(Date().timeIntervalSince1970 * 1000))\(UInt16.random(in: 0...UInt16.max))"
        if let hash = url.firstIndex(of: "#") { return cacheBusted(String(url[..<hash])) }
        return url + (url.contains("?") ? "&" : "?") + token
    }
}
