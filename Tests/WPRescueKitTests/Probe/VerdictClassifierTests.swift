import Foundation
import Testing
@testable import WPRescueKit

struct VerdictClassifierTests {
    static let healthyPage = "<!DOCTYPE html><html><head><title>My Site</title></head><body>" + String(repeating: "<p>post</p>", count: 20) + "</body></html>"

    static func response(_ status: Int?, _ body: String, failure: PageResponse.Failure? = nil) -> PageResponse {
        PageResponse(status: status, body: Data(body.utf8), effectiveURL: "http://site/", failure: failure)
    }

    @Test(arguments: [
        (response(200, healthyPage), ProbeVerdict.healthy),
        (response(502, "<html><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></html>"), .badGateway),
        (response(504, "<h1>504 Gateway Time-out</h1>"), .gatewayTimeout),
        (response(503, "<h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1>"), .serviceUnavailable),
        (response(503, "Service Unavailable"), .serviceUnavailable),
        (response(500, "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/documentation/article/faq-troubleshooting/\">Learn more</a></p>"), .criticalError),
        (response(500, "<h1>Error establishing a database connection</h1>"), .databaseError),
        (response(200, "<h1>Error establishing a database connection</h1>"), .databaseError),
        (response(500, "<title>500 Internal Server Error</title><p>The server encountered an internal error</p>"), .serverError),
        (response(200, ""), .whiteScreen),
        (response(200, "\n\n   \n"), .whiteScreen),
        (response(500, ""), .serverError),
        (response(200, "<br />\n<b>Fatal error</b>:  Uncaught Error: Call to undefined function nope() in /var/www/wp-content/plugins/x/x.php:3"), .phpErrorShown),
        (response(404, healthyPage), .clientError),
        (response(nil, "", failure: .tooManyRedirects), .redirectLoop),
        (response(nil, "", failure: .timeout), .timeout),
        (response(nil, "", failure: .connectionRefused), .connectionRefused),
        (response(nil, "", failure: .dnsFailure), .dnsFailure),
        (response(nil, "", failure: .tlsError("certificate expired")), .tlsError),
        (response(nil, "", failure: .emptyReply), .emptyReply),
    ])
    func `classifies pages as a visitor would read them`(response: PageResponse, expected: ProbeVerdict) {
        #expect(VerdictClassifier.classify(response).0 == expected)
    }

    @Test func `prose that mentions fatal errors is not a shown PHP error`() {
        let page = Self.healthyPage.replacingOccurrences(of: "<p>post</p>", with: "<p>How to fix a Fatal error in WordPress</p>")
        #expect(VerdictClassifier.classify(Self.response(200, page)).0 == .healthy)
    }

    @Test func `expected text must be on the page`() {
        let page = Self.response(200, Self.healthyPage)
        #expect(VerdictClassifier.classify(page, expectedText: ["My Site"]).0 == .healthy)
        #expect(VerdictClassifier.classify(page, expectedText: ["Checkout"]).0 == .expectedTextMissing)
    }

    @Test func `only load-like failures are worth confirming`() {
        #expect(ProbeVerdict.badGateway.mayBeTransient && ProbeVerdict.timeout.mayBeTransient)
        #expect(!ProbeVerdict.criticalError.mayBeTransient && !ProbeVerdict.healthy.mayBeTransient)
    }

    @Test func `cache busting keeps the query and drops the fragment`() {
        #expect(Prober.cacheBusted("http://a/?p=1#top").hasPrefix("http://a/?p=1&wprescue-probe="))
        #expect(Prober.cacheBusted("http://a/").hasPrefix("http://a/?wprescue-probe="))
        #expect(Prober.cacheBusted("http://a/") != Prober.cacheBusted("http://a/"))
    }

    @Test func `default pages never include wp-admin`() {
        #expect(Prober.defaultURLs(home: "https://example.com/blog/") == ["https://example.com/blog/", "https://example.com/blog/wp-login.php"])
    }
}
