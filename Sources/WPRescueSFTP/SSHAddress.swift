import Foundation

/// Where a site lives over SSH, as the user typed it: `sftp://user@host:port/path`,
/// scp-style `user@host:/path`, or an `~/.ssh/config` alias such as `prod:/var/www/html`.
///
/// Nothing here is resolved yet: `host` may be an alias that `SSHConfig` turns into a real
/// host name, user and port (see `SSHEndpoint.resolve`).
public struct SSHAddress: Equatable, Sendable {
    /// The login name given in the address, if any; it wins over `User` in ssh_config.
    public var user: String?
    /// A host name, an ssh_config alias, or an IP address (IPv6 without brackets).
    public var host: String
    /// The port given in the address, if any; it wins over `Port` in ssh_config.
    public var port: Int?
    /// The folder on the server. Absolute for `sftp://` addresses; an scp-style address may
    /// give a path relative to the login folder (`host:www`), which the server resolves.
    public var path: String

    public init(user: String? = nil, host: String, port: Int? = nil, path: String) {
        self.user = user
        self.host = host
        self.port = port
        self.path = path
    }

    /// True when `text` names a remote site rather than a local folder: it starts with
    /// `sftp://`, or (as scp decides) a colon comes before any slash.
    public static func looksRemote(_ text: String) -> Bool {
        if text.lowercased().hasPrefix("sftp://") { return true }
        if text.hasPrefix("/") || text.hasPrefix(".") || text.hasPrefix("~") { return false }
        if text.hasPrefix("[") { return text.contains("]:") }
        guard let colon = text.firstIndex(of: ":") else { return false }
        let before = text[..<colon]
        return !before.isEmpty && !before.contains("/")
    }

    /// Parses either form; throws `SSHAddressError` with a sentence naming what is wrong.
    public static func parse(_ text: String) throws -> SSHAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "sftp" else { throw SSHAddressError.unsupportedScheme(text: text, scheme: scheme) }
            return try parseURL(text: text, rest: trimmed[schemeEnd.upperBound...])
        }
        return try parseSCPStyle(text: text, trimmed: Substring(trimmed))
    }

    /// One host of a `ProxyJump` list: `[user@]host[:port]` or `ssh://[user@]host[:port]`
    /// (IPv6 in brackets); nil when it is neither. The path is unused.
    static func jumpHost(_ text: String) -> SSHAddress? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.lowercased().hasPrefix("ssh://") { rest = rest.dropFirst(6) }
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        return try? parseURL(text: text, rest: rest)
    }

    /// `sftp://user@host:port` (no path), as `SiteFileSystem.locationDescription` shows it.
    public var displayName: String {
        var result = "sftp://"
        if let user { result += user + "@" }
        result += host.contains(":") ? "[\(host)]" : host
        if let port { result += ":\(port)" }
        return result
    }

    // MARK: - Forms

    private static func parseURL(text: String, rest: Substring) throws -> SSHAddress {
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var path = String(rest[slash...])
        guard let decodedPath = path.removingPercentEncoding else {
            throw SSHAddressError.malformed(text: text, reason: "the path has a broken %-escape")
        }
        path = decodedPath
        // `sftp://host/~/www` means `www` in the login folder (draft-ietf-secsh-scp-sftp-ssh-uri).
        if path.hasPrefix("/~/") { path = String(path.dropFirst(3)) } else if path == "/~" || path.isEmpty { path = "." }

        var hostPart = authority
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            var userInfo = authority[..<at]
            // `;fingerprint=...` parameters of the URI draft are not used: known_hosts decides.
            if let semicolon = userInfo.firstIndex(of: ";") { userInfo = userInfo[..<semicolon] }
            if userInfo.contains(":") { throw SSHAddressError.passwordInAddress(text: redactingPassword(text)) }
            guard let decoded = String(userInfo).removingPercentEncoding, !decoded.isEmpty else {
                throw SSHAddressError.malformed(text: text, reason: "the user name before @ is empty or badly escaped")
            }
            user = decoded
            hostPart = authority[authority.index(after: at)...]
        }
        let (host, port) = try parseHostAndPort(hostPart, text: text)
        return SSHAddress(user: user, host: host, port: port, path: path)
    }

    private static func parseSCPStyle(text: String, trimmed: Substring) throws -> SSHAddress {
        var user: String?
        var rest = trimmed
        // The user ends at the last @ before the host; the host is bracketed or ends at the first colon.
        let hostStart: Substring.Index
        if let bracket = rest.firstIndex(of: "["), let at = rest[..<bracket].lastIndex(of: "@") {
            user = String(rest[..<at])
            hostStart = rest.index(after: at)
        } else if let colon = rest.firstIndex(of: ":"), let at = rest[..<colon].lastIndex(of: "@") {
            user = String(rest[..<at])
            hostStart = rest.index(after: at)
        } else {
            hostStart = rest.startIndex
        }
        rest = rest[hostStart...]
        if let user, user.isEmpty { throw SSHAddressError.malformed(text: text, reason: "the user name before @ is empty") }

        let host: String
        let path: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw SSHAddressError.malformed(text: text, reason: "the [ before the IPv6 address is never closed")
            }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let afterBracket = rest[rest.index(after: close)...]
            guard afterBracket.hasPrefix(":") else {
                throw SSHAddressError.malformed(text: text, reason: "expected `:` and a path after `]`, as in user@[::1]:/var/www")
            }
            path = afterBracket.dropFirst()
        } else {
            guard let colon = rest.firstIndex(of: ":") else {
                throw SSHAddressError.malformed(text: text, reason: "expected host:/path or sftp://host/path")
            }
            host = String(rest[..<colon])
            path = rest[rest.index(after: colon)...]
        }
        // `user:secret@host:/path` splits at the first colon; refuse it rather than treat `user` as a host.
        if let at = path.firstIndex(of: "@"), !path[..<at].contains("/"), path[at...].contains(":") {
            throw SSHAddressError.passwordInAddress(text: redactingPassword(text))
        }
        try validateHost(host, text: text)
        return SSHAddress(user: user, host: host, port: nil, path: path.isEmpty ? "." : String(path))
    }

    private static func parseHostAndPort(_ part: Substring, text: String) throws -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if part.hasPrefix("[") {
            guard let close = part.firstIndex(of: "]") else {
                throw SSHAddressError.malformed(text: text, reason: "the [ before the IPv6 address is never closed")
            }
            host = part[part.index(after: part.startIndex)..<close]
            let after = part[part.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw SSHAddressError.malformed(text: text, reason: "unexpected text after `]`") }
                portText = after.dropFirst()
            }
        } else if part.filter({ $0 == ":" }).count > 1 {
            throw SSHAddressError.malformed(text: text, reason: "an IPv6 address needs brackets, as in sftp://[::1]:22/var/www")
        } else if let colon = part.firstIndex(of: ":") {
            host = part[..<colon]
            portText = part[part.index(after: colon)...]
        } else {
            host = part
        }
        guard let decodedHost = String(host).removingPercentEncoding else {
            throw SSHAddressError.malformed(text: text, reason: "the host has a broken %-escape")
        }
        try validateHost(decodedHost, text: text)
        var port: Int?
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw SSHAddressError.malformed(text: text, reason: "the port `\(portText)` is not a number from 1 to 65535")
            }
            port = number
        }
        return (decodedHost, port)
    }

    private static func validateHost(_ host: String, text: String) throws {
        if host.isEmpty { throw SSHAddressError.malformed(text: text, reason: "the host name is empty") }
        if host.hasPrefix("-") { throw SSHAddressError.malformed(text: text, reason: "a host name cannot start with -") }
        if host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) {
            throw SSHAddressError.malformed(text: text, reason: "the host name `\(host)` contains a space, / or @")
        }
    }

    /// The address with anything between `user:` and `@` replaced, for the error message.
    private static func redactingPassword(_ text: String) -> String {
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        guard let at = text[start...].firstIndex(of: "@"),
              let colon = text[start..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

public enum SSHAddressError: Error, Equatable, LocalizedError {
    case unsupportedScheme(text: String, scheme: String)
    case passwordInAddress(text: String)
    case malformed(text: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unsupportedScheme(let text, let scheme):
            return "\(text) uses \(scheme)://, but wprescue reaches servers over SFTP only; write sftp://user@host/path or user@host:/path."
        case .passwordInAddress(let text):
            return "\(text) carries a password, which would show in the process list and shell history; remove it and set WPRESCUE_SSH_PASSWORD or answer the prompt instead."
        case .malformed(let text, let reason):
            return "\(text) is not a site address: \(reason); write sftp://user@host[:port]/path or user@host:/path."
        }
    }
}
