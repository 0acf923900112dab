import Testing

/// How a test reaches the test bed's site: the same commands run on the local file system
/// and over SFTP through the test bed's real sshd ("one suite, two backends").
public enum SiteBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case local
    case sftp

    public var testDescription: String { rawValue }

    /// The global options that name the site.
    public func siteArguments(_ testbed: Testbed) -> [String] {
        siteArguments(testbed, path: testbed.sitePath)
    }

    /// The same for another site folder of the test bed (a deploy's `current`, a network).
    public func siteArguments(_ testbed: Testbed, path: String) -> [String] {
        switch self {
        case .local:
            return ["--site", path]
        case .sftp:
            return ["--site", "sftp://\(testbed["SSH_USER"])@\(testbed["SSH_HOST"]):\(testbed["SSH_PORT"])\(path)",
                    "--identity", testbed["SSH_KEY"], "--known-hosts", testbed["SSH_KNOWN_HOSTS"]]
        }
    }
}
