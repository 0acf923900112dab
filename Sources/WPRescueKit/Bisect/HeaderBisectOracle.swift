import Foundation

/// Bisects without moving a file and without changing what visitors get. A companion
/// must-use plugin, written once per run, removes plugins from WordPress's active list only
/// for requests whose `X-WPRescue-Bisect` header names a plugin set signed with the run's
/// secret (HMAC-SHA256 over the look's number and the set; see `LookSignature`). Each look
/// carries its own set, so nothing on disk changes between looks: no opcache wait, and
/// several looks can be in flight at once. The header goes to the probed origin only. The
/// companion is written and removed as steps of the bisection's journaled operation.
public final class HeaderBisectOracle: BisectOracle {
    public static let headerName = "X-WPRescue-Bisect"
    /// Sent back by the companion on requests it verified, with the look's number: a healthy
    /// page without it was not judged with the asked set.
    static let acknowledgementHeader = "x-wprescue-bisect-seen"

    /// What the companion reports about PHP's opcache, which decides how long moved files may
    /// be served stale.
    public struct OpcacheSettings: Sendable, Equatable, Decodable {
        public var enabled: Bool
        public var validateTimestamps: Bool
        public var revalidateFrequency: Double

        /// Seconds after a file changes until every PHP worker sees it, or nil when it may
        /// never (timestamps not checked: only a PHP restart clears it).
        public var staleFor: Double? {
            guard enabled else { return 0 }
            return validateTimestamps ? revalidateFrequency : nil
        }
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
    private let prober: Prober
    private let urls: [String]
    private let observe: (SiteBisectOracle.Look) -> Void
    private let candidates: [Extension]
    private let signature: LookSignature
    private let counter = Counter()
    public let pluginPath: String
    private let folder: String
    private var createdFolder = false
    private var written = false
    private let fallbackTheme: String?
    public private(set) var looks: [SiteBisectOracle.Look] = []

    /// `prober` is the plain prober: the signed header is added per look, to the probed origin only.
    public init(site: Site, candidates: [Extension], operation: JournalOperationWriter, prober: Prober,
                urls: [String], fallbackTheme: String? = nil,
                observe: @escaping (SiteBisectOracle.Look) -> Void = { _ in }) {
        self.fallbackTheme = fallbackTheme
        self.fileSystem = site.fileSystem
        self.operation = operation
        self.prober = prober
        self.urls = urls
        self.observe = observe
        self.candidates = candidates
        let secret = LookSignature.newSecret()
        self.signature = LookSignature(secretHex: secret)
        self.folder = site.layout.mustUsePluginDirectory
        // The file name is new each run, so no opcache entry for it can be stale.
        self.pluginPath = SitePath.join(site.layout.mustUsePluginDirectory, "wprescue-bisect-\(LookSignature.newSecret().prefix(12)).php")
    }

    /// Writes the companion (and the must-use folder when there is none). Once per run.
    public func install() throws {
        guard !written else { return }
        if try !fileSystem.isDirectory(folder) {
            try operation.apply(.createDirectory(path: folder))
            createdFolder = true
        }
        let files = candidates.map { $0.pluginFile ?? "" }
        let themeIndex = candidates.firstIndex { BisectCandidate(name: $0.slug) == .activeTheme }
        let source = Self.source(secret: signature.secretHex, files: files, themeIndex: themeIndex, fallbackTheme: fallbackTheme)
        // Set first: a write that fails halfway still leaves `removePlugin` to look for the file.
        written = true
        try operation.apply(.write(path: pluginPath, contents: Data(source.utf8)))
    }

    /// Asks the companion for PHP's opcache settings with a signed request it answers before
    /// any plugin loads; proves that signed requests reach it. Throws `Failure.companionSilent`
    /// when they do not (a proxy dropping the header, must-use plugins not loaded).
    public func readSettings() throws -> OpcacheSettings {
        guard let url = urls.first else { throw Failure.companionSilent("no page to ask") }
        let number = counter.next()
        let (page, headers, body) = prober.probePage(url, originHeaders: [Self.headerName: signature.header(counter: number, mask: "info")])
        guard headers[Self.acknowledgementHeader] == String(number),
              let settings = try? JSONDecoder().decode(OpcacheSettings.self, from: body) else {
            throw Failure.companionSilent("\(url) answered \(page.status.map { "HTTP \($0)" } ?? page.evidence)")
        }
        return settings
    }

    public func test(enabled: Set<String>) throws -> OracleAnswer {
        try test(batch: [enabled]).first ?? .inconclusive
    }

    /// Looks at every set at once, each on its own thread with its own HTTP handle.
    public func test(batch: [Set<String>]) throws -> [OracleAnswer] {
        let requests = batch.map { enabled in
            let hidden = candidates.indices.filter { !enabled.contains(candidates[$0].slug) }
            let number = counter.next()
            return (enabled, number, signature.header(counter: number, mask: LookSignature.mask(hidden: hidden, count: candidates.count)))
        }
        let (urls, prober) = (self.urls, self.prober)
        let results = ConcurrentLooks.map(requests.count) { index in
            let (_, number, header) = requests[index]
            let started = Date()
            let pages = urls.map { prober.probePage($0, originHeaders: [Self.headerName: header]) }
            return (pages, number, Date().timeIntervalSince(started))
        }
        var answers: [OracleAnswer] = []
        for ((enabled, _, _), (pages, number, seconds)) in zip(requests, results) {
            let report = Prober.Report(verdict: pages.first(where: { !$0.page.verdict.isHealthy })?.page.verdict ?? .healthy,
                                       pages: pages.map(\.page))
            var answer = SiteBisectOracle.answer(for: report)
            if answer == .healthy, pages.contains(where: { $0.headers[Self.acknowledgementHeader] != String(number) }) {
                // A healthy page the companion did not sign off was not loaded with this set.
                answer = .inconclusive
            }
            let look = SiteBisectOracle.Look(enabled: candidates.map(\.slug).filter(enabled.contains),
                                             disabled: candidates.map(\.slug).filter { !enabled.contains($0) },
                                             report: report, answer: answer, seconds: seconds)
            looks.append(look)
            observe(look)
            answers.append(answer)
        }
        return answers
    }

    /// Takes the companion (and a folder created for it) away again.
    public func removePlugin() throws {
        if written, try fileSystem.isFile(pluginPath) { try operation.apply(.removeFile(path: pluginPath)) }
        written = false
        if createdFolder, try fileSystem.isDirectory(folder), try fileSystem.list(folder).isEmpty {
            try operation.apply(.removeDirectory(path: folder))
            createdFolder = false
        }
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
             * Plugin Name: wprescue bisect companion (temporary)
             * Description: Written by wprescue while it looks for a broken plugin; removed when it is done. Affects only requests that carry a header signed with this run's secret.
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
            \t\tif ( 'info' === $parts[2] ) {
            \t\t\theader( 'Content-Type: application/json' );
            \t\t\techo json_encode( array(
            \t\t\t\t'enabled'             => function_exists( 'opcache_get_status' ) && (bool) ini_get( 'opcache.enable' ),
            \t\t\t\t'validateTimestamps'  => (bool) ini_get( 'opcache.validate_timestamps' ),
            \t\t\t\t'revalidateFrequency' => (float) ini_get( 'opcache.revalidate_freq' ),
            \t\t\t) );
            \t\t\texit;
            \t\t}
            \t\tif ( ! ctype_xdigit( $parts[2] ) || 0 !== strlen( $parts[2] ) % 2 ) {
            \t\t\treturn;
            \t\t}
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

    /// Look numbers, unique within the run, taken from several threads.
    private final class Counter: @unchecked Sendable {
        private var value: UInt64 = 0
        private let lock = NSLock()
        func next() -> UInt64 { lock.withLock { value += 1; return value } }
    }
}
