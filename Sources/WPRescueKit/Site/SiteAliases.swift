import Foundation
import Yams

/// Named sites, in the spirit of WP-CLI's aliases: `wprescue --site @prod probe`.
///
/// Read from `wprescue.yml` in the current folder, then `~/.config/wprescue/sites.yml`
/// (`$XDG_CONFIG_HOME/wprescue/sites.yml`); the first file naming the alias wins.
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

    public var errorDescription: String? {
        switch self {
        case .unknownAlias(let name, let searched):
            return "No site alias @\(name) in \(searched.joined(separator: " or ")); add an entry \"@\(name):\" with a `site:` line."
        case .invalidFile(let path, let detail):
            return "\(path) is not a valid alias file: \(detail)."
        }
    }
}

public enum SiteAliases {
    /// The alias files in the order they are searched.
    public static func searchPaths(currentDirectory: String, environment: [String: String]) -> [String] {
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? SitePath.join(environment["HOME"] ?? NSHomeDirectory(), ".config")
        return [SitePath.join(currentDirectory, "wprescue.yml"), SitePath.join(configHome, "wprescue/sites.yml")]
    }

    public static func resolve(_ name: String, searchPaths: [String]) throws -> SiteAlias {
        let bare = name.hasPrefix("@") ? String(name.dropFirst()) : name
        for path in searchPaths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let aliases = try parse(data, source: path)
            if let alias = aliases[bare] { return alias }
        }
        throw SiteAliasError.unknownAlias(name: bare, searched: searchPaths)
    }

    /// Aliases by bare name; keys may be written with or without the leading `@`.
    public static func parse(_ data: Data, source: String) throws -> [String: SiteAlias] {
        do {
            let decoded = try YAMLDecoder().decode([String: SiteAlias].self, from: data)
            var aliases: [String: SiteAlias] = [:]
            for (key, var alias) in decoded {
                alias.source = source
                aliases[key.hasPrefix("@") ? String(key.dropFirst()) : key] = alias
            }
            return aliases
        } catch let error as DecodingError {
            throw SiteAliasError.invalidFile(path: source, detail: describe(error))
        } catch {
            throw SiteAliasError.invalidFile(path: source, detail: "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable YAML")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
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
