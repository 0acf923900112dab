import Foundation

/// One event read from a PHP, WordPress, PHP-FPM, nginx or Apache log.
///
/// JSON (stable names, camelCase):
/// - `timestamp`: the time of the entry (encoded with the encoder's date strategy; the CLI uses ISO 8601), absent when the line had none.
/// - `timeZone`: the zone written in the line (`UTC`, `Europe/Berlin`, `+02:00`), absent when the caller's zone was assumed.
/// - `format`: which log wrote it, see `LogFormat`.
/// - `level`: `fatal`, `error`, `warning`, `notice`, `deprecated` or `info`, see `LogLevel`.
/// - `kind`: an object `{"type": "<kebab name>", ...details}`, see `LogEntryKind`.
/// - `label`: the severity word as written (`Fatal error`, `crit`, `WARNING`).
/// - `message`: the text, without prefix, severity and trailing `in FILE on line N`.
/// - `file`, `line`: where PHP says it happened (or the script a server line names).
/// - `stackFrames`: `[{"index", "file", "line", "call"}]`, innermost first.
/// - `attribution`: which part of the site it belongs to, see `LogAttribution`.
/// - `context`: server details (`processID`, `pool`, `module`, `client`, `server`, `request`, `upstream`, `host`, `referrer`), absent for debug.log lines.
/// - `raw`: the entry's lines as read (lossy UTF-8, CR stripped), joined by newlines.
/// - `offset`: the byte offset in the file where the entry's first line starts.
public struct LogEntry: Equatable, Sendable, Codable {
    public var timestamp: Date?
    public var timeZone: String?
    public var format: LogFormat
    public var level: LogLevel
    public var kind: LogEntryKind
    public var label: String?
    public var message: String
    public var file: String?
    public var line: Int?
    public var stackFrames: [LogStackFrame]
    public var attribution: LogAttribution
    public var context: LogServerContext?
    public var raw: String
    public var offset: UInt64

    public init(timestamp: Date?, timeZone: String?, format: LogFormat, level: LogLevel, kind: LogEntryKind,
                label: String?, message: String, file: String?, line: Int?, stackFrames: [LogStackFrame],
                attribution: LogAttribution, context: LogServerContext?, raw: String, offset: UInt64) {
        self.timestamp = timestamp
        self.timeZone = timeZone
        self.format = format
        self.level = level
        self.kind = kind
        self.label = label
        self.message = message
        self.file = file
        self.line = line
        self.stackFrames = stackFrames
        self.attribution = attribution
        self.context = context
        self.raw = raw
        self.offset = offset
    }
}

/// Which program wrote a line. JSON: the raw values.
public enum LogFormat: String, Sendable, Codable, CaseIterable {
    /// PHP's own error_log file, which is what WordPress's debug.log is: `[21-Nov-2026 11:19:51 UTC] PHP ...`.
    case phpErrorLog = "php-error-log"
    /// The PHP-FPM master's log: `[21-Nov-2026 11:19:51] WARNING: [pool www] ...`.
    case phpFPM = "php-fpm"
    /// nginx's error.log: `2026/11/21 11:19:51 [error] 123#123: *5 ...`.
    case nginx
    /// Apache's error.log: `[Sat Nov 21 11:19:51.123456 2026] [php:error] [pid 123] ...`.
    case apache
    /// Lines that belong to no entry wprescue recognizes.
    case unrecognized
}

/// How bad an entry is, from least to most severe; `--level X` keeps X and everything above it.
///
/// PHP's `Parse error`, `Recoverable fatal error` and the server levels `crit`, `alert` and `emerg`
/// count as `fatal`; `Strict Standards` counts as `deprecated`. `info` holds everything that is not a
/// problem report: server housekeeping, lines code wrote with error_log(), unrecognized text.
public enum LogLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case info
    case deprecated
    case notice
    case warning
    case error
    case fatal

    var rank: Int {
        switch self {
        case .info: return 0
        case .deprecated: return 1
        case .notice: return 2
        case .warning: return 3
        case .error: return 4
        case .fatal: return 5
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// What an entry says happened, as far as wprescue can tell.
///
/// JSON: an object whose `type` is the kebab name below, with the case's values beside it, e.g.
/// `{"type": "memory-exhausted", "limitBytes": 134217728}`.
public enum LogEntryKind: Hashable, Sendable {
    /// `php-error`: a PHP error, warning, notice or deprecation with nothing more specific to say.
    case phpError
    /// `parse-error`: PHP could not compile a file (a syntax error; the file never ran).
    case parseError
    /// `uncaught-throwable` (`className`): an exception or Error nobody caught, e.g. `Error`, `TypeError`.
    case uncaughtThrowable(className: String)
    /// `memory-exhausted` (`limitBytes`): "Allowed memory size of N bytes exhausted".
    case memoryExhausted(limitBytes: UInt64)
    /// `time-limit` (`seconds`): "Maximum execution time of N seconds exceeded".
    case timeLimit(seconds: Int)
    /// `database-error`: WordPress's "WordPress database error ... for query ...".
    case databaseError
    /// `logged-message`: a line the site's code wrote with error_log(), with no PHP severity.
    case loggedMessage
    /// `worker-killed` (`signal`): a PHP-FPM child died on a signal (SIGKILL from the OOM killer, SIGSEGV).
    case workerKilled(signal: Int)
    /// `request-terminated`: PHP-FPM killed a request that ran past request_terminate_timeout.
    case requestTerminated
    /// `slow-request`: PHP-FPM's slow log noticed a request running past request_slowlog_timeout.
    case slowRequest
    /// `max-children`: PHP-FPM reached pm.max_children; further requests queue up (504s, 502s).
    case maxChildren
    /// `upstream-closed`: the web server lost the PHP worker mid-request (the worker died): a 502.
    case upstreamClosed
    /// `fpm-unreachable`: the web server could not connect to PHP-FPM (not running, socket missing, permissions): a 502/503.
    case fpmUnreachable
    /// `upstream-timeout`: PHP did not answer in time: a 504.
    case upstreamTimeout
    /// `htaccess-invalid`: Apache refused a directive in an .htaccess file: a 500 for the folder.
    case htaccessInvalid
    /// `redirect-limit`: Apache stopped a rewrite loop (AH00124): a 500.
    case redirectLimit
    /// `server-message`: any other line from PHP-FPM, nginx or Apache.
    case serverMessage
    /// `unrecognized`: text that matched no known format.
    case unrecognized

    /// The kebab name used in JSON and signatures.
    public var name: String {
        switch self {
        case .phpError: return "php-error"
        case .parseError: return "parse-error"
        case .uncaughtThrowable: return "uncaught-throwable"
        case .memoryExhausted: return "memory-exhausted"
        case .timeLimit: return "time-limit"
        case .databaseError: return "database-error"
        case .loggedMessage: return "logged-message"
        case .workerKilled: return "worker-killed"
        case .requestTerminated: return "request-terminated"
        case .slowRequest: return "slow-request"
        case .maxChildren: return "max-children"
        case .upstreamClosed: return "upstream-closed"
        case .fpmUnreachable: return "fpm-unreachable"
        case .upstreamTimeout: return "upstream-timeout"
        case .htaccessInvalid: return "htaccess-invalid"
        case .redirectLimit: return "redirect-limit"
        case .serverMessage: return "server-message"
        case .unrecognized: return "unrecognized"
        }
    }
}

extension LogEntryKind: Codable {
    private enum CodingKeys: String, CodingKey { case type, className, limitBytes, seconds, signal }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .type)
        switch self {
        case .uncaughtThrowable(let className): try container.encode(className, forKey: .className)
        case .memoryExhausted(let limitBytes): try container.encode(limitBytes, forKey: .limitBytes)
        case .timeLimit(let seconds): try container.encode(seconds, forKey: .seconds)
        case .workerKilled(let signal): try container.encode(signal, forKey: .signal)
        case .phpError, .parseError, .databaseError, .loggedMessage, .requestTerminated, .slowRequest, .maxChildren,
             .upstreamClosed, .fpmUnreachable, .upstreamTimeout, .htaccessInvalid, .redirectLimit, .serverMessage, .unrecognized:
            break
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "php-error": self = .phpError
        case "parse-error": self = .parseError
        case "uncaught-throwable": self = .uncaughtThrowable(className: try container.decode(String.self, forKey: .className))
        case "memory-exhausted": self = .memoryExhausted(limitBytes: try container.decode(UInt64.self, forKey: .limitBytes))
        case "time-limit": self = .timeLimit(seconds: try container.decode(Int.self, forKey: .seconds))
        case "database-error": self = .databaseError
        case "logged-message": self = .loggedMessage
        case "worker-killed": self = .workerKilled(signal: try container.decode(Int.self, forKey: .signal))
        case "request-terminated": self = .requestTerminated
        case "slow-request": self = .slowRequest
        case "max-children": self = .maxChildren
        case "upstream-closed": self = .upstreamClosed
        case "fpm-unreachable": self = .fpmUnreachable
        case "upstream-timeout": self = .upstreamTimeout
        case "htaccess-invalid": self = .htaccessInvalid
        case "redirect-limit": self = .redirectLimit
        case "server-message": self = .serverMessage
        case "unrecognized": self = .unrecognized
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "Unknown log entry kind \(type).")
        }
    }
}

/// One line of a PHP stack trace: `#0 /path/file.php(123): func()`.
/// JSON: `index`, `file` (absent for `[internal function]` and `{main}`), `line`, `call`.
public struct LogStackFrame: Equatable, Sendable, Codable {
    public var index: Int
    public var file: String?
    public var line: Int?
    /// The function called from that place, `{main}` for the script itself.
    public var call: String

    public init(index: Int, file: String?, line: Int?, call: String) {
        self.index = index
        self.file = file
        self.line = line
        self.call = call
    }
}

/// What a web server or PHP-FPM said about the request around an entry. JSON: the property names.
public struct LogServerContext: Equatable, Sendable, Codable {
    /// nginx/Apache process id, or the PHP-FPM child's pid.
    public var processID: Int?
    /// PHP-FPM pool name.
    public var pool: String?
    /// Apache module (`php`, `core`, `proxy_fcgi`).
    public var module: String?
    public var client: String?
    public var server: String?
    /// The request line, e.g. `GET /wp-admin/ HTTP/1.1`.
    public var request: String?
    public var upstream: String?
    public var host: String?
    public var referrer: String?

    public init(processID: Int? = nil, pool: String? = nil, module: String? = nil, client: String? = nil,
                server: String? = nil, request: String? = nil, upstream: String? = nil, host: String? = nil,
                referrer: String? = nil) {
        self.processID = processID
        self.pool = pool
        self.module = module
        self.client = client
        self.server = server
        self.request = request
        self.upstream = upstream
        self.host = host
        self.referrer = referrer
    }
}
