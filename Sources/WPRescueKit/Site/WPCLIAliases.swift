import Foundation
import Yams

/// WP-CLI's aliases, so `--site @prod` works for people who already have them:
/// ```yaml
/// @prod:
///   ssh: deploy@example.com:2222/var/www/html
///   url: https://example.com
/// @all:
///   - @prod
///   - @staging
/// ```
/// `ssh:` is `[user@]host[:port][/path]` as WP-CLI parses it; `path:` is the WordPress folder
/// (relative to the SSH login folder, or for a local alias to the file's folder). `docker:`,
/// `docker-compose:`, `vagrant` and `http:` aliases run WP-CLI somewhere wprescue cannot reach
/// over SFTP: they are named, and refused with a sentence when used.
enum WPCLIAliases {
    static func parse(_ data: Data, source: String) throws -> [String: AliasEntry] {
        let text = quoteAliasNames(String(decoding: data, as: UTF8.self))
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let detail = "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable YAML"
            throw SiteAliasError.invalidFile(path: source, detail: detail)
        }
        guard let mapping = root?.mapping else { return [:] }
        var entries: [String: AliasEntry] = [:]
        // Only `@name` keys are aliases; the rest of wp-cli.yml (path, url, require, command defaults) is WP-CLI's.
        for (key, value) in mapping {
            guard let name = key.string, name.hasPrefix("@"), name.count > 1 else { continue }
            let bare = String(name.dropFirst())
            if let members = value.sequence {
                entries[bare] = .group(members.compactMap(\.string).map(SiteAliases.bareName))
            } else if let fields = value.mapping {
                entries[bare] = try entry(bare, fields: fields, source: source)
            } else {
                throw SiteAliasError.invalidFile(path: source, detail: "@\(bare) is neither an alias (ssh:, path:) nor a list of aliases")
            }
        }
        return entries
    }

    private static func entry(_ name: String, fields: Node.Mapping, source: String) throws -> AliasEntry {
        let ssh = fields["ssh"]?.string?.trimmingCharacters(in: .whitespaces)
        let path = fields["path"]?.string
        let url = fields["url"]?.string
        if let ssh, !ssh.isEmpty {
            let target: SSHTarget
            switch parseSSH(ssh) {
            case .target(let parsed): target = parsed
            case .unreachable(let kind):
                return .unsupported("@\(name) in \(source) is a WP-CLI \(kind) alias, which wprescue cannot reach; give it an `ssh: user@host/path` line or pass --site with the site's folder.")
            case .invalid:
                throw SiteAliasError.invalidFile(path: source, detail: "@\(name): `ssh: \(ssh)` is not [user@]host[:port][/path]")
            }
            return .site(SiteAlias(site: target.siteAddress(wordPressPath: path), url: url, ssh: nil, source: source))
        }
        if fields["http"] != nil {
            return .unsupported("@\(name) in \(source) is a WP-CLI http: alias, which runs WP-CLI on the server through its web site and gives wprescue no files to reach; give it an `ssh:` line instead.")
        }
        if let path, !path.isEmpty {
            let folder = path.hasPrefix("/") ? path : SitePath.join(SitePath.parent(source), path)
            return .site(SiteAlias(site: SitePath.normalize(folder), url: url, ssh: nil, source: source))
        }
        throw SiteAliasError.invalidFile(path: source, detail: "@\(name) has neither `ssh:` nor `path:`")
    }

    /// An `ssh:` value, split the way WP-CLI's `parse_ssh_url` splits it.
    struct SSHTarget: Equatable {
        var user: String?
        var host: String
        var port: Int?
        /// Starts with `/` (absolute) or `~` (the login folder), or is empty.
        var path: String

        /// An sftp:// address: the `path:` field wins over the ssh path when absolute, else
        /// continues it; no path at all is the login folder, where WP-CLI would start too.
        func siteAddress(wordPressPath: String?) -> String {
            var folder = path
            if let wordPressPath, !wordPressPath.isEmpty {
                folder = wordPressPath.hasPrefix("/") || wordPressPath.hasPrefix("~")
                    ? wordPressPath : SitePath.join(folder.isEmpty ? "~" : folder, wordPressPath)
            }
            if folder == "~" { folder = "" } else if folder.hasPrefix("~/") { folder = "/~/" + folder.dropFirst(2) }
            let encodedPath = folder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? folder
            var address = "sftp://"
            if let user { address += (user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user) + "@" }
            address += host
            if let port { address += ":\(port)" }
            return address + encodedPath
        }
    }

    enum ParsedSSH: Equatable {
        case target(SSHTarget)
        /// docker, docker-compose, docker-compose-run or vagrant.
        case unreachable(String)
        case invalid
    }

    /// `[scheme:][user@]host[:port][/path or ~path]`, WP-CLI's own pattern.
    static func parseSSH(_ value: String) -> ParsedSSH {
        let pattern = /^(?:(docker|docker-compose|docker-compose-run|ssh|vagrant):)?(?:([^@:]+)@)?([^:\/~@]+)(?::(\d*))?((?:\/|~).*)?$/
        guard let match = value.wholeMatch(of: pattern) else {
            return value == "vagrant" ? .unreachable("vagrant") : .invalid
        }
        let scheme = match.1.map(String.init) ?? "ssh"
        // WP-CLI reads a bare `vagrant` as the Vagrant box, not a host named vagrant.
        if scheme != "ssh" { return .unreachable("\(scheme):") }
        if match.1 == nil, match.2 == nil, match.3 == "vagrant", match.4 == nil, match.5 == nil { return .unreachable("vagrant") }
        var port: Int?
        if let digits = match.4, !digits.isEmpty {
            guard let number = Int(digits), (1...65535).contains(number) else { return .invalid }
            port = number
        }
        return .target(SSHTarget(user: match.2.map(String.init), host: String(match.3), port: port,
                                 path: match.5.map(String.init) ?? ""))
    }

    /// WP-CLI's YAML reader accepts `@prod:` and `- @prod` unquoted; standard YAML reserves `@`,
    /// so alias names in key and list positions are quoted before parsing.
    static func quoteAliasNames(_ text: String) -> String {
        guard let expression = try? NSRegularExpression(
            pattern: #"(^|[\s\[,{])@([A-Za-z0-9_.\-]+)(?=\s*(?::|,|\]|\}|#|$))"#, options: [.anchorsMatchLines]) else { return text }
        return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1\"@$2\"")
    }
}
