import ArgumentParser
import Foundation
import WPRescueHTTP
import WPRescueKit

/// How to reach the site over HTTP; shared by probe, bisect, diagnose and rescue.
struct ProbeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A page to probe (repeatable). Default: the home URL and /wp-login.php.", valueName: "url"))
    var url: [String] = []

    @Option(name: .long, help: ArgumentHelp("Text the page must contain to count as healthy (repeatable).", valueName: "text"))
    var expect: [String] = []

    @Option(name: .long, help: ArgumentHelp("Send requests for host:port to this address, bypassing DNS and a CDN (like curl --resolve).", valueName: "host:port:address"))
    var resolve: [String] = []

    @Option(name: .long, help: "Seconds a page may take.")
    var timeout: Double = 20

    @Flag(name: .long, help: "Accept invalid TLS certificates.")
    var insecure = false

    func validate() throws {
        for entry in resolve where entry.split(separator: ":", omittingEmptySubsequences: false).count < 3 {
            throw ValidationError("--resolve takes host:port:address, got '\(entry)'.")
        }
        for page in url where !(page.hasPrefix("http://") || page.hasPrefix("https://")) {
            throw ValidationError("--url takes an http:// or https:// address, got '\(page)'.")
        }
        if timeout <= 0 { throw ValidationError("--timeout must be positive.") }
    }

    func prober(headers: [String: String] = [:]) -> Prober {
        var options = Prober.Options()
        options.expectedText = expect
        options.resolve = resolve
        options.timeout = timeout
        options.verifyTLS = !insecure
        options.headers = headers
        return Prober(fetcher: CurlPageFetcher(), options: options)
    }

    /// --url, else the alias's url, else what the site says its home is.
    func pages(context: CommandContext) throws -> [String] {
        if !url.isEmpty { return try url.map { try Self.web($0, from: "--url") } }
        if context.global.site != nil || ProcessInfo.processInfo.environment["WPRESCUE_SITE"] != nil {
            let site = try context.site()
            if let alias = context.alias?.url { return Prober.defaultURLs(home: try Self.web(alias, from: "the alias's url")) }
            if let home = try? SiteURLs.home(of: site) { return Prober.defaultURLs(home: try Self.web(home, from: "WP_HOME/WP_SITEURL in wp-config.php")) }
            if let home = SiteDatabase.home(context, site: site) {
                return Prober.defaultURLs(home: try Self.web(home, from: "the `home` option in the database"))
            }
        }
        throw CLIError.invalidArguments("No URL to probe: pass --url https://example.com/ (or give the alias a `url:`); the site's address was neither in wp-config.php nor in a reachable database.")
    }

    /// Probes speak HTTP only: a home URL a hacked site set to file:// or gopher:// is refused, not fetched.
    static func web(_ url: String, from source: String) throws -> String {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard url.contains("://"), scheme == "http" || scheme == "https" else {
            let shown = TerminalText.inert(String(url.prefix(80)))
            throw CLIError.invalidArguments("\(shown) (from \(source)) is not an http:// or https:// address; wprescue probes only web pages. Pass --url https://example.com/.")
        }
        return url
    }
}
