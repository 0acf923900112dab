import Foundation

/// The temporary must-use plugin wprescue talks to with requests signed by the run's secret
/// (see `LookSignature`). It is written once per run under a new name (so no opcache entry can
/// be stale), as a step of the run's journaled operation, and removed the same way. A request
/// without a valid signature, that is every visitor's, gets the site unchanged. For signed
/// requests it:
/// - answers `info` before any plugin loads: PHP's opcache and error-log settings as they are
///   once WordPress has applied WP_DEBUG (`Info`);
/// - hides the plugin set a bisect look names (`HeaderBisectOracle`);
/// - when the request ends in a fatal error, appends PHP's own report of it (`error_get_last()`,
///   with an uncaught exception's stack) to that response only, in a marked block
///   (`CapturedError`). Nothing is shown to visitors or written on the site.
public final class CompanionPlugin {
    /// The request header carrying the signed order (the name bisect has always used).
    public static let headerName = "X-WPRescue-Bisect"
    /// Sent back on requests the companion verified, with the request's number.
    static let acknowledgementHeader = "x-wprescue-bisect-seen"
    /// The order that asks for `Info` only.
    static let infoOrder = "info"
    /// The file name's prefix, so a companion left behind by a killed run is recognizable.
    public static let filePrefix = "wprescue-bisect-"

    /// What PHP itself says, read by the companion inside the site's PHP.
    public struct Info: Sendable, Equatable, Decodable {
        public var opcache: HeaderBisectOracle.OpcacheSettings
        /// Absent from a companion that predates it.
        public var php: PHPErrorSettings?

        public init(from decoder: Decoder) throws {
            opcache = try HeaderBisectOracle.OpcacheSettings(from: decoder)
            php = try decoder.container(keyedBy: Keys.self).decodeIfPresent(PHPErrorSettings.self, forKey: .php)
        }

        private enum Keys: String, CodingKey { case php }
    }

    public enum Failure: Error, LocalizedError {
        /// The companion was written but a signed request did not reach it.
        case companionSilent(String)
        public var errorDescription: String? {
            switch self {
            case .companionSilent(let detail):
                "The temporary must-use plugin did not answer wprescue's signed request (\(detail))."
            }
        }
    }

    private let fileSystem: SiteFileSystem
    private let operation: JournalOperationWriter
    private let folder: String
    public let path: String
    let signature: LookSignature
    private let counter = Counter()
    private var createdFolder = false
    private var written = false

    public init(site: Site, operation: JournalOperationWriter) {
        self.fileSystem = site.fileSystem
        self.operation = operation
        self.signature = LookSignature(secretHex: LookSignature.newSecret())
        self.folder = site.layout.mustUsePluginDirectory
        self.path = SitePath.join(folder, "\(Self.filePrefix)\(LookSignature.newSecret().prefix(12)).php")
    }

    /// Writes the companion (and the must-use folder when there is none). `files` are the
    /// plugin files a bisect may hide, `themeIndex` the one standing for the active theme.
    public func install(files: [String] = [], themeIndex: Int? = nil, fallbackTheme: String? = nil) throws {
        guard !written else { return }
        if try !fileSystem.isDirectory(folder) {
            try operation.apply(.createDirectory(path: folder))
            createdFolder = true
        }
        let source = Self.source(secret: signature.secretHex, files: files, themeIndex: themeIndex, fallbackTheme: fallbackTheme)
        // Set first: a write that fails halfway still leaves `remove` to look for the file.
        written = true
        try operation.apply(.write(path: path, contents: Data(source.utf8)))
    }

    /// Takes the companion (and a folder created for it) away again.
    public func remove() throws {
        if written, try fileSystem.isFile(path) { try operation.apply(.removeFile(path: path)) }
        written = false
        if createdFolder, try fileSystem.isDirectory(folder), try fileSystem.list(folder).isEmpty {
            try operation.apply(.removeDirectory(path: folder))
            createdFolder = false
        }
    }

    /// A new request number and the header that signs `order` with it.
    func signedHeader(order: String) -> (number: UInt64, header: String) {
        let number = counter.next()
        return (number, signature.header(counter: number, mask: order))
    }

    /// Asks for `Info` with a signed request the companion answers before any plugin loads;
    /// proves that signed requests reach it. Throws `Failure.companionSilent` when they do not
    /// (a proxy dropping the header, must-use plugins not loaded).
    public func info(prober: Prober, url: String?) throws -> Info {
        guard let url else { throw Failure.companionSilent("no page to ask") }
        let (number, header) = signedHeader(order: Self.infoOrder)
        let (page, headers, body) = prober.probePage(url, originHeaders: [Self.headerName: header])
        guard headers[Self.acknowledgementHeader] == String(number), let info = try? JSONDecoder().decode(Info.self, from: body) else {
            throw Failure.companionSilent("\(url) answered \(page.status.map { "HTTP \($0)" } ?? page.evidence)")
        }
        return info
    }

    /// One page as visitors get it, on a signed request that hides nothing: the page, whether
    /// the companion saw the request, and the fatal error it ended in, if any.
    public func capture(prober: Prober, url: String) -> (page: Prober.PageResult, seen: Bool, error: CapturedError?) {
        let (number, header) = signedHeader(order: LookSignature.mask(hidden: [], count: 0))
        let (page, headers, body) = prober.probePage(url, originHeaders: [Self.headerName: header])
        return (page, headers[Self.acknowledgementHeader] == String(number), CapturedError.extract(from: body))
    }

    /// The companion's PHP. `files[i]` is candidate i's plugin file (as in `active_plugins`);
    /// `themeIndex` is the candidate that stands for the active theme, swapped for
    /// `fallbackTheme` when hidden. Requests without a valid signature get the site as it is.
    static func source(secret: String, files: [String], themeIndex: Int?, fallbackTheme: String?) -> String {
        func quoted(_ text: String) -> String {
            "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        let list = files.map(quoted).joined(separator: ", ")
        let theme = themeIndex.map(String.init) ?? "-1"
        let fallback = quoted(fallbackTheme ?? "")
        return """
            <?php
            /*
             * Plugin Name: wprescue companion (temporary)
             * Description: Written by wprescue while it looks for what breaks the site; removed when it is done. Affects only requests that carry a header signed with this run's secret.
             */
            if ( isset( $_SERVER['HTTP_X_WPRESCUE_BISECT'] ) ) {
            \t( static function ( $header ) {
            \t\t$parts = explode( '.', $header );
            \t\tif ( 4 !== count( $parts ) || 'v1' !== $parts[0] || ! ctype_digit( $parts[1] ) ) {
            \t\t\treturn;
            \t\t}
            \t\t$expected = hash_hmac( 'sha256', 'wprescue-bisect|v1|' . $parts[1] . '|' . $parts[2], '\(secret)' );
            \t\tif ( ! hash_equals( $expected, $parts[3] ) ) {
            \t\t\treturn;
            \t\t}
            \t\tif ( ! headers_sent() ) {
            \t\t\theader( 'Cache-Control: no-store' );
            \t\t\theader( 'X-WPRescue-Bisect-Seen: ' . $parts[1] );
            \t\t}
            \t\t$php = static function () {
            \t\t\treturn array(
            \t\t\t\t'version'       => PHP_VERSION,
            \t\t\t\t'errorLog'      => (string) ini_get( 'error_log' ),
            \t\t\t\t'logErrors'     => (string) ini_get( 'log_errors' ),
            \t\t\t\t'displayErrors' => (string) ini_get( 'display_errors' ),
            \t\t\t\t'memoryLimit'   => (string) ini_get( 'memory_limit' ),
            \t\t\t\t// Setting it to what it is changes nothing, and fails only where the host fixed it.
            \t\t\t\t'errorLogLocked' => false === @ini_set( 'error_log', (string) ini_get( 'error_log' ) ),
            \t\t\t);
            \t\t};
            \t\tif ( 'info' === $parts[2] ) {
            \t\t\theader( 'Content-Type: application/json' );
            \t\t\techo json_encode( array(
            \t\t\t\t'enabled'             => function_exists( 'opcache_get_status' ) && (bool) ini_get( 'opcache.enable' ),
            \t\t\t\t'validateTimestamps'  => (bool) ini_get( 'opcache.validate_timestamps' ),
            \t\t\t\t'revalidateFrequency' => (float) ini_get( 'opcache.revalidate_freq' ),
            \t\t\t\t'php'                 => $php(),
            \t\t\t) );
            \t\t\texit;
            \t\t}
            \t\tif ( ! ctype_xdigit( $parts[2] ) || 0 !== strlen( $parts[2] ) % 2 ) {
            \t\t\treturn;
            \t\t}
            \t\t// This request's fatal error, as PHP reports it, in a marked block after the page of this
            \t\t// response only. PHP drops output buffers on a fatal error without calling their handlers,
            \t\t// so the block is written by a shutdown function, which runs after WordPress's own. Its
            \t\t// fatal-error handler hands the error to this filter before the notices it may raise
            \t\t// replace what error_get_last() returns.
            \t\t$fatal = null;
            \t\tadd_filter( 'wp_php_error_message', static function ( $message, $error = null ) use ( &$fatal ) {
            \t\t\tif ( null === $fatal && is_array( $error ) ) {
            \t\t\t\t$fatal = $error;
            \t\t\t}
            \t\t\treturn $message;
            \t\t}, PHP_INT_MIN, 2 );
            \t\tregister_shutdown_function( static function () use ( &$fatal, $php ) {
            \t\t\t$error = is_array( $fatal ) ? $fatal : error_get_last();
            \t\t\tif ( ! is_array( $error ) || ! ( (int) $error['type'] & ( E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR | E_RECOVERABLE_ERROR ) ) ) {
            \t\t\t\treturn;
            \t\t\t}
            \t\t\t$json = json_encode( array(
            \t\t\t\t'type'    => (int) $error['type'],
            \t\t\t\t'message' => substr( (string) $error['message'], 0, 65536 ),
            \t\t\t\t'file'    => (string) $error['file'],
            \t\t\t\t'line'    => (int) $error['line'],
            \t\t\t\t'php'     => $php(),
            \t\t\t), defined( 'JSON_INVALID_UTF8_SUBSTITUTE' ) ? JSON_INVALID_UTF8_SUBSTITUTE : 0 );
            \t\t\tif ( false !== $json ) {
            \t\t\t\techo '<!--wprescue-capture:' . base64_encode( $json ) . '-->';
            \t\t\t}
            \t\t} );
            \t\t$mask   = hex2bin( $parts[2] );
            \t\t$files  = array( \(list) );
            \t\t$hidden = array();
            \t\t$theme  = false;
            \t\tforeach ( $files as $i => $file ) {
            \t\t\tif ( ( $i >> 3 ) < strlen( $mask ) && ( ( ord( $mask[ $i >> 3 ] ) >> ( $i & 7 ) ) & 1 ) ) {
            \t\t\t\tif ( \(theme) === $i ) {
            \t\t\t\t\t$theme = true;
            \t\t\t\t} else {
            \t\t\t\t\t$hidden[] = $file;
            \t\t\t\t}
            \t\t\t}
            \t\t}
            \t\tif ( ! $hidden && ! $theme ) {
            \t\t\treturn;
            \t\t}
            \t\t$filter = static function ( $plugins ) use ( $hidden ) {
            \t\t\tif ( ! is_array( $plugins ) ) {
            \t\t\t\treturn $plugins;
            \t\t\t}
            \t\t\t$is_list = array_keys( $plugins ) === range( 0, count( $plugins ) - 1 );
            \t\t\treturn $is_list ? array_values( array_diff( $plugins, $hidden ) ) : array_diff_key( $plugins, array_flip( $hidden ) );
            \t\t};
            \t\tadd_filter( 'option_active_plugins', $filter, PHP_INT_MAX );
            \t\tadd_filter( 'site_option_active_sitewide_plugins', $filter, PHP_INT_MAX );
            \t\tif ( $theme && '' !== \(fallback) ) {
            \t\t\t$swap = static function () {
            \t\t\t\treturn \(fallback);
            \t\t\t};
            \t\t\tadd_filter( 'pre_option_template', $swap );
            \t\t\tadd_filter( 'pre_option_stylesheet', $swap );
            \t\t}
            \t} )( (string) $_SERVER['HTTP_X_WPRESCUE_BISECT'] );
            }

            """
    }

    /// Request numbers, unique within the run, taken from several threads.
    private final class Counter: @unchecked Sendable {
        private var value: UInt64 = 0
        private let lock = NSLock()
        func next() -> UInt64 { lock.withLock { value += 1; return value } }
    }
}
