import CCurl
import Foundation
import WPRescueKit

/// Fetches pages through libcurl: precise timeouts, --resolve, redirect control and a
/// timing breakdown. One easy handle per request; global init happens once.
public final class CurlPageFetcher: PageFetcher {
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init() { _ = Self.globalInit }

    public func fetch(_ request: PageRequest) -> PageResponse {
        guard let handle = CurlEasy() else {
            return PageResponse(status: nil, effectiveURL: request.url, failure: .other("libcurl could not start a request"))
        }
        return handle.perform(request)
    }
}

/// One libcurl easy handle and the lists it points to; freed together.
private final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let sink = ResponseSink()

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
        lists.forEach { curl_slist_free_all($0) }
    }

    func perform(_ request: PageRequest) -> PageResponse {
        sink.limit = request.bodyLimit
        var setup: CURLcode = CURLE_OK
        func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
        set(wprescue_curl_set_string(handle, CURLOPT_URL, request.url))
        // A site's home URL or a redirect it sends may name any scheme libcurl knows (file://,
        // gopher://, dict://): a probe only ever speaks HTTP.
        set(wprescue_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(wprescue_curl_set_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        set(wprescue_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, request.maximumRedirects > 0 ? 1 : 0))
        set(wprescue_curl_set_long(handle, CURLOPT_MAXREDIRS, request.maximumRedirects))
        set(wprescue_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000)))
        set(wprescue_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000)))
        set(wprescue_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        set(wprescue_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, request.verifyTLS ? 1 : 0))
        set(wprescue_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, request.verifyTLS ? 2 : 0))
        set(wprescue_curl_set_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        set(wprescue_curl_set_string(handle, CURLOPT_USERAGENT, "wprescue-probe/1 (+https://wprescue.invalid)"))
        if let headers = list(request.headers.sorted(by: { $0.key < $1.key }).map { "\($0.key): \($0.value)" }) {
            set(wprescue_curl_set_list(handle, CURLOPT_HTTPHEADER, headers))
        }
        if let resolve = list(request.resolve) { set(wprescue_curl_set_list(handle, CURLOPT_RESOLVE, resolve)) }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        set(wprescue_curl_set_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().body(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        set(wprescue_curl_set_pointer(handle, CURLOPT_WRITEDATA, context))
        set(wprescue_curl_set_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().header(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        set(wprescue_curl_set_pointer(handle, CURLOPT_HEADERDATA, context))
        guard setup == CURLE_OK else {
            return PageResponse(status: nil, effectiveURL: request.url, failure: .other(String(cString: curl_easy_strerror(setup))))
        }

        let code = curl_easy_perform(handle)
        var status = 0, redirects = 0
        _ = wprescue_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = wprescue_curl_get_long(handle, CURLINFO_REDIRECT_COUNT, &redirects)
        var effective: UnsafeMutablePointer<CChar>?
        _ = wprescue_curl_get_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        return PageResponse(status: status == 0 ? nil : status, headers: sink.headers, body: sink.data,
                            effectiveURL: effective.map { String(cString: $0) } ?? request.url, redirects: redirects,
                            timings: timings(), failure: Self.failure(code))
    }

    private func timings() -> PageTimings {
        func seconds(_ info: CURLINFO) -> Double {
            var value = 0.0
            _ = wprescue_curl_get_double(handle, info, &value)
            return value
        }
        return PageTimings(dns: seconds(CURLINFO_NAMELOOKUP_TIME), connect: seconds(CURLINFO_CONNECT_TIME),
                           tls: seconds(CURLINFO_APPCONNECT_TIME), firstByte: seconds(CURLINFO_STARTTRANSFER_TIME),
                           total: seconds(CURLINFO_TOTAL_TIME))
    }

    private func list(_ items: [String]) -> UnsafeMutablePointer<curl_slist>? {
        guard !items.isEmpty else { return nil }
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items { list = curl_slist_append(list, item) }
        if let list { lists.append(list) }
        return list
    }

    private static func failure(_ code: CURLcode) -> PageResponse.Failure? {
        switch code {
        case CURLE_OK: return nil
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT: return .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dnsFailure
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tlsError(String(cString: curl_easy_strerror(code)))
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE: return .emptyReply
        default: return .other(String(cString: curl_easy_strerror(code)))
        }
    }
}

/// Collects headers of the last response and the body, up to a limit.
private final class ResponseSink {
    var data = Data()
    var headers: [String: String] = [:]
    var limit = Int.max

    func body(_ bytes: UnsafeRawBufferPointer) {
        let room = max(0, limit - data.count)
        if room > 0 { data.append(contentsOf: bytes.prefix(room)) }
    }

    func header(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") { headers = [:]; return } // a new response after a redirect
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased(), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        // Several Set-Cookie headers cannot be folded with commas (dates hold commas): one per line.
        if name == "set-cookie", let earlier = headers[name] { headers[name] = earlier + "\n" + value } else { headers[name] = value }
    }
}
