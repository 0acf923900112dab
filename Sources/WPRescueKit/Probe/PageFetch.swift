import Foundation

/// One HTTP request a probe makes, independent of the HTTP library.
public struct PageRequest: Equatable, Sendable {
    public var url: String
    public var headers: [String: String]
    /// `host:port:address` entries, like curl's --resolve: reach the origin behind a CDN.
    public var resolve: [String]
    public var timeout: TimeInterval
    public var connectTimeout: TimeInterval
    public var maximumRedirects: Int
    public var verifyTLS: Bool
    /// Bodies are kept up to this size; the rest is read and dropped.
    public var bodyLimit: Int

    public init(url: String, headers: [String: String] = [:], resolve: [String] = [], timeout: TimeInterval = 20,
                connectTimeout: TimeInterval = 5, maximumRedirects: Int = 10, verifyTLS: Bool = true, bodyLimit: Int = 512 * 1024) {
        self.url = url
        self.headers = headers
        self.resolve = resolve
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maximumRedirects = maximumRedirects
        self.verifyTLS = verifyTLS
        self.bodyLimit = bodyLimit
    }
}

/// Where the time of a request went, in seconds from its start.
public struct PageTimings: Equatable, Sendable, Codable {
    public var dns: Double
    public var connect: Double
    public var tls: Double
    public var firstByte: Double
    public var total: Double

    public init(dns: Double = 0, connect: Double = 0, tls: Double = 0, firstByte: Double = 0, total: Double = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
    }
}

/// What came back, or why nothing did.
public struct PageResponse: Equatable, Sendable {
    public enum Failure: Equatable, Sendable {
        case timeout
        case connectionRefused
        case dnsFailure
        case tlsError(String)
        case tooManyRedirects
        /// The server closed the connection without a response, or sent garbage.
        case emptyReply
        case other(String)
    }

    public var status: Int?
    public var headers: [String: String]
    public var body: Data
    public var effectiveURL: String
    public var redirects: Int
    public var timings: PageTimings
    public var failure: Failure?

    public init(status: Int?, headers: [String: String] = [:], body: Data = Data(), effectiveURL: String, redirects: Int = 0,
                timings: PageTimings = PageTimings(), failure: Failure? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirects = redirects
        self.timings = timings
        self.failure = failure
    }
}

/// Fetches pages; the libcurl backend lives in its own target.
public protocol PageFetcher {
    func fetch(_ request: PageRequest) -> PageResponse
}
