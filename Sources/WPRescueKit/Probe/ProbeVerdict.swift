import Foundation

/// What a first-time visitor gets, as one stable word (documented in the README; JSON uses
/// the raw values).
public enum ProbeVerdict: String, Sendable, Codable, CaseIterable {
    case healthy
    case badGateway = "bad-gateway"
    case gatewayTimeout = "gateway-timeout"
    /// 503, including WordPress's "Briefly unavailable for scheduled maintenance".
    case serviceUnavailable = "service-unavailable"
    /// WordPress's "There has been a critical error on this website" page.
    case criticalError = "critical-error"
    case databaseError = "database-error"
    /// Any other 5xx, such as Apache's own 500 for a broken .htaccess.
    case serverError = "server-error"
    /// 2xx with an empty or near-empty body.
    case whiteScreen = "white-screen"
    /// A PHP "Fatal error:" printed into the page.
    case phpErrorShown = "php-error-shown"
    case redirectLoop = "redirect-loop"
    case timeout
    case connectionRefused = "connection-refused"
    case dnsFailure = "dns-failure"
    case tlsError = "tls-error"
    /// The server hung up without answering (often a crashed PHP worker behind a proxy).
    case emptyReply = "empty-reply"
    /// A 4xx where a page should be.
    case clientError = "client-error"
    /// The page loaded but lacks the text given with --expect.
    case expectedTextMissing = "expected-text-missing"
    case networkError = "network-error"

    public var isHealthy: Bool { self == .healthy }

    /// How far a request got: 0 healthy; 1 WordPress ran and showed an error of its own;
    /// 2 the server or PHP failed before WordPress could; 3 a failure that is no step toward
    /// a working site (a 404, a redirect loop, an unreachable host).
    var depth: Int {
        switch self {
        case .healthy: return 0
        case .criticalError, .phpErrorShown, .databaseError, .whiteScreen: return 1
        case .badGateway, .gatewayTimeout, .serviceUnavailable, .serverError, .timeout, .emptyReply: return 2
        case .redirectLoop, .clientError, .expectedTextMissing, .connectionRefused, .dnsFailure, .tlsError, .networkError: return 3
        }
    }

    /// True when this verdict, after a change, shows the site got further than `before` did.
    public func isProgress(from before: ProbeVerdict) -> Bool {
        depth < before.depth
    }

    /// Broken verdicts that can come from load rather than from the site's code: worth
    /// confirming before acting on them. A healthy verdict is always trusted.
    public var mayBeTransient: Bool {
        switch self {
        case .badGateway, .gatewayTimeout, .timeout, .emptyReply, .networkError: return true
        case .serviceUnavailable: return true
        case .healthy, .criticalError, .databaseError, .serverError, .whiteScreen, .phpErrorShown, .redirectLoop,
             .connectionRefused, .dnsFailure, .tlsError, .clientError, .expectedTextMissing:
            return false
        }
    }

    /// One sentence for people.
    public var explanation: String {
        switch self {
        case .healthy: return "the page loads normally"
        case .badGateway: return "502 Bad Gateway: the web server got no valid answer from PHP (a crashed or stopped PHP-FPM worker)"
        case .gatewayTimeout: return "504 Gateway Timeout: PHP took too long to answer"
        case .serviceUnavailable: return "503 Service Unavailable (maintenance mode, or the server is overloaded)"
        case .criticalError: return "WordPress's \"critical error\" page: a PHP fatal error in a plugin, theme or core"
        case .databaseError: return "\"Error establishing a database connection\": WordPress cannot reach its database"
        case .serverError: return "a 5xx error from the web server itself (often a broken .htaccess or server configuration)"
        case .whiteScreen: return "a blank page: PHP stopped before printing anything"
        case .phpErrorShown: return "a PHP fatal error is printed on the page"
        case .redirectLoop: return "the page redirects in a loop (check siteurl/home and HTTPS settings)"
        case .timeout: return "no answer before the time limit"
        case .connectionRefused: return "nothing accepts connections at that address and port (web server down?)"
        case .dnsFailure: return "the host name does not resolve"
        case .tlsError: return "the HTTPS handshake failed (certificate or TLS setup)"
        case .emptyReply: return "the server closed the connection without answering"
        case .clientError: return "a 4xx answer where a page should be"
        case .expectedTextMissing: return "the page loads but lacks the expected text"
        case .networkError: return "a network error"
        }
    }
}

/// Reads a response the way a person would read the page.
public enum VerdictClassifier {
    static let criticalErrorMarker = "There has been a critical error on this website"
    static let databaseErrorMarker = "Error establishing a database connection"
    static let maintenanceMarker = "Briefly unavailable for scheduled maintenance"
    /// Below this many non-whitespace bytes a 2xx page counts as blank.
    static let whiteScreenThreshold = 64

    public static func classify(_ response: PageResponse, expectedText: [String] = []) -> (ProbeVerdict, evidence: String) {
        if let failure = response.failure {
            switch failure {
            case .timeout: return (.timeout, "no complete answer within the time limit")
            case .connectionRefused: return (.connectionRefused, "connection refused")
            case .dnsFailure: return (.dnsFailure, "could not resolve the host name")
            case .tlsError(let detail): return (.tlsError, detail)
            case .tooManyRedirects: return (.redirectLoop, "more than the allowed redirects, last at \(response.effectiveURL)")
            case .emptyReply: return (.emptyReply, "empty reply from the server")
            case .other(let detail): return (.networkError, detail)
            }
        }
        let status = response.status ?? 0
        let body = response.body
        let statusText = "HTTP \(status)"
        if contains(body, databaseErrorMarker) { return (.databaseError, "\(statusText), page says \"\(databaseErrorMarker)\"") }
        if contains(body, criticalErrorMarker) { return (.criticalError, "\(statusText), page says \"\(criticalErrorMarker)\"") }
        if contains(body, maintenanceMarker) { return (.serviceUnavailable, "\(statusText), WordPress maintenance page") }
        switch status {
        case 502: return (.badGateway, statusText)
        case 503: return (.serviceUnavailable, statusText)
        case 504: return (.gatewayTimeout, statusText)
        default: break
        }
        if let line = phpFatalLine(in: body) { return (.phpErrorShown, "\(statusText), page shows \"\(line)\"") }
        if status >= 500 { return (.serverError, statusText) }
        if status >= 400 { return (.clientError, statusText) }
        if (200..<300).contains(status) {
            let visible = body.filter { !(($0 == 0x20) || ($0 >= 0x09 && $0 <= 0x0d)) }.count
            if visible < whiteScreenThreshold { return (.whiteScreen, "\(statusText) with \(visible) visible bytes") }
        }
        for text in expectedText where !contains(body, text) {
            return (.expectedTextMissing, "\(statusText), page lacks \"\(text)\"")
        }
        return (.healthy, "\(statusText), \(body.count) bytes")
    }

    static func contains(_ body: Data, _ text: String) -> Bool {
        body.range(of: Data(text.utf8)) != nil
    }

    /// The visible "Fatal error: …" line, tags stripped, if the page prints one.
    static func phpFatalLine(in body: Data) -> String? {
        guard let range = body.range(of: Data("Fatal error".utf8)) else { return nil }
        let end = body[range.lowerBound...].firstIndex(of: UInt8(ascii: "\n")) ?? body.endIndex
        let text = String(decoding: body[range.lowerBound..<min(end, range.lowerBound + 300)], as: UTF8.self)
        let stripped = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        // A real PHP error reads "Fatal error: message in /path"; prose that mentions the phrase does not.
        guard stripped.range(of: #"^Fatal error\s*:"#, options: .regularExpression) != nil else { return nil }
        return stripped.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
