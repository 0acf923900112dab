import Foundation

/// A one-time login link for a site whose owner cannot get into wp-admin, made with file access
/// alone: a temporary must-use plugin (the helper) logs in the visitor who holds the link's secret
/// once, sends them to wp-admin and deletes itself. The helper stores only the secret's SHA-256,
/// so neither the site nor the journal's copy of the file can give the link away; the link is
/// given to the caller once and never written anywhere.
public struct LoginLink {
    /// Whom the link logs in.
    public enum Account: Equatable, Sendable {
        /// The user with this login, looked up by the helper when the link is used.
        case login(String)
        /// The site's only administrator, looked up by the helper (when the database cannot be
        /// reached from here); with several, the helper refuses and says to name one.
        case soleAdministrator
        /// Nobody: the helper has core make its own recovery mode link and sends the holder
        /// there (`recovery-link` when the database cannot be reached from here).
        case recoveryMode
    }

    public struct Facts: Sendable {
        /// The link itself. It carries the secret: show it once, write it nowhere.
        public var url: String
        /// The login it is for; nil when the helper will pick the only administrator.
        public var user: String?
        public var expires: Date
        public var helperPath: String
        /// Helpers of earlier links this plan removes.
        public var replacedHelpers: [String]
    }

    /// The query parameter carrying the secret.
    public static let parameter = "wprescue-login"
    public static let helperPrefix = "wprescue-login-"
    public static let summary = "Add a one-time login helper (must-use plugin)"
    public static let defaultLifetime: TimeInterval = 15 * 60
    /// Long enough to read mail on another device; short enough that a forgotten link dies the same day.
    public static let lifetimes: ClosedRange<TimeInterval> = 60...(24 * 3600)
    /// Bytes of randomness in a secret: 256 bits.
    public static let secretLength = 32

    public let site: Site

    public init(site: Site) { self.site = site }

    /// Plans the helper for `account`, reachable at `home`, valid for `lifetime` from `now`.
    /// Earlier helpers are removed in the same operation, so only the newest link works.
    public func plan(command: String, home: String, account: Account, lifetime: TimeInterval = defaultLifetime,
                     now: Date = Date(), secret: [UInt8] = LoginLink.newSecret()) throws -> RemedyPlan<Facts> {
        let folder = site.layout.mustUsePluginDirectory
        let expires = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime).rounded(.down))
        let token = Self.base64URL(secret)
        let name = "\(Self.helperPrefix)\(Int(expires.timeIntervalSince1970))-\(Self.base64URL(Self.newSecret(count: 6))).php"
        let path = SitePath.join(folder, name)
        var changes: [Change] = []
        var replaced: [String] = []
        if try site.fileSystem.status(folder) == nil {
            changes.append(.createDirectory(path: folder))
        } else {
            replaced = try helpers().map(\.path)
            changes += replaced.map { .removeFile(path: $0) }
        }
        let contents = Self.helperSource(secretHash: Digest.hex(Digest.sha256(Array(token.utf8))), expires: expires, account: account)
        changes.append(.write(path: path, contents: Data(contents.utf8)))
        let url = Self.link(home: home, token: token)
        let user: String?
        switch account {
        case .login(let login): user = login
        case .soleAdministrator, .recoveryMode: user = nil
        }
        return RemedyPlan(changes: ChangePlan(command: command, summary: Self.summary, changes: changes),
                          facts: Facts(url: url, user: user, expires: expires, helperPath: path, replacedHelpers: replaced),
                          notes: ["The link works once, until it expires; the helper deletes itself when the link is used or found expired, and the next wprescue command on this site removes it at the latest."])
    }

    /// A helper left on the site: its path and when its link expires (from its name).
    public struct Helper: Equatable, Sendable {
        public var path: String
        public var expires: Date?
    }

    /// The helpers in the must-use plugins folder.
    public func helpers() throws -> [Helper] {
        let folder = site.layout.mustUsePluginDirectory
        guard try site.fileSystem.isDirectory(folder) else { return [] }
        return try site.fileSystem.list(folder)
            .filter { $0.status.kind == .file && $0.name.hasPrefix(Self.helperPrefix) && $0.name.hasSuffix(".php") }
            .map { entry in
                let stamp = entry.name.dropFirst(Self.helperPrefix.count).prefix { $0.isNumber }
                return Helper(path: SitePath.join(folder, entry.name),
                              expires: TimeInterval(String(stamp)).map { Date(timeIntervalSince1970: $0) })
            }
            .sorted { $0.path < $1.path }
    }

    /// Removes helpers whose link has expired (or whose expiry cannot be read): what every
    /// wprescue command on the site does first, so a helper never outlives its link for long.
    public func sweep(command: String, now: Date = Date()) throws -> ChangePlan {
        let expired = try helpers().filter { helper in helper.expires.map { $0 <= now } ?? true }
        return ChangePlan(command: command, summary: "Remove an expired one-time login helper",
                          changes: expired.map { .removeFile(path: $0.path) })
    }

    /// `count` bytes from the system's cryptographically secure generator.
    public static func newSecret(count: Int = secretLength) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The link on the front page, not wp-login.php: a lockout plugin often guards that one.
    static func link(home: String, token: String) -> String {
        var base = home
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/?\(parameter)=\(token)"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The helper for `recovery-link` without the database: once, for the holder of the secret,
    /// core's own `WP_Recovery_Mode_Link_Service::generate_url()` stores a key and the holder is
    /// sent to core's link. It runs as the must-use plugin loads, before any plugin can die.
    static func recoveryHelperSource(secretHash: String, expires: Date) -> String {
        helperPrologue(name: "wprescue recovery mode link",
                       description: "Temporary, written by `wprescue recovery-link`: sends the holder of a one-time link to WordPress's own recovery mode link, once, then deletes itself.",
                       secretHash: secretHash, expires: expires, login: nil) + """
        \tif ( time() >= $expires ) {
        \t\t@unlink( $file );
        \t\treturn;
        \t}
        \tif ( null === $given || ! hash_equals( $hash, hash( 'sha256', $given ) ) ) {
        \t\treturn;
        \t}
        \tif ( ! @unlink( $file ) ) {
        \t\treturn;
        \t}
        \t// What core does before it handles its own link: pluggable.php is not loaded yet.
        \tif ( ! function_exists( 'wp_generate_password' ) ) {
        \t\trequire_once ABSPATH . WPINC . '/pluggable.php';
        \t}
        \t$url = ( new WP_Recovery_Mode_Link_Service( new WP_Recovery_Mode_Cookie_Service(), new WP_Recovery_Mode_Key_Service() ) )->generate_url();
        \tnocache_headers();
        \theader( 'Location: ' . $url, true, 302 );
        \texit;
        } )();

        """
    }

    /// What every helper starts with: its header, and the secret's hash, the expiry and the
    /// secret given in the request, in variables (and the login, base64-encoded, when there is one).
    static func helperPrologue(name: String, description: String, secretHash: String, expires: Date, login: String?) -> String {
        let stamp = ISO8601DateFormatter().string(from: expires)
        return """
        <?php
        /**
         * Plugin Name: \(name)
         * Description: \(description) Expires \(stamp). Safe to delete.
         */

        if ( ! defined( 'ABSPATH' ) ) {
        \texit;
        }

        ( static function () {
        \t$file    = __FILE__;
        \t$hash    = '\(secretHash)';
        \t$expires = \(Int(expires.timeIntervalSince1970));\n
        """ + (login.map { "\t$login   = base64_decode( '\($0)' );\n" } ?? "") + """
        \t$given   = isset( $_GET['\(parameter)'] ) && is_string( $_GET['\(parameter)'] ) ? $_GET['\(parameter)'] : null;


        """
    }

    /// The must-use plugin. Everything in it comes from wprescue except the login, which is
    /// passed base64-encoded so no user name can end the PHP string.
    static func helperSource(secretHash: String, expires: Date, account: Account) -> String {
        let login: String
        switch account {
        case .login(let name): login = Data(name.utf8).base64EncodedString()
        case .soleAdministrator: login = ""
        case .recoveryMode: return recoveryHelperSource(secretHash: secretHash, expires: expires)
        }
        return helperPrologue(name: "wprescue one-time login",
                              description: "Temporary, written by `wprescue login`: logs in the holder of a one-time link once, then deletes itself.",
                              secretHash: secretHash, expires: expires, login: login) + """
        \tif ( time() >= $expires ) {
        \t\t@unlink( $file );
        \t\tif ( null !== $given ) {
        \t\t\tadd_action( 'plugins_loaded', static function () {
        \t\t\t\twp_die( 'This login link has expired. Make a new one with: wprescue login', 'Login link expired', array( 'response' => 410 ) );
        \t\t\t}, PHP_INT_MIN );
        \t\t}
        \t\treturn;
        \t}
        \tif ( null === $given || ! hash_equals( $hash, hash( 'sha256', $given ) ) ) {
        \t\treturn;
        \t}

        \tadd_action( 'plugins_loaded', static function () use ( $file, $login ) {
        \t\t// Only the request that removes the helper logs in: the link works once, even for two requests at the same instant.
        \t\tif ( ! @unlink( $file ) ) {
        \t\t\tif ( file_exists( $file ) ) {
        \t\t\t\twp_die( 'The one-time login helper cannot delete itself, so it logs nobody in. Remove it with: wprescue undo', 'Login link refused', array( 'response' => 500 ) );
        \t\t\t}
        \t\t\twp_die( 'This login link was already used. Make a new one with: wprescue login', 'Login link used', array( 'response' => 410 ) );
        \t\t}
        \t\tif ( '' === $login ) {
        \t\t\t$administrators = get_users( array( 'role' => 'administrator', 'number' => 2, 'fields' => 'ID' ) );
        \t\t\tif ( 1 !== count( $administrators ) ) {
        \t\t\t\twp_die( 'This site has several administrators (or none). Make a link for one of them with: wprescue login --user LOGIN', 'Login link refused', array( 'response' => 409 ) );
        \t\t\t}
        \t\t\t$user = get_user_by( 'id', (int) $administrators[0] );
        \t\t} else {
        \t\t\t$user = get_user_by( 'login', $login );
        \t\t}
        \t\tif ( ! $user ) {
        \t\t\twp_die( 'The account this login link was made for no longer exists.', 'Login link refused', array( 'response' => 404 ) );
        \t\t}
        \t\twp_set_current_user( $user->ID );
        \t\twp_set_auth_cookie( $user->ID );
        \t\tnocache_headers();
        \t\twp_safe_redirect( admin_url() );
        \t\texit;
        \t}, PHP_INT_MIN );
        } )();

        """
    }
}
