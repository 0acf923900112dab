import ArgumentParser

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .long, help: ArgumentHelp(
        "The site: a local path, sftp://user@host[:port]/path, user@host:/path, or @alias. The host may be an ~/.ssh/config alias, whose ProxyJump or ProxyCommand is followed. Defaults to $WPRESCUE_SITE.",
        valueName: "site"))
    var site: String?

    @Option(name: .long, help: "Output format: text for people, json for scripts (stable field names, see README).")
    var format: Format = .text

    @Flag(name: .long, help: "Show what would change, change nothing.")
    var dryRun = false

    @Flag(name: [.long, .customShort("y")], help: "Answer yes to every confirmation.")
    var yes = false

    @Flag(name: .long, help: "Say more about each step.")
    var verbose = false

    @Option(name: .long, help: ArgumentHelp("SSH private key to try first (SFTP sites).", valueName: "file"))
    var identity: String?

    @Option(name: .long, help: ArgumentHelp("known_hosts file to check the server's key against (default ~/.ssh/known_hosts).", valueName: "file"))
    var knownHosts: String?

    @Option(name: .long, help: ArgumentHelp("CA certificate(s) that vouch for a remote database server's TLS certificate (a database reached directly, not through SSH).", valueName: "file"))
    var dbSslCa: String?

    @Flag(name: .long, help: "Trust and record the host key of a server not yet in known_hosts (never a changed key).")
    var acceptNewHostKey = false
}
