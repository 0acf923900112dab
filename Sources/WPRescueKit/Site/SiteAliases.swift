import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Yams

/// Named sites, in the spirit of WP-CLI's aliases: `wprescue --site @prod probe`.
///
/// Read from `wprescue.yml` in the current folder, then `~/.config/wprescue/sites.yml`
/// (`$XDG_CONFIG_HOME/wprescue/sites.yml`); the first file naming the alias wins. WP-CLI's own
/// aliases are read too, under the same rules (see `WPCLIAliases`). A YAML list instead of an
/// entry is a group (`"@all": ["@prod", "@staging"]`), which only read-only commands accept.
/// ```yaml
/// "@prod":
///   site: sftp://deploy@example.com/var/www/html
///   url: https://example.com
///   ssh:
///     identity: ~/.ssh/id_ed25519
///     known_hosts: ~/.ssh/known_hosts
/// ```
public struct SiteAlias: Equatable, Sendable, Decodable {
    public struct SSH: Equatable, Sendable, Decodable {
        public var identity: String?
        public var knownHosts: String?
        public var port: Int?
        public var user: String?

        enum CodingKeys: String, CodingKey {
            case identity, port, user
            case knownHosts = "known_hosts"
        }
    }

    /// A path or an sftp:// address.
    public var site: String
    /// The address visitors use, for probes.
    public var url: String?
    public var ssh: SSH?
    /// The file it came from, for messages.
    public var source: String = ""

    enum CodingKeys: String, CodingKey { case site, url, ssh }
}

public enum SiteAliasError: Error, Equatable, LocalizedError {
    case unknownAlias(name: String, searched: [String])
    case invalidFile(path: String, detail: String)
    case untrustedFile(path: String, reason: String)
    /// A WP-CLI alias wprescue cannot reach (docker:, vagrant, http:); `reason` is the whole sentence.
    case unsupported(name: String, reason: String)
    /// A group given to a command that works on one site.
    case groupNotAllowed(name: String, members: [String])
    case groupCycle(name: String, source: String)

    public var errorDescription: String? {
        switch self {
        case .unknownAlias(let name, let searched):
            return "No site alias @\(name) in \(searched.joined(separator: " or ")); add an entry \"@\(name):\" with a `site:` line (wprescue.yml) or an `ssh:` line (wp-cli.yml)."
        case .untrustedFile(let path, let reason):
            return "wprescue will not read aliases from \(path): \(reason). Make it yours and not writable by others (chmod go-w), or remove it."
        case .invalidFile(let path, let detail):
            return "\(path) is not a valid alias file: \(detail)."
        case .unsupported(_, let reason):
            return reason
        case .groupNotAllowed(let name, let members):
            return "@\(name) is a group of sites (\(members.map { "@" + $0 }.joined(separator: ", "))) and only probe and diagnose run on several sites at once; name one site, as in --site @\(members.first ?? name)."
        case .groupCycle(let name, let source):
            return "The alias group @\(name) in \(source) contains itself; remove the loop."
        }
    }
}

/// One file of aliases and its format.
public struct AliasFile: Equatable, Sendable {
    public enum Format: Sendable { case wprescue, wpCLI }
    public var path: String
    public var format: Format

    public init(_ path: String, format: Format) {
        self.path = path
        self.format = format
    }
}

/// What an alias name stands for in one file.
enum AliasEntry: Equatable {
    case site(SiteAlias)
    /// Member names, bare (without `@`), as written.
    case group([String])
    /// Known but not reachable by wprescue; the sentence says why.
    case unsupported(String)
}

public enum SiteAliases {
    /// The alias files in the order they are searched: the current folder's own files (never a
    /// parent's: a file somewhere above you is not one you chose), then the user's. wprescue's
    /// file comes before WP-CLI's at each level.
    public static func searchPaths(currentDirectory: String, environment: [String: String]) -> [AliasFile] {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? SitePath.join(home, ".config")
        let wpCLIGlobal = environment["WP_CLI_CONFIG_PATH"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? SitePath.join(home, ".wp-cli/config.yml")
        return [
            AliasFile(SitePath.join(currentDirectory, "wprescue.yml"), format: .wprescue),
            AliasFile(SitePath.join(currentDirectory, "wp-cli.local.yml"), format: .wpCLI),
            AliasFile(SitePath.join(currentDirectory, "wp-cli.yml"), format: .wpCLI),
            AliasFile(SitePath.join(configHome, "wprescue/sites.yml"), format: .wprescue),
            AliasFile(wpCLIGlobal, format: .wpCLI),
        ]
    }

    /// The one site an alias names; a group is refused (see `members(of:searchPaths:)`).
    public static func resolve(_ name: String, searchPaths: [AliasFile]) throws -> SiteAlias {
        let bare = bareName(name)
        switch try entry(bare, searchPaths: searchPaths) {
        case .site(let alias): return alias
        case .group: throw SiteAliasError.groupNotAllowed(name: bare, members: try members(of: bare, searchPaths: searchPaths) ?? [])
        case .unsupported(let reason): throw SiteAliasError.unsupported(name: bare, reason: reason)
        }
    }

    /// The sites of a group, nested groups expanded, each once, in the order written; nil when
    /// `name` is a single site (or not an alias at all: `resolve` says so).
    public static func members(of name: String, searchPaths: [AliasFile]) throws -> [String]? {
        let bare = bareName(name)
        guard case .group = try? entry(bare, searchPaths: searchPaths) else { return nil }
        var result: [String] = []
        func expand(_ group: String, path: [String]) throws {
            guard case .group(let names) = try entry(group, searchPaths: searchPaths) else { return }
            for member in names {
                if path.contains(member) || member == group {
                    throw SiteAliasError.groupCycle(name: group, source: sourceOf(group, searchPaths: searchPaths))
                }
                if case .group = try entry(member, searchPaths: searchPaths) {
                    try expand(member, path: path + [group])
                } else if !result.contains(member) {
                    result.append(member)
                }
            }
        }
        try expand(bare, path: [])
        return result
    }

    /// Aliases by bare name from a wprescue file; keys may be written with or without the leading `@`.
    public static func parse(_ data: Data, source: String) throws -> [String: SiteAlias] {
        try parseEntries(data, source: source).compactMapValues { entry in
            if case .site(let alias) = entry { return alias }
            return nil
        }
    }

    static func parseEntries(_ data: Data, source: String) throws -> [String: AliasEntry] {
        do {
            let decoded = try YAMLDecoder().decode([String: DecodedEntry].self, from: data)
            var entries: [String: AliasEntry] = [:]
            for (key, value) in decoded {
                switch value {
                case .site(var alias):
                    alias.source = source
                    entries[bareName(key)] = .site(alias)
                case .group(let names):
                    entries[bareName(key)] = .group(names.map(bareName))
                }
            }
            return entries
        } catch let error as DecodingError {
            throw SiteAliasError.invalidFile(path: source, detail: describe(error))
        } catch {
            throw SiteAliasError.invalidFile(path: source, detail: "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable YAML")
        }
    }

    /// An entry of wprescue's own file: a site, or a list of alias names.
    private enum DecodedEntry: Decodable {
        case site(SiteAlias)
        case group([String])

        init(from decoder: Decoder) throws {
            if let names = try? decoder.singleValueContainer().decode([String].self) {
                self = .group(names)
            } else {
                self = .site(try SiteAlias(from: decoder))
            }
        }
    }

    static func bareName(_ name: String) -> String {
        name.hasPrefix("@") ? String(name.dropFirst()) : name
    }

    /// The first file naming the alias decides what it is.
    private static func entry(_ bare: String, searchPaths: [AliasFile]) throws -> AliasEntry {
        for file in searchPaths {
            if let entry = try entries(in: file)[bare] { return entry }
        }
        throw SiteAliasError.unknownAlias(name: bare, searched: searchPaths.map(\.path))
    }

    private static func entries(in file: AliasFile) throws -> [String: AliasEntry] {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return [:] }
        // An alias decides where wprescue logs in and with which key: a file someone else could
        // have written (a wprescue.yml planted in a site's folder you cd into) is refused.
        if info.st_uid != geteuid() && info.st_uid != 0 {
            throw SiteAliasError.untrustedFile(path: file.path, reason: "it belongs to user \(info.st_uid), not to you or root")
        }
        if info.st_mode & 0o022 != 0 {
            throw SiteAliasError.untrustedFile(path: file.path, reason: "others may write to it (mode \(String(info.st_mode & 0o777, radix: 8)))")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else { return [:] }
        switch file.format {
        case .wprescue: return try parseEntries(data, source: file.path)
        case .wpCLI: return try WPCLIAliases.parse(data, source: file.path)
        }
    }

    private static func sourceOf(_ bare: String, searchPaths: [AliasFile]) -> String {
        searchPaths.first { (try? entries(in: $0)[bare]) != nil }?.path ?? "the alias files"
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing `\(key.stringValue)` under \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let place = context.codingPath.map(\.stringValue).joined(separator: ".")
            return place.isEmpty ? context.debugDescription : "\(place): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
