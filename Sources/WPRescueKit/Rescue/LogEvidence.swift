/// Turns log entries into findings: which extension, which kind of failure.
enum LogEvidence {
    /// One finding per distinct cause, most recent cause first. `phpVersion` (`8.2`), when
    /// known, names the PHP an incompatible plugin fails on.
    static func findings(from entries: [LogEntry], phpVersion: String? = nil) -> [Finding] {
        var seen = Set<String>()
        var findings: [Finding] = []
        for entry in entries.reversed() {
            guard let finding = finding(for: entry, phpVersion: phpVersion) else { continue }
            let key = "\(finding.id.rawValue)|\(finding.subject ?? "")"
            guard seen.insert(key).inserted else {
                if let index = findings.firstIndex(where: { "\($0.id.rawValue)|\($0.subject ?? "")" == key }), findings[index].evidence.count < 3 {
                    findings[index].evidence.append(line(entry))
                }
                continue
            }
            findings.append(finding)
        }
        return findings
    }

    static func finding(for entry: LogEntry, phpVersion: String? = nil) -> Finding? {
        let evidence = [line(entry)]
        switch entry.kind {
        case .memoryExhausted:
            return Finding(id: .memoryExhausted, severity: .critical,
                           summary: "PHP ran out of memory\(entry.attribution.source.name.map { " in \($0)" } ?? "")",
                           evidence: evidence, fix: "wprescue memory 256M", subject: entry.attribution.source.name)
        case .timeLimit:
            return Finding(id: .timeLimit, severity: .warning, summary: "A request hit PHP's time limit",
                           evidence: evidence, subject: entry.attribution.source.name)
        case .workerKilled, .requestTerminated:
            return Finding(id: .phpWorkerCrashed, severity: .critical,
                           summary: "PHP-FPM workers are dying mid-request (a 502 for visitors); usually a plugin doing something fatal",
                           evidence: evidence, fix: "wprescue bisect")
        case .fpmUnreachable:
            return Finding(id: .phpFPMDown, severity: .critical,
                           summary: "The web server cannot reach PHP-FPM at all: ask the host to (re)start PHP-FPM; no plugin change will help",
                           evidence: evidence)
        case .maxChildren:
            return Finding(id: .phpFPMOverloaded, severity: .warning,
                           summary: "PHP-FPM reached its worker limit (pm.max_children): traffic or slow requests; ask the host to raise it",
                           evidence: evidence)
        case .upstreamTimeout:
            return Finding(id: .upstreamTimeout, severity: .warning, summary: "PHP took longer than the web server waits (a 504)",
                           evidence: evidence)
        case .htaccessInvalid:
            return Finding(id: .htaccessInvalid, severity: .critical, summary: "Apache refuses the site's .htaccess",
                           evidence: evidence, fix: "wprescue htaccess regenerate --turn-off-refused")
        case .redirectLimit:
            return Finding(id: .redirectLoop, severity: .warning, summary: "Apache stopped an internal redirect loop",
                           evidence: evidence)
        case .phpError, .parseError, .uncaughtThrowable:
            guard entry.level == .fatal else { return nil }
            return extensionFinding(entry, evidence: evidence, phpVersion: phpVersion)
        case .databaseError, .loggedMessage, .slowRequest, .upstreamClosed, .serverMessage, .unrecognized:
            return nil
        }
    }

    private static func extensionFinding(_ entry: LogEntry, evidence: [String], phpVersion: String?) -> Finding? {
        let source = entry.attribution.source
        // Code for an older PHP: said as such, since updating it, not reporting a bug, is the fix.
        let incompatible = PHPCompatibility.removal(in: entry.message).map { PHPCompatibility.verdict($0, phpVersion: phpVersion) }
        guard let name = source.name else {
            switch source.typeName {
            case "config":
                return Finding(id: .configFatal, severity: .critical, summary: "A fatal error in wp-config.php", evidence: evidence,
                               fix: "wprescue config list")
            default:
                return Finding(id: .coreFatal, severity: .critical,
                               summary: "A fatal error in WordPress core with no plugin or theme on the stack", evidence: evidence,
                               fix: "wprescue bisect")
            }
        }
        let slug = name.hasSuffix(".php") && source.typeName == "plugin" ? String(name.dropLast(4)) : name
        switch source.typeName {
        case "plugin":
            return Finding(id: .pluginFatal, severity: .critical, summary: "Plugin \(slug) \(incompatible ?? "causes fatal errors")", evidence: evidence,
                           fix: "wprescue plugins disable \(slug)", subject: slug)
        case "mu-plugin":
            let file = slug.hasSuffix(".php") ? String(slug.dropLast(4)) : slug
            return Finding(id: .mustUsePluginFatal, severity: .critical, summary: "Must-use plugin \(file) \(incompatible ?? "causes fatal errors")",
                           evidence: evidence, fix: "wprescue plugins disable --mu \(file)", subject: file)
        case "theme":
            return Finding(id: .themeFatal, severity: .critical, summary: "Theme \(slug) \(incompatible ?? "causes fatal errors")", evidence: evidence,
                           fix: "wprescue themes disable \(slug)", subject: slug)
        case "drop-in":
            return Finding(id: .dropinFatal, severity: .critical, summary: "Drop-in \(name) \(incompatible ?? "causes fatal errors")", evidence: evidence,
                           fix: "wprescue plugins disable --dropins \(name)", subject: name)
        default:
            return nil
        }
    }

    static func line(_ entry: LogEntry) -> String {
        let place = entry.file.map { " in \($0)\(entry.line.map { ":\($0)" } ?? "")" } ?? ""
        return String("\(entry.message)\(place)".prefix(300))
    }
}
