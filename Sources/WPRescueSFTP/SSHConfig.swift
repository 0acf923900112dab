import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few ssh_config settings wprescue honours for a host, as OpenSSH would pick them:
/// the first value obtained wins, `IdentityFile` lines add up in order.
public struct SSHHostSettings: Equatable, Sendable {
    public var hostName: String?
    public var user: String?
    public var port: Int?
    /// As written in the file, before `~` and `%` expansion.
    public var identityFiles: [String]
    /// `ProxyJump` or `ProxyCommand`, whichever came first; nil when neither is set.
    public var proxy: SSHProxySetting?

    public init(hostName: String? = nil, user: String? = nil, port: Int? = nil, identityFiles: [String] = [], proxy: SSHProxySetting? = nil) {
        self.hostName = hostName
        self.user = user
        self.port = port
        self.identityFiles = identityFiles
        self.proxy = proxy
    }
}

/// How ssh_config says a host is reached: OpenSSH takes the first of `ProxyJump` and
/// `ProxyCommand`, and `none` counts as set (a later line cannot add a proxy back).
public enum SSHProxySetting: Equatable, Sendable {
    /// `ProxyJump none` or `ProxyCommand none`: connect directly.
    case disabled
    /// The jump hosts in order, each `[user@]host[:port]` or `ssh://[user@]host[:port]`.
    case jump([String])
    case command(String)
}

/// A parsed `~/.ssh/config` (with its `Include`d files), read the way OpenSSH reads it:
/// `Host` sections with `*`/`?` patterns and `!` negation, keywords in any case, `Key value`
/// or `Key=value`, quoted arguments. `Match` sections other than `Match all` are not
/// evaluated and so never apply.
public struct SSHConfig: Sendable {
    enum Line: Sendable {
        case host(patterns: [String])
        case match(all: Bool)
        case option(keyword: String, arguments: [String])
        case include([SSHConfig])
    }

    let lines: [Line]

    /// Parses `text`; `includedFiles` returns the contents of the files an `Include` argument
    /// names (already glob-expanded and resolved against `~/.ssh`), in order.
    public init(text: String, includedFiles: (String) -> [String] = { _ in [] }) {
        self.init(text: text, depth: 0, includedFiles: includedFiles)
    }

    private init(text: String, depth: Int, includedFiles: (String) -> [String]) {
        var lines: [Line] = []
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            guard let (keyword, arguments) = Self.tokenize(rawLine) else { continue }
            switch keyword {
            case "host":
                lines.append(.host(patterns: arguments))
            case "match":
                lines.append(.match(all: arguments.count == 1 && arguments[0].lowercased() == "all"))
            case "include":
                // OpenSSH stops at 16 levels; a loop of Includes would otherwise never end.
                guard depth < 16 else { continue }
                let configs = arguments.flatMap(includedFiles).map { SSHConfig(text: $0, depth: depth + 1, includedFiles: includedFiles) }
                lines.append(.include(configs))
            case "proxycommand":
                // As in OpenSSH, the rest of the line as written: it goes to /bin/sh, quotes and all.
                lines.append(.option(keyword: keyword, arguments: [Self.rawValue(rawLine)]))
            default:
                lines.append(.option(keyword: keyword, arguments: arguments))
            }
        }
        self.lines = lines
    }

    /// Reads `path` and the files it includes; nil when `path` does not exist.
    public static func load(path: String, homeDirectory: String) throws -> SSHConfig? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SSHConnectionError.configUnreadable(path: path, detail: error.localizedDescription)
        }
        let sshFolder = (homeDirectory as NSString).appendingPathComponent(".ssh")
        return SSHConfig(text: text) { argument in
            var pattern = argument
            if pattern.hasPrefix("~/") { pattern = (homeDirectory as NSString).appendingPathComponent(String(pattern.dropFirst(2))) }
            if !pattern.hasPrefix("/") { pattern = (sshFolder as NSString).appendingPathComponent(pattern) }
            return FileGlob.paths(matching: pattern).compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        }
    }

    /// The settings that apply to `host`, the name as typed (an alias, before `HostName`).
    public func settings(forHost host: String) -> SSHHostSettings {
        var settings = SSHHostSettings()
        var active = true
        apply(to: &settings, host: host.lowercased(), active: &active, neverMatch: false)
        return settings
    }

    private func apply(to settings: inout SSHHostSettings, host: String, active: inout Bool, neverMatch: Bool) {
        for line in lines {
            switch line {
            case .host(let patterns):
                active = !neverMatch && Self.hostMatches(host, patterns: patterns)
            case .match(let all):
                active = !neverMatch && all
            case .include(let configs):
                // An included file starts in the current section and cannot change it for the includer.
                let saved = active
                for config in configs {
                    config.apply(to: &settings, host: host, active: &active, neverMatch: neverMatch || !saved)
                }
                active = saved
            case .option(let keyword, let arguments):
                guard active, let first = arguments.first else { continue }
                switch keyword {
                case "hostname": if settings.hostName == nil { settings.hostName = first }
                case "user": if settings.user == nil { settings.user = first }
                case "port": if settings.port == nil, let port = Int(first), (1...65535).contains(port) { settings.port = port }
                case "identityfile": settings.identityFiles.append(first)
                case "proxyjump", "proxycommand":
                    guard settings.proxy == nil else { continue }
                    if first.lowercased() == "none" {
                        settings.proxy = .disabled
                    } else if keyword == "proxyjump" {
                        settings.proxy = .jump(arguments.joined(separator: ",").split(separator: ",").map(String.init))
                    } else {
                        settings.proxy = .command(arguments.joined(separator: " "))
                    }
                default: continue
                }
            }
        }
    }

    /// OpenSSH's rule: a negated pattern that matches rules the section out; otherwise any
    /// plain pattern that matches rules it in. Matching ignores case.
    static func hostMatches(_ host: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            let negated = pattern.hasPrefix("!")
            let body = (negated ? String(pattern.dropFirst()) : pattern).lowercased()
            if wildcardMatches(Array(host.unicodeScalars), Array(body.unicodeScalars)) {
                if negated { return false }
                matched = true
            }
        }
        return matched
    }

    /// `*` is any run of characters, `?` exactly one.
    static func wildcardMatches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var textIndex = 0, patternIndex = 0
        var starPattern = -1, starText = 0
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "?" || pattern[patternIndex] == text[textIndex] {
                textIndex += 1
                patternIndex += 1
            } else if patternIndex < pattern.count, pattern[patternIndex] == "*" {
                starPattern = patternIndex
                starText = textIndex
                patternIndex += 1
            } else if starPattern >= 0 {
                patternIndex = starPattern + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == pattern.count
    }

    /// Splits one line into a lowercased keyword and its arguments; nil for blank lines and comments.
    static func tokenize(_ line: Substring) -> (String, [String])? {
        guard let (keyword, rest) = splitKeyword(line) else { return nil }

        var arguments: [String] = []
        var current = ""
        var inArgument = false
        var quote: Character?
        var escaped = false
        for character in rest {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
                inArgument = true
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inArgument = true
            } else if character == " " || character == "\t" {
                if inArgument { arguments.append(current) }
                current = ""
                inArgument = false
            } else if character == "#" && !inArgument {
                break
            } else {
                current.append(character)
                inArgument = true
            }
        }
        if inArgument { arguments.append(current) }
        return (keyword, arguments)
    }

    /// The keyword (lowercased) and what follows it and its `=` or blanks; nil for a blank or comment line.
    private static func splitKeyword(_ line: Substring) -> (String, Substring)? {
        var rest = line.drop(while: { $0 == " " || $0 == "\t" })
        if rest.isEmpty || rest.hasPrefix("#") { return nil }
        let keywordEnd = rest.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) ?? rest.endIndex
        let keyword = rest[..<keywordEnd].lowercased()
        rest = rest[keywordEnd...].drop(while: { $0 == " " || $0 == "\t" })
        if rest.hasPrefix("=") { rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" }) }
        return (keyword, rest)
    }

    /// The value of a line taken as written, without trailing blanks.
    private static func rawValue(_ line: Substring) -> String {
        String(splitKeyword(line)?.1 ?? "").trimmingCharacters(in: .whitespaces)
    }
}

/// The host, user, port and keys one connection uses, after the address and ssh_config are combined.
public struct SSHEndpoint: Equatable, Sendable {
    /// The host as typed (an alias or a real name); known_hosts is checked against `hostName`.
    public var alias: String
    public var hostName: String
    public var port: Int
    public var user: String
    /// `IdentityFile` entries from ssh_config, with `~` and `%` tokens expanded.
    public var identityFiles: [String]
    /// `ProxyJump` hosts, first hop first: the connection goes to the first, from there to the
    /// next, and from the last to this server. Empty for a direct connection.
    public var jumpHosts: [SSHEndpoint]
    /// `ProxyCommand` with its `%` tokens expanded: SSH runs over its standard input and output.
    public var proxyCommand: String?

    public init(alias: String, hostName: String, port: Int, user: String, identityFiles: [String] = [], jumpHosts: [SSHEndpoint] = [],
                proxyCommand: String? = nil) {
        self.alias = alias
        self.hostName = hostName
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.jumpHosts = jumpHosts
        self.proxyCommand = proxyCommand
    }

    /// `user@host:port`, as people recognize it; IPv6 addresses in brackets.
    public var displayName: String {
        let host = hostName.contains(":") ? "[\(hostName)]" : hostName
        return "\(user)@\(host)\(port == 22 ? "" : ":\(port)")"
    }

    /// The hop this server is reached through (the last jump host, itself reached through the
    /// ones before it); nil for a direct connection.
    var lastJump: SSHEndpoint? {
        guard var hop = jumpHosts.last else { return nil }
        hop.jumpHosts = Array(jumpHosts.dropLast())
        return hop
    }

    /// What the address gives wins over ssh_config, which wins over the defaults (the local
    /// user name, port 22), as with `ssh -l user -p port alias`.
    public static func resolve(_ address: SSHAddress, config: SSHConfig?, localUserName: String, homeDirectory: String) throws -> SSHEndpoint {
        try resolve(address, config: config, localUserName: localUserName, homeDirectory: homeDirectory, reachedFrom: [])
    }

    /// OpenSSH's `ProxyJump a,b`: b is reached through a, and only a's own ProxyJump or
    /// ProxyCommand applies (the list overrides b's). `reachedFrom` holds the hosts whose
    /// ProxyJump led here.
    private static func resolve(_ address: SSHAddress, config: SSHConfig?, localUserName: String, homeDirectory: String,
                                reachedFrom: [String], honourProxy: Bool = true) throws -> SSHEndpoint {
        let settings = config?.settings(forHost: address.host) ?? SSHHostSettings()
        let hostName = settings.hostName.map { expand($0, tokens: ["h": address.host]) } ?? address.host
        let user = address.user ?? settings.user ?? localUserName
        let port = address.port ?? settings.port ?? 22
        let tokens: [Character: String] = [
            "d": homeDirectory, "u": localUserName, "h": hostName, "r": user, "p": String(port), "n": address.host,
        ]
        let identityFiles = settings.identityFiles.filter { $0.lowercased() != "none" }.map { file -> String in
            var expanded = expand(file, tokens: tokens)
            if expanded == "~" { expanded = homeDirectory } else if expanded.hasPrefix("~/") {
                expanded = (homeDirectory as NSString).appendingPathComponent(String(expanded.dropFirst(2)))
            }
            return expanded
        }
        var endpoint = SSHEndpoint(alias: address.host, hostName: hostName, port: port, user: user, identityFiles: identityFiles)

        switch honourProxy ? settings.proxy : nil {
        case .command(let command):
            // The command goes to /bin/sh: the values put into it must not be shell syntax.
            for value in [hostName, user, address.host] where !value.allSatisfy(isSafeInCommand) {
                throw SSHConnectionError.unsafeProxyCommandToken(alias: address.host, value: value)
            }
            endpoint.proxyCommand = expand(command, tokens: ["h": hostName, "p": String(port), "r": user, "n": address.host, "u": localUserName])
        case .jump(let hops):
            let chain = reachedFrom + [address.host]
            for (index, hop) in hops.enumerated() {
                guard let hopAddress = SSHAddress.jumpHost(hop) else {
                    throw SSHConnectionError.invalidJumpHost(alias: address.host, value: hop)
                }
                // `Host *` with a ProxyJump also matches the jump host itself: it cannot jump
                // through itself, so it is reached directly.
                if hops.count == 1, hopAddress.host.lowercased() == address.host.lowercased() { break }
                guard !chain.contains(where: { $0.lowercased() == hopAddress.host.lowercased() }), chain.count < 8 else {
                    throw SSHConnectionError.jumpHostLoop(chain: chain + [hopAddress.host])
                }
                var hopEndpoint = try resolve(hopAddress, config: config, localUserName: localUserName, homeDirectory: homeDirectory,
                                              reachedFrom: chain, honourProxy: index == 0)
                endpoint.jumpHosts += hopEndpoint.jumpHosts
                hopEndpoint.jumpHosts = []
                endpoint.jumpHosts.append(hopEndpoint)
            }
        case .disabled, nil:
            break
        }
        return endpoint
    }

    /// Letters, digits and `.-_:[]@+`, enough for host names, IP addresses and user names.
    private static func isSafeInCommand(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || ".-_:[]@+".contains(character))
    }

    /// Replaces `%x` tokens OpenSSH knows; `%%` is a literal percent sign; unknown tokens stay.
    static func expand(_ text: String, tokens: [Character: String]) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else { result.append(character); continue }
            guard let token = iterator.next() else { result.append("%"); break }
            if token == "%" { result.append("%") } else if let value = tokens[token] { result += value } else { result += "%\(token)" }
        }
        return result
    }
}

/// glob(3) for `Include`, which accepts wildcards in file names.
enum FileGlob {
    static func paths(matching pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }
}
