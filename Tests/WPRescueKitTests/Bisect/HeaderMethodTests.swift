import Foundation
import Testing
@testable import WPRescueKit

/// The parts of the header method that need no web server: where the signed header may go,
/// and how long a move must wait for PHP's opcache.
struct HeaderMethodTests {
    /// Answers from a table by host and path, and records the headers each request carried.
    final class RedirectingFetcher: PageFetcher {
        var sent: [(url: String, headers: [String: String])] = []
        let routes: [String: PageResponse]

        init(routes: [String: PageResponse]) { self.routes = routes }

        func fetch(_ request: PageRequest) -> PageResponse {
            sent.append((request.url, request.headers))
            let key = request.url.components(separatedBy: "?").first ?? request.url
            return routes[key] ?? PageResponse(status: 404, effectiveURL: request.url)
        }
    }

    static let page = Data(String(repeating: "<p>WordPress page</p>", count: 20).utf8)

    @Test func `the signed header follows a redirect on the same origin but never to another host`() {
        let fetcher = RedirectingFetcher(routes: [
            "http://site.test/": PageResponse(status: 301, headers: ["location": "/home/"], effectiveURL: ""),
            "http://site.test/home/": PageResponse(status: 302, headers: ["location": "https://cdn.example/elsewhere"], effectiveURL: ""),
            "https://cdn.example/elsewhere": PageResponse(status: 200, body: Self.page, effectiveURL: ""),
        ])
        let prober = Prober(fetcher: fetcher)
        let (result, _, _) = prober.probePage("http://site.test/", originHeaders: ["X-WPRescue-Bisect": "v1.1.00.signed"])
        #expect(result.verdict == .healthy)
        #expect(result.redirects == 2)
        #expect(fetcher.sent.map { $0.headers["X-WPRescue-Bisect"] } == ["v1.1.00.signed", "v1.1.00.signed", nil])
        #expect(fetcher.sent.allSatisfy { $0.headers["Cache-Control"] == "no-cache" })
    }

    @Test func `a port or scheme change is another origin`() {
        #expect(Prober.origin(of: "http://Site.test/a") == Prober.origin(of: "http://site.test:80/b"))
        #expect(Prober.origin(of: "http://site.test/") != Prober.origin(of: "https://site.test/"))
        #expect(Prober.origin(of: "http://site.test:8080/") != Prober.origin(of: "http://site.test/"))
    }

    @Test func `redirects beyond the limit are a redirect loop`() {
        let fetcher = RedirectingFetcher(routes: [
            "http://site.test/": PageResponse(status: 302, headers: ["location": "/welcome/"], effectiveURL: ""),
            "http://site.test/welcome/": PageResponse(status: 302, headers: ["location": "/"], effectiveURL: ""),
        ])
        let (result, _, _) = Prober(fetcher: fetcher).probePage("http://site.test/", originHeaders: ["X-WPRescue-Bisect": "x"])
        #expect(result.verdict == .redirectLoop)
    }

    @Test(arguments: [
        (HeaderBisectOracle.OpcacheSettings(enabled: false, validateTimestamps: true, revalidateFrequency: 2), 0.0 as Double?),
        (HeaderBisectOracle.OpcacheSettings(enabled: true, validateTimestamps: true, revalidateFrequency: 0), 0),
        (HeaderBisectOracle.OpcacheSettings(enabled: true, validateTimestamps: true, revalidateFrequency: 2), 2),
        (HeaderBisectOracle.OpcacheSettings(enabled: true, validateTimestamps: false, revalidateFrequency: 2), nil),
    ])
    func `moved files are stale for as long as opcache says`(settings: HeaderBisectOracle.OpcacheSettings, stale: Double?) {
        #expect(settings.staleFor == stale)
    }

    @Test func `the companion answers the info request with what the settings decode from`() throws {
        let json = Data(#"{"enabled":true,"validateTimestamps":true,"revalidateFrequency":2}"#.utf8)
        let settings = try JSONDecoder().decode(HeaderBisectOracle.OpcacheSettings.self, from: json)
        #expect(settings.staleFor == 2)
        let source = CompanionPlugin.source(secret: "s3cret", files: ["a/a.php", "b.php"], themeIndex: nil, fallbackTheme: nil)
        for key in ["'enabled'", "'validateTimestamps'", "'revalidateFrequency'", "hash_equals", "'a/a.php', 'b.php'"] {
            #expect(source.contains(key), "\(key)")
        }
    }

    @Test func `a slow or timed-out gateway error reads as load, a quick 502 as the plugin set`() {
        func report(_ verdict: ProbeVerdict, firstByte: Double) -> Prober.Report {
            Prober.Report(verdict: verdict, pages: [Prober.PageResult(url: "u", verdict: verdict, status: nil, evidence: "",
                                                                      timings: PageTimings(firstByte: firstByte), bytes: 0,
                                                                      effectiveURL: "u", redirects: 0)])
        }
        #expect(SiteBisectOracle.answer(for: report(.badGateway, firstByte: 0.02)) == .broken(transient: true))
        #expect(SiteBisectOracle.answer(for: report(.badGateway, firstByte: 5)) == .overloaded)
        #expect(SiteBisectOracle.answer(for: report(.gatewayTimeout, firstByte: 0.1)) == .overloaded)
        #expect(SiteBisectOracle.answer(for: report(.timeout, firstByte: 0)) == .overloaded)
        #expect(SiteBisectOracle.answer(for: report(.criticalError, firstByte: 5)) == .broken(transient: false))
    }
}
