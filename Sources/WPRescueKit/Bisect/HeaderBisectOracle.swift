import Foundation

/// Bisects without moving a file and without changing what visitors get: a temporary
/// must-use plugin removes the "disabled" plugins from WordPress's active list, but only
/// for requests that carry this run's random token in a header, which only the probe sends
/// (the idea behind Health Check's troubleshooting mode, automated). The must-use plugin is
/// written, rewritten and removed as steps of the bisection's journaled operation.
public final class HeaderBisectOracle: BisectOracle {
    public static let headerName = "X-WPRescue-Bisect"
    /// The candidate name that stands for "the active theme": disabled, it is swapped for
    /// `fallbackTheme` on token-bearing requests (nothing is moved: an active theme moved
    /// away leaves visitors a blank page).
    public static let themeCandidate = "(active theme)"

    private let fileSystem: SiteFileSystem
    private let operation: JournalOperationWriter
    private let prober: Prober
    private let urls: [String]
    private let settle: TimeInterval
    private let observe: (SiteBisectOracle.Look) -> Void
    private let candidates: [Extension]
    private let token: String
    public let pluginPath: String
    private let folder: String
    private var createdFolder = false
    private var written = false
    private let fallbackTheme: String?
    public private(set) var looks: [SiteBisectOracle.Look] = []

    /// `prober` must be built with `headers` from `requestHeaders(token:)`.
    public init(site: Site, candidates: [Extension], operation: JournalOperationWriter, prober: Prober, token: String,
                urls: [String], settle: TimeInterval, fallbackTheme: String? = nil,
                observe: @escaping (SiteBisectOracle.Look) -> Void = { _ in }) {
        self.fallbackTheme = fallbackTheme
        self.fileSystem = site.fileSystem
        self.operation = operation
        self.prober = prober
        self.urls = urls
        self.settle = settle
        self.observe = observe
        self.candidates = candidates
        self.token = token
        self.folder = site.layout.mustUsePluginDirectory
        self.pluginPath = SitePath.join(site.layout.mustUsePluginDirectory, "wprescue-bisect-\(token.prefix(8)).php")
    }

    /// A random token: whoever does not have it gets the site as it is.
    public static func newToken() -> String {
        (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
    }

    public static func requestHeaders(token: String) -> [String: String] { [headerName: token] }

    public func test(enabled: Set<String>) throws -> OracleAnswer {
        let started = Date()
        try arrange(enabled: enabled)
        var report = prober.probe(urls)
        if settle > 0 {
            // The must-use plugin just changed: opcache may run the old one until it revalidates.
            Thread.sleep(forTimeInterval: settle)
            let again = prober.probe(urls)
            if again.verdict != report.verdict { Thread.sleep(forTimeInterval: settle); report = prober.probe(urls) } else { report = again }
        }
        let answer = SiteBisectOracle.answer(for: report)
        let look = SiteBisectOracle.Look(enabled: candidates.map(\.slug).filter(enabled.contains),
                                         disabled: candidates.map(\.slug).filter { !enabled.contains($0) },
                                         report: report, answer: answer, seconds: Date().timeIntervalSince(started))
        looks.append(look)
        observe(look)
        return answer
    }

    /// Rewrites the must-use plugin so that, for token-bearing requests, only `enabled` candidates load.
    public func arrange(enabled: Set<String>) throws {
        if !written, try !fileSystem.isDirectory(folder) {
            try operation.apply(.createDirectory(path: folder))
            createdFolder = true
        }
        let hidden = candidates.filter { !enabled.contains($0.slug) }.compactMap(\.pluginFile)
        let swapTheme = candidates.contains { $0.slug == Self.themeCandidate } && !enabled.contains(Self.themeCandidate)
        try operation.apply(.write(path: pluginPath, contents: Data(Self.source(token: token, hidden: hidden,
                                                                                  theme: swapTheme ? fallbackTheme : nil).utf8)))
        written = true
    }

    /// Takes the must-use plugin (and a folder created for it) away again.
    public func removePlugin() throws {
        if written, try fileSystem.isFile(pluginPath) { try operation.apply(.removeFile(path: pluginPath)) }
        if createdFolder, try fileSystem.list(folder).isEmpty { try operation.apply(.removeDirectory(path: folder)) }
        written = false
    }

    static func source(token: String, hidden: [String], theme: String? = nil) -> String {
        func quoted(_ text: String) -> String {
            "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        let list = hidden.map(quoted).joined(separator: ", ")
        let themeSwap = theme.map { name in
            "\tadd_filter( 'pre_option_template', static function () { return \(quoted(name)); } );\n"
                + "\tadd_filter( 'pre_option_stylesheet', static function () { return \(quoted(name)); } );\n"
        } ?? ""
        return """
            <?php
            /*
             * Plugin Name: wprescue bisect (temporary)
             * Description: Written by wprescue while it looks for a broken plugin; removed when it is done. Affects only requests that carry wprescue's secret token.
             */
            if ( isset( $_SERVER['HTTP_X_WPRESCUE_BISECT'] ) && hash_equals( '\(token)', (string) $_SERVER['HTTP_X_WPRESCUE_BISECT'] ) ) {
            \t$wprescue_hidden = array( \(list) );
            \t$wprescue_filter = static function ( $plugins ) use ( $wprescue_hidden ) {
            \t\tif ( ! is_array( $plugins ) ) {
            \t\t\treturn $plugins;
            \t\t}
            \t\t$is_list = array_keys( $plugins ) === range( 0, count( $plugins ) - 1 );
            \t\t$kept    = $is_list ? array_values( array_diff( $plugins, $wprescue_hidden ) ) : array_diff_key( $plugins, array_flip( $wprescue_hidden ) );
            \t\treturn $kept;
            \t};
            \tadd_filter( 'option_active_plugins', $wprescue_filter, PHP_INT_MAX );
            \tadd_filter( 'site_option_active_sitewide_plugins', $wprescue_filter, PHP_INT_MAX );
            \(themeSwap)            \tif ( ! headers_sent() ) {
            \t\theader( 'Cache-Control: no-store' );
            \t}
            }

            """
    }
}
