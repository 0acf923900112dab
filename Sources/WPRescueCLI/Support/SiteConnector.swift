import Foundation
import WPRescueKit
import WPRescueSFTP

/// Turns a --site value into an open `Site`: a local path, or an SFTP address reached
/// through libssh2 with strict host-key checking.
enum SiteConnector {
    static func open(_ address: String, global: GlobalOptions, alias: SiteAlias?, console: Console, terminal: Terminal,
                     environment: [String: String]) throws -> Site {
        if SSHAddress.looksRemote(address) {
            return try openRemote(try SSHAddress.parse(address), global: global, alias: alias, console: console, terminal: terminal,
                                  environment: environment)
        }
        let path = address.hasPrefix("/") ? address : SitePath.join(FileManager.default.currentDirectoryPath, address)
        let fileSystem = LocalFileSystem()
        fileSystem.warningHandler = { console.note("wprescue: warning: \($0)") }
        return try Site.open(path: SitePath.normalize(path), fileSystem: fileSystem, identityPrefix: "local:",
                             environment: environment)
    }

    private static func openRemote(_ parsed: SSHAddress, global: GlobalOptions, alias: SiteAlias?, console: Console, terminal: Terminal,
                                   environment: [String: String]) throws -> Site {
        var address = parsed
        if address.user == nil, let user = alias?.ssh?.user { address.user = user }
        if address.port == nil, let port = alias?.ssh?.port { address.port = port }
        var options = SSHConnectionOptions(environment: environment)
        options.identityFile = (global.identity ?? alias?.ssh?.identity).map(expandTilde)
        options.knownHostsFile = (global.knownHosts ?? alias?.ssh?.knownHosts).map(expandTilde)
        options.acceptNewHostKey = global.acceptNewHostKey
        // Prompts only on a terminal; the password itself never passes through argv.
        if terminal.isInteractive {
            options.passphrasePrompt = { file in terminal.hidden("Passphrase for \(file): ") }
            options.passwordPrompt = { destination in terminal.hidden("Password for \(destination): ") }
            options.keyboardInteractivePrompt = { serverPrompt in terminal.hidden(serverPrompt.isEmpty ? "Answer: " : serverPrompt + " ") }
        }
        let fileSystem = try SFTPFileSystem.connect(to: address, options: options)
        fileSystem.warningHandler = { console.note("wprescue: warning: \($0)") }
        for (host, fingerprint) in fileSystem.session.recordedHostKeys {
            console.note("Recorded \(host)'s host key \(fingerprint) in \(options.knownHostsFile ?? "~/.ssh/known_hosts").")
        }
        let endpoint = fileSystem.session.endpoint
        if let command = endpoint.proxyCommand {
            console.detail("Connected to \(fileSystem.session.displayName) through `\(command)` (ProxyCommand).")
        } else if !endpoint.jumpHosts.isEmpty {
            console.detail("Connected to \(fileSystem.session.displayName) through \(endpoint.jumpHosts.map(\.displayName).joined(separator: ", then ")) (ProxyJump).")
        }
        let root = try fileSystem.canonicalPath(address.path.isEmpty ? "." : address.path)
        return try Site.open(path: root, fileSystem: fileSystem, identityPrefix: fileSystem.locationDescription, environment: environment)
    }

    private static func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return SitePath.join(FileManager.default.homeDirectoryForCurrentUser.path, String(path.dropFirst(2)))
    }
}
