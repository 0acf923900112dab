import Foundation

/// Findings about files a failed update or an intruder leaves: damaged core (from a core
/// verification), a stuck upgrade folder, PHP under uploads, and injected-code patterns,
/// each with its file and line. Reading only; the fixes quarantine, never delete.
public enum IntegrityFindings {
    /// What a look at the site's files (no network) found.
    public struct Scan: Sendable {
        /// PHP files under uploads, relative to the site root, with the injected-code lines in them.
        public var uploadsPHP: [(path: String, hits: [InjectedCode.Hit])] = []
        /// Leftovers of an update: `wp-content/upgrade/...` and `wp-content/upgrade-temp-backup/...` entries.
        public var upgradeLeftovers: [String] = []
        /// Injected-code lines in the root's PHP files, must-use plugins and drop-ins.
        public var injected: [(path: String, hits: [InjectedCode.Hit])] = []
        /// True when uploads held more entries than were looked at.
        public var uploadsTruncated = false
    }

    /// Extensions PHP runs besides `.php`.
    static let phpExtensions = [".php", ".phtml", ".php5", ".php7", ".phar", ".pht"]
    /// Uploads can hold hundreds of thousands of images: the walk stops after this many entries.
    static let uploadsEntryLimit = 50_000

    public static func scan(_ site: Site) -> Scan {
        var scan = Scan()
        let fileSystem = site.fileSystem, root = site.layout.root
        func relative(_ path: String) -> String { SitePath.relative(path, to: root) }
        func hits(_ path: String) -> [InjectedCode.Hit] {
            (try? fileSystem.read(path, limit: 1 << 20)).map { InjectedCode.scan($0) } ?? []
        }
        func isPHP(_ name: String) -> Bool { phpExtensions.contains { name.lowercased().hasSuffix($0) } }

        // Uploads: every PHP file is suspect; a tiny index.php ("Silence is golden") is the only common legitimate one.
        var pending = [site.layout.uploadsDirectory], seen = 0
        while let folder = pending.popLast() {
            guard let entries = try? fileSystem.list(folder) else { continue }
            for entry in entries.sorted(by: { $0.name < $1.name }) {
                seen += 1
                if seen > uploadsEntryLimit { scan.uploadsTruncated = true; break }
                let path = SitePath.join(folder, entry.name)
                switch entry.status.kind {
                case .directory: pending.append(path)
                case .file where isPHP(entry.name):
                    if entry.name == "index.php" && entry.status.size < 200 && hits(path).isEmpty { continue }
                    scan.uploadsPHP.append((relative(path), hits(path)))
                default: continue
                }
            }
            if scan.uploadsTruncated { break }
        }
        scan.uploadsPHP.sort { $0.path < $1.path }

        // An update that died leaves its unpacked copy in upgrade/ and its backup in upgrade-temp-backup/.
        let content = site.layout.contentDirectory
        for folder in ["upgrade", "upgrade-temp-backup"] {
            let path = SitePath.join(content, folder)
            guard let entries = try? fileSystem.list(path) else { continue }
            for entry in entries where entry.name != "index.php" {
                if folder == "upgrade-temp-backup", entry.status.kind == .directory,
                   (try? fileSystem.list(SitePath.join(path, entry.name)))?.isEmpty == true { continue }
                scan.upgradeLeftovers.append(relative(SitePath.join(path, entry.name)))
            }
        }
        scan.upgradeLeftovers.sort()

        // PHP WordPress loads on every request outside core and plugins: the root, must-use plugins, drop-ins.
        var candidates: [String] = []
        for folder in [root, site.layout.mustUsePluginDirectory, content] {
            for entry in (try? fileSystem.list(folder)) ?? [] where entry.status.kind == .file && isPHP(entry.name) {
                candidates.append(SitePath.join(folder, entry.name))
            }
        }
        for path in candidates {
            let found = hits(path)
            if !found.isEmpty { scan.injected.append((relative(path), found)) }
        }
        return scan
    }

    static func evidence(_ path: String, _ hits: [InjectedCode.Hit]) -> [String] {
        hits.isEmpty ? [path] : hits.map { "\(path):\($0.line): \($0.pattern)" }
    }

    public static func findings(from scan: Scan) -> [Finding] {
        var findings: [Finding] = []
        if !scan.uploadsPHP.isEmpty {
            let withCode = scan.uploadsPHP.filter { !$0.hits.isEmpty }
            findings.append(Finding(id: .uploadsPHP, severity: withCode.isEmpty ? .warning : .critical,
                                    summary: "\(scan.uploadsPHP.count) PHP file\(scan.uploadsPHP.count == 1 ? "" : "s") under uploads, where WordPress only stores media: the usual sign of an exploited upload\(withCode.isEmpty ? "" : ", with injected-code patterns")",
                                    evidence: scan.uploadsPHP.prefix(10).flatMap { evidence($0.path, $0.hits) },
                                    fix: "wprescue rescue", subject: scan.uploadsPHP.first?.path))
        }
        if !scan.upgradeLeftovers.isEmpty {
            findings.append(Finding(id: .upgradeStuck, severity: .warning,
                                    summary: "An update did not finish: WordPress left its working copies in wp-content/upgrade or upgrade-temp-backup (a plugin may be half replaced; upgrade-temp-backup holds the version from before)",
                                    evidence: scan.upgradeLeftovers.prefix(10).map { $0 }, fix: "wprescue plugins verify"))
        }
        for (path, hits) in scan.injected {
            findings.append(Finding(id: .injectedCode, severity: .critical,
                                    summary: "\(path) holds code shaped like an injection (decoded and evaluated at run time)",
                                    evidence: evidence(path, hits), subject: path))
        }
        if scan.uploadsTruncated {
            findings.append(Finding(id: .uploadsPHP, severity: .info, summary: "Uploads hold more than \(uploadsEntryLimit) entries; only the first were looked at for PHP files"))
        }
        return findings
    }

    /// What a core verification found, worded for diagnose.
    public static func findings(from report: CoreIntegrity.Report) -> [Finding] {
        let result = report.result
        var findings: [Finding] = []
        if !result.modified.isEmpty || !result.missing.isEmpty {
            let evidence = result.modified.prefix(10).flatMap { entry in ["modified \(entry.path): \(entry.detail)"] + entry.injected.map { "\(entry.path):\($0.line): \($0.pattern)" } }
                + result.missing.prefix(10).map { "missing \($0)" }
            findings.append(Finding(id: .coreDamaged, severity: .critical,
                                    summary: "\(result.modified.count + result.missing.count) WordPress \(report.release.version) core file\(result.modified.count + result.missing.count == 1 ? " differs" : "s differ") from the release (\(result.modified.count) modified, \(result.missing.count) missing)",
                                    evidence: evidence, fix: "wprescue core repair"))
        }
        if !result.unexpected.isEmpty {
            findings.append(Finding(id: .coreUnexpected, severity: result.unexpected.contains { !$0.injected.isEmpty } ? .critical : .warning,
                                    summary: "\(result.unexpected.count) file\(result.unexpected.count == 1 ? "" : "s") in wp-admin, wp-includes or the root that WordPress \(report.release.version) does not ship",
                                    evidence: result.unexpected.prefix(10).flatMap { entry in [entry.path] + entry.injected.map { "\(entry.path):\($0.line): \($0.pattern)" } },
                                    fix: "wprescue core repair --quarantine-unexpected"))
        }
        return findings
    }

    /// A plugin that differs from WordPress.org's copy of its version.
    public static func findings(from result: PluginIntegrity.Result) -> [Finding] {
        guard result.status == .modified, let report = result.verification else { return [] }
        let entries = report.modified + report.unexpected
        let injected = entries.contains { !$0.injected.isEmpty }
        func lines(_ label: String, _ entry: TreeVerification.Entry) -> [String] {
            ["\(label) \(entry.path)"] + entry.injected.map { "\(entry.path):\($0.line): \($0.pattern)" }
        }
        var evidence: [String] = []
        for entry in report.modified.prefix(8) { evidence += lines("modified", entry) }
        for path in report.missing.prefix(5) { evidence.append("missing \(path)") }
        for entry in report.unexpected.prefix(5) { evidence += lines("added", entry) }
        return [Finding(id: .pluginModified, severity: injected ? .critical : .warning,
                        summary: "Plugin \(result.slug) \(result.version ?? "") differs from WordPress.org's copy of that version (\(report.modified.count) modified, \(report.missing.count) missing, \(report.unexpected.count) added)\(injected ? ", with injected-code patterns" : ""): reinstall it",
                        evidence: evidence, fix: "wprescue plugins verify \(result.slug)", subject: result.slug)]
    }
}
