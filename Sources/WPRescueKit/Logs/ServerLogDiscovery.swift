import Foundation

/// Where a site's error logs are, found the way an administrator would look: the web server's
/// and PHP-FPM's own configuration when this access can read it (nginx and Apache sites, FPM
/// pools: `error_log`, `php_admin_value[error_log]`, `php_value[error_log]`), then the layouts
/// of common hosting panels and stacks. Configuration files and folders are site-controlled or
/// host-controlled text: every read is bounded, nothing is followed but what the access itself
/// reads (no includes, no symbolic links: callers keep regular files only), and a path with a
/// variable wprescue cannot fill in is dropped.
public enum ServerLogDiscovery {
    /// Bytes read from one configuration file.
    static let configLimit = 256 * 1024
    /// Entries looked at in one folder.
    static let folderLimit = 128

    /// Candidate log paths for the site at `root` (not checked for existence), most specific first.
    public static func candidates(root: String, fileSystem: SiteFileSystem, domain: String? = nil) -> [String] {
        var found = configured(root: root, fileSystem: fileSystem) + panelLogs(root: root, fileSystem: fileSystem, domain: domain)
        var seen = Set<String>()
        found = found.filter { $0.hasPrefix("/") && !$0.contains("..") && seen.insert($0).inserted }
        return found
    }

    // MARK: - Server configuration

    static let nginxFolders = ["/etc/nginx/sites-enabled", "/etc/nginx/conf.d"]
    static let apacheFolders = ["/etc/apache2/sites-enabled", "/etc/httpd/conf.d"]
    /// RHEL's pool folder, and Debian's for each PHP version installed.
    static func fpmPoolFolders(fileSystem: SiteFileSystem) -> [String] {
        let versions = ((try? fileSystem.list("/etc/php")) ?? []).filter { $0.status.kind == .directory }.map(\.name).sorted().prefix(16)
        return ["/etc/php-fpm.d"] + versions.map { "/etc/php/\($0)/fpm/pool.d" }
    }

    /// Error logs the readable server configuration names for the site at `root`.
    static func configured(root: String, fileSystem: SiteFileSystem) -> [String] {
        var logs: [String] = []
        for folder in nginxFolders {
            for text in configTexts(in: folder, fileSystem: fileSystem) { logs += nginxErrorLogs(in: text, siteRoot: root) }
        }
        for folder in apacheFolders {
            for text in configTexts(in: folder, fileSystem: fileSystem) { logs += apacheErrorLogs(in: text, siteRoot: root) }
        }
        for folder in fpmPoolFolders(fileSystem: fileSystem) {
            let pools = configTexts(in: folder, fileSystem: fileSystem)
            for text in pools { logs += fpmErrorLogs(in: text, siteRoot: root, onlyPool: pools.count == 1) }
        }
        return logs
    }

    /// The contents of the regular files in `folder` (bounded in number and size).
    static func configTexts(in folder: String, fileSystem: SiteFileSystem) -> [String] {
        guard let entries = try? fileSystem.list(folder) else { return [] }
        return entries.filter { $0.status.kind == .file }.map(\.name).sorted().prefix(folderLimit).compactMap { name in
            (try? fileSystem.read(SitePath.join(folder, name), limit: configLimit)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// `error_log` in nginx `server` blocks whose `root` is the site (or holds it).
    public static func nginxErrorLogs(in text: String, siteRoot: String) -> [String] {
        blocks(in: text, opening: { $0.hasPrefix("server ") || $0 == "server{" || $0.hasPrefix("server{") }).flatMap { block -> [String] in
            let directives = block.map { $0.trimmingCharacters(in: .whitespaces) }
            let roots = directives.compactMap { argument(of: "root", in: $0) }
            guard roots.contains(where: { covers($0, siteRoot) }) else { return [] }
            return directives.compactMap { argument(of: "error_log", in: $0) }.filter { !$0.contains("$") }
        }
    }

    /// `ErrorLog` in Apache `<VirtualHost>` blocks whose `DocumentRoot` is the site (or holds it).
    public static func apacheErrorLogs(in text: String, siteRoot: String) -> [String] {
        var logs: [String] = []
        var inHost = false
        var roots: [String] = []
        var hostLogs: [String] = []
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let lower = line.lowercased()
            if lower.hasPrefix("<virtualhost") {
                (inHost, roots, hostLogs) = (true, [], [])
            } else if lower.hasPrefix("</virtualhost") {
                if roots.contains(where: { covers($0, siteRoot) }) { logs += hostLogs }
                inHost = false
            } else if inHost, let root = argument(of: "documentroot", in: line, caseInsensitive: true) {
                roots.append(root)
            } else if inHost, var log = argument(of: "errorlog", in: line, caseInsensitive: true) {
                for (variable, value) in [("${APACHE_LOG_DIR}", "/var/log/apache2")] { log = log.replacingOccurrences(of: variable, with: value) }
                // Piped logs, syslog and paths relative to ServerRoot are not files wprescue can name.
                if log.hasPrefix("/"), !log.contains("$") { hostLogs.append(log) }
            }
        }
        return logs
    }

    /// `php_admin_value[error_log]`, `php_value[error_log]` (and a pool-level `error_log`) of the
    /// pools that name the site (chdir, open_basedir, a path under it), or of the only pool.
    public static func fpmErrorLogs(in text: String, siteRoot: String, onlyPool: Bool) -> [String] {
        var logs: [String] = []
        var pool: String?
        var mentionsSite = false
        var poolLogs: [String] = []
        func close() {
            if pool != nil, mentionsSite || onlyPool { logs += poolLogs }
            (mentionsSite, poolLogs) = (false, [])
        }
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix(";") || line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                close()
                pool = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first { value = String(value.dropFirst().dropLast()) }
            if value.contains(siteRoot) || covers(value, siteRoot) && key == "chdir" { mentionsSite = true }
            if ["php_admin_value[error_log]", "php_value[error_log]"].contains(key) {
                let filled = value.replacingOccurrences(of: "$pool", with: pool ?? "")
                if filled.hasPrefix("/"), !filled.contains("$") { poolLogs.append(filled) }
            }
        }
        close()
        return logs
    }

    /// Blocks (lines between a matching opening line and its closing brace), naively by braces.
    static func blocks(in text: String, opening: (String) -> Bool) -> [[String]] {
        var result: [[String]] = []
        var current: [String]?
        var depth = 0
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if current == nil, opening(line) {
                current = []
                depth = 0
            }
            guard current != nil else { continue }
            current?.append(line)
            depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
            if depth <= 0, line.contains("}") {
                result.append(current ?? [])
                current = nil
            }
        }
        return result
    }

    /// The first argument of `directive` on `line` (`root /var/www/html;` → `/var/www/html`).
    static func argument(of directive: String, in line: String, caseInsensitive: Bool = false) -> String? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 2 else { return nil }
        let name = caseInsensitive ? words[0].lowercased() : String(words[0])
        guard name == directive else { return nil }
        var value = String(words[1])
        if value.hasSuffix(";") { value.removeLast() }
        for quote in ["\"", "'"] where value.hasPrefix(quote) {
            value.removeFirst()
            if value.hasSuffix(quote) { value.removeLast() }
        }
        return value.isEmpty ? nil : value
    }

    /// Whether a configured root is the site's root or a folder holding it.
    static func covers(_ configured: String, _ siteRoot: String) -> Bool {
        let trimmed = configured.hasSuffix("/") && configured.count > 1 ? String(configured.dropLast()) : configured
        return trimmed == siteRoot || siteRoot.hasPrefix(trimmed + "/")
    }

    // MARK: - Hosting panels and stacks

    /// The logs panels keep for a site, by the folder layout they give it.
    static func panelLogs(root: String, fileSystem: SiteFileSystem, domain: String?) -> [String] {
        let parts = root.split(separator: "/").map(String.init)
        var logs: [String] = []
        // cPanel: PHP writes error_log files into the folder of the script that failed.
        logs += ["error_log", "wp-admin/error_log", "wp-content/error_log"].map { SitePath.join(root, $0) }
        // Plesk: /var/www/vhosts/DOMAIN/httpdocs → /var/www/vhosts/system/DOMAIN/logs.
        if parts.count >= 4, parts[0] == "var", parts[1] == "www", parts[2] == "vhosts" {
            let name = parts[3] == "system" || parts[3] == "default" ? domain : parts[3]
            if let name { logs += ["error_log", "proxy_error_log", "php-fpm_error.log"].map { "/var/www/vhosts/system/\(name)/logs/\($0)" } }
        }
        // Folders of error logs next to the site in other layouts: cPanel's and CloudPanel's
        // ~/logs, GridPane's and WordOps' /var/www/SITE/logs, SpinupWP's /sites/DOMAIN/logs,
        // Cloudways' applications/APP/logs, ServerPilot's /srv/users/USER/log/APP, RunCloud's ~/logs.
        var folders: [String] = []
        var ancestor = root
        for _ in 0..<3 {
            ancestor = SitePath.parent(ancestor)
            guard ancestor != "/" else { break }
            folders += [SitePath.join(ancestor, "logs"), SitePath.join(ancestor, "logs/nginx"), SitePath.join(ancestor, "logs/php"),
                        SitePath.join(ancestor, "logs/fpm")]
        }
        if parts.count >= 6, parts[0] == "srv", parts[1] == "users", parts[3] == "apps" {
            folders.append("/srv/users/\(parts[2])/log/\(parts[4])")
        }
        for folder in folders { logs += errorLogs(in: folder, fileSystem: fileSystem) }
        return logs
    }

    /// Files in `folder` whose name says they hold errors (not rotated, compressed copies).
    static func errorLogs(in folder: String, fileSystem: SiteFileSystem) -> [String] {
        guard let entries = try? fileSystem.list(folder) else { return [] }
        return entries.filter { entry in
            let name = entry.name.lowercased()
            return entry.status.kind == .file && name.contains("error") && !name.hasSuffix(".gz") && !name.contains(".log.")
                && !name.hasSuffix(".1")
        }.map(\.name).sorted().prefix(folderLimit).map { SitePath.join(folder, $0) }
    }
}
