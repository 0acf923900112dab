import Foundation

/// Where WordPress believes the site is: WP_HOME and WP_SITEURL in wp-config.php (which win) and
/// the `home` and `siteurl` options (Settings → General). `home` is the address visitors use;
/// `siteurl` is where WordPress's own files are, so wp-login.php, wp-admin and the login
/// cookie's path follow it.
public struct SiteAddressSettings: Sendable, Equatable, Codable {
    public var homeConstant: String?
    public var siteURLConstant: String?
    public var homeOption: String?
    public var siteURLOption: String?
    /// False when the database could not be read, so the options are unknown.
    public var optionsRead: Bool
    /// WP_HOME or WP_SITEURL defined with a value computed when PHP runs (`'https://' .
    /// $_SERVER['HTTP_HOST']`): it wins over the option, but its value is only known from the pages.
    public var computedConstants: [String] = []

    public init(homeConstant: String? = nil, siteURLConstant: String? = nil, homeOption: String? = nil, siteURLOption: String? = nil,
                optionsRead: Bool = true) {
        self.homeConstant = homeConstant
        self.siteURLConstant = siteURLConstant
        self.homeOption = homeOption
        self.siteURLOption = siteURLOption
        self.optionsRead = optionsRead
    }

    /// The addresses WordPress uses: the constant when defined, else the option (unknown when
    /// the constant is computed).
    public var home: String? { homeConstant ?? (computedConstants.contains("WP_HOME") ? nil : homeOption) }
    public var siteURL: String? { siteURLConstant ?? (computedConstants.contains("WP_SITEURL") ? nil : siteURLOption) }

    /// Reads the constants from wp-config.php and, with a database, the options.
    public static func read(site: Site, database: WordPressDatabase?, tablePrefix: String) throws -> SiteAddressSettings {
        let contents = try site.fileSystem.readWhole(site.layout.configFile, limit: 4 << 20)
        let constants = ConfigPathReader.literalStrings(in: contents, names: ["WP_HOME", "WP_SITEURL"])
        var settings = SiteAddressSettings(homeConstant: constants["WP_HOME"], siteURLConstant: constants["WP_SITEURL"], optionsRead: false)
        if let config = try? WPConfigFile(data: contents) {
            settings.computedConstants = ["WP_HOME", "WP_SITEURL"].filter { config.definition(of: $0) != nil && constants[$0] == nil }
        }
        if let database {
            let options = try WordPressOptions.read(["home", "siteurl"], from: database, tablePrefix: tablePrefix)
            settings.homeOption = options["home"]
            settings.siteURLOption = options["siteurl"]
            settings.optionsRead = true
        }
        return settings
    }
}

/// What the server answers for the site's address, one hop at a time, without cookies: the
/// chains of the home page, of wp-login.php and of wp-admin, where the login form posts to,
/// and the cookie wp-login.php sets.
public struct SiteAddressObservation: Sendable, Codable, Equatable {
    public struct Hop: Sendable, Codable, Equatable {
        public var url: String
        public var status: Int?
        public var location: String?
        /// Why nothing came back (connection refused, DNS...), for the last hop.
        public var failure: String?
    }

    public struct Chain: Sendable, Codable, Equatable {
        public var hops: [Hop]
        /// True when a URL came back, or the chain did not end within the redirect limit.
        public var loops: Bool
        public var start: String { hops.first?.url ?? "" }
        public var last: Hop? { hops.last }
        /// The URL the chain settled on (the last hop's).
        public var final: String { hops.last?.url ?? "" }
        public var reached: Bool { hops.last.map { $0.failure == nil && $0.status != nil } ?? false }
    }

    public var homePage: Chain
    public var loginPage: Chain
    public var admin: Chain
    /// The login form's action (where the password goes), from wp-login.php's page.
    public var loginFormAction: String?
    /// The chain of the form's action fetched as a page, when it is on another origin than the
    /// login page: a server that redirects it loses the posted login.
    public var loginFormTarget: Chain?
    /// The Domain and Path of the test cookie wp-login.php sets, when visible.
    public var cookieDomain: String?
    public var cookiePaths: [String]

    /// Fetches the chains with `fetcher`, starting from `visitorURL` (the address people type).
    public static func observe(visitorURL: String, fetcher: PageFetcher, resolve: [String] = [], timeout: TimeInterval = 15,
                               verifyTLS: Bool = true) -> SiteAddressObservation {
        let base = SiteAddressCheck.trimmed(visitorURL)
        var lastBody = Data(), lastHeaders: [String: String] = [:]
        func chain(_ url: String) -> Chain {
            var hops: [Hop] = []
            var seen: Set<String> = []
            var current = url
            while true {
                let response = fetcher.fetch(PageRequest(url: current, headers: ["Cache-Control": "no-cache", "Pragma": "no-cache"], resolve: resolve,
                                                         timeout: timeout, maximumRedirects: 0, verifyTLS: verifyTLS, bodyLimit: 256 * 1024))
                var hop = Hop(url: current, status: response.status, location: nil, failure: response.failure.map { "\($0)" })
                seen.insert(current)
                lastBody = response.body
                lastHeaders = response.headers
                if let status = response.status, (300..<400).contains(status), status != 304, let location = response.headers["location"],
                   let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL.absoluteString,
                   next.lowercased().hasPrefix("http://") || next.lowercased().hasPrefix("https://") {
                    hop.location = next
                    hops.append(hop)
                    if seen.contains(next) || hops.count >= 10 { return Chain(hops: hops, loops: true) }
                    current = next
                    continue
                }
                hops.append(hop)
                return Chain(hops: hops, loops: false)
            }
        }
        let home = chain(base + "/")
        let login = chain(base + "/wp-login.php")
        let loginBody = String(decoding: lastBody, as: UTF8.self)
        let cookies = (lastHeaders["set-cookie"] ?? "").split(separator: "\n").map(String.init)
        let action = SiteAddressCheck.loginFormAction(in: loginBody)
        let admin = chain(base + "/wp-admin/")
        var target: Chain?
        if let action, let loginFinal = login.last?.url, SiteAddressCheck.origin(action) != SiteAddressCheck.origin(loginFinal) {
            target = chain(action)
        }
        let testCookie = cookies.filter { $0.hasPrefix("wordpress_test_cookie=") }
        return SiteAddressObservation(homePage: home, loginPage: login, admin: admin, loginFormAction: action, loginFormTarget: target,
                                      cookieDomain: testCookie.lazy.compactMap { SiteAddressCheck.cookieAttribute("domain", in: $0) }.first,
                                      cookiePaths: testCookie.compactMap { SiteAddressCheck.cookieAttribute("path", in: $0) })
    }
}

/// Compares where WordPress thinks the site is with what the server answers, and says in one
/// line what is wrong and which `wprescue url set` puts it right. Pure: no I/O.
public enum SiteAddressCheck {
    public enum Problem: String, Sendable, Codable {
        /// wp-login.php or wp-admin redirects round in a circle.
        case loginLoop = "login-loop"
        /// The login form posts to an address the server redirects, so the login is lost.
        case loginPostRedirected = "login-post-redirected"
        /// home and siteurl are on different origins: the cookie set on one is asked for on the other.
        case homeAndSiteURLDiffer = "home-siteurl-differ"
        /// The server sends the home page to another origin (http → https, www → bare).
        case serverMovesHome = "server-moves-home"
        /// The home page goes round between WordPress's address and the one the server insists on.
        case homeLoop = "home-loop"
        /// WordPress's address does not answer at all.
        case unreachable
        /// The login cookie's Domain is not the site's host (COOKIE_DOMAIN).
        case cookieDomain = "cookie-domain"
    }

    public struct Verdict: Sendable, Codable, Equatable {
        public var problem: Problem?
        /// One line people can act on.
        public var explanation: String {
            problemText + (fixArguments.map { " Fix: `wprescue \($0.joined(separator: " "))`." } ?? "")
        }
        /// What is wrong, without the command.
        public var problemText: String
        /// The address `url set` should be given, and for which fields (nil: both).
        public var fixURL: String?
        public var fixOnly: SetSiteAddress.Field?
        /// Things worth knowing that are not the problem (a constant that hides an option).
        public var notes: [String]

        /// The arguments of the `wprescue url set` that fixes it.
        public var fixArguments: [String]? {
            guard let fixURL else { return nil }
            return ["url", "set", fixURL] + (fixOnly.map { ["--only", $0.rawValue] } ?? [])
        }
    }

    public static func judge(_ settings: SiteAddressSettings, observed: SiteAddressObservation) -> Verdict {
        var notes: [String] = []
        if let constant = settings.homeConstant, let option = settings.homeOption, trimmed(constant) != trimmed(option) {
            notes.append("WP_HOME in wp-config.php (\(constant)) overrides the home option (\(option)).")
        }
        if let constant = settings.siteURLConstant, let option = settings.siteURLOption, trimmed(constant) != trimmed(option) {
            notes.append("WP_SITEURL in wp-config.php (\(constant)) overrides the siteurl option (\(option)).")
        }
        // Without the database (an SFTP account that may not forward), the pages say what the
        // options would: wp-login.php's form posts to siteurl, and the visitor came in at home.
        var inferredSiteURL: String?
        if settings.siteURL == nil, let action = observed.loginFormAction, action.hasSuffix("/wp-login.php") {
            inferredSiteURL = String(action.dropLast("/wp-login.php".count))
            if !settings.optionsRead { notes.append("The database cannot be read from here: siteurl is taken from where the login form posts (\(action)).") }
        }
        for name in settings.computedConstants {
            notes.append("\(name) is computed in wp-config.php when PHP runs, so its value is read from the pages.")
        }
        let visitorHome = observed.homePage.start.isEmpty ? nil : observed.homePage.start
        let homeUnknown = !settings.optionsRead || settings.computedConstants.contains("WP_HOME")
        guard let home = (settings.home ?? (homeUnknown ? visitorHome : nil)).map(trimmed),
              let siteURL = (settings.siteURL ?? inferredSiteURL).map(trimmed) else {
            return Verdict(problem: nil, problemText: "The site's address is not known: neither wp-config.php nor the database (unreachable from here) says it.",
                           notes: notes)
        }
        // Where the server actually serves the site: where the home page settles, when it does.
        let served: String? = observed.homePage.reached && !observed.homePage.loops
            && (observed.homePage.last?.status).map { $0 < 400 } == true ? origin(observed.homePage.final) : nil

        func verdict(_ problem: Problem, _ text: String, fix: String?, only: SetSiteAddress.Field? = nil) -> Verdict {
            Verdict(problem: problem, problemText: text, fixURL: fix, fixOnly: only, notes: notes)
        }
        let siteURLPath = path(siteURL), homePath = path(home)
        /// In a loop between WordPress's address and another, the other is the one the server
        /// insists on (WordPress only ever sends people to its own); nil when the loop stays on
        /// one origin (a plugin's rule, not the address).
        func insisted(in chain: SiteAddressObservation.Chain, besides own: String?) -> String? {
            chain.hops.lazy.compactMap { origin($0.url) }.first { $0 != own }
        }

        if observed.homePage.loops, let homeOrigin = origin(home),
           observed.homePage.hops.contains(where: { origin($0.url) == homeOrigin }),
           let other = insisted(in: observed.homePage, besides: homeOrigin) {
            let circle = observed.homePage.hops.prefix(4).map { shortened($0.url) }.joined(separator: " → ")
            return verdict(.homeLoop, "The home page goes round between WordPress's home (\(home)) and \(other), where the server sends it back (\(circle) …).",
                           fix: other + homePath, only: origin(siteURL) == homeOrigin && siteURLPath == homePath ? nil : .home)
        }
        for chain in [observed.loginPage, observed.admin] where chain.loops {
            let circle = chain.hops.map { shortened($0.url) }.joined(separator: " → ")
            let fix = (insisted(in: chain, besides: origin(siteURL)) ?? served).map { $0 + siteURLPath }
            return verdict(.loginLoop, "\(page(chain.start)) redirects in a loop (\(circle)), so no login can finish; WordPress's siteurl is \(siteURL).",
                           fix: fix, only: .siteurl)
        }
        if let served, let homeOrigin = origin(home), served != homeOrigin {
            return verdict(.serverMovesHome, "The server sends \(home)/ to \(served), but WordPress's home is \(home): its links and login cookie point at an address the server moves away from.",
                           fix: served + homePath, only: homePath == siteURLPath ? nil : .home)
        }
        if let target = observed.loginFormTarget, let action = observed.loginFormAction,
           let landed = target.last, target.hops.count > 1 || !target.reached {
            let fix = ((target.reached ? origin(landed.url) : nil) ?? served ?? origin(home)).map { $0 + siteURLPath }
            if target.reached {
                return verdict(.loginPostRedirected, "The login form sends the password to \(origin(action) ?? action) (siteurl \(siteURL)), which the server redirects to \(origin(landed.url) ?? landed.url): the login is lost on the way and the form comes back.",
                               fix: fix, only: .siteurl)
            }
            return verdict(.unreachable, "The login form sends the password to \(origin(action) ?? action) (siteurl \(siteURL)), which does not answer (\(landed.failure ?? "no reply")).",
                           fix: fix, only: .siteurl)
        }
        if let homeOrigin = origin(home), let siteOrigin = origin(siteURL), homeOrigin != siteOrigin {
            return verdict(.homeAndSiteURLDiffer, "home is \(home) but siteurl is \(siteURL): wp-login.php and wp-admin live on \(siteOrigin), so a login cookie set on one is missing on the other.",
                           fix: homeOrigin + siteURLPath, only: .siteurl)
        }
        if !observed.homePage.reached {
            return verdict(.unreachable, "\(home)/ does not answer (\(observed.homePage.last?.failure ?? "no reply")); check the address and the server first.", fix: nil)
        }
        if let domain = observed.cookieDomain, let host = URLComponents(string: observed.loginPage.final)?.host?.lowercased(),
           !cookieDomainMatches(domain, host: host) {
            return Verdict(problem: .cookieDomain, problemText: "wp-login.php sets its cookies for the domain \(domain), which is not \(host), so the browser never sends them back: COOKIE_DOMAIN in wp-config.php is wrong. Fix: `wprescue config delete COOKIE_DOMAIN`.",
                           notes: notes)
        }
        return Verdict(problem: nil, problemText: "The addresses agree: home \(home), siteurl \(siteURL), and the server answers there.", notes: notes)
    }

    /// A URL without trailing slashes, as WordPress stores home and siteurl.
    public static func trimmed(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `scheme://host[:port]` lowercased, with a default port left out.
    public static func origin(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        return "\(scheme)://\(host)" + (components.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
    }

    static func path(_ url: String) -> String {
        trimmed(URLComponents(string: url)?.path ?? "")
    }

    static func page(_ url: String) -> String {
        URLComponents(string: url)?.path.split(separator: "/").last.map(String.init) ?? url
    }

    /// A hop as people read it: origin and path, without the query.
    static func shortened(_ url: String) -> String {
        guard let components = URLComponents(string: url), let origin = origin(url) else { return url }
        return origin + components.path
    }

    /// The action of wp-login.php's form (`<form name="loginform" ... action="...">`), unescaped.
    static func loginFormAction(in html: String) -> String? {
        guard let form = html.range(of: "id=\"loginform\""), let action = html[form.upperBound...].range(of: "action=\"") else { return nil }
        let rest = html[action.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&#038;", with: "&").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func cookieAttribute(_ name: String, in cookie: String) -> String? {
        for part in cookie.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1] }
        }
        return nil
    }

    static func cookieDomainMatches(_ domain: String, host: String) -> Bool {
        var domain = domain.lowercased()
        if domain.hasPrefix(".") { domain.removeFirst() }
        return host == domain || host.hasSuffix("." + domain)
    }
}
