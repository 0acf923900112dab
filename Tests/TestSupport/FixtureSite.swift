import Foundation

/// Builds a small but faithful WordPress file tree in a temporary folder: what discovery,
/// the catalog and the journal look at, without a web server.
public final class FixtureSite {
    public let root: String
    private let base: String

    /// `folder`: where the site sits inside the temporary folder (`app/releases/42` for a deploy).
    public init(plugins: Int = 0, folder: String = "site") throws {
        base = try Self.makeTemporaryDirectory()
        root = base + "/" + folder
        try write("wp-settings.php", "<?php\n// WordPress bootstrap (fixture)\n")
        try write("wp-load.php", "<?php\n")
        try write("index.php", "<?php\nrequire __DIR__ . '/wp-blog-header.php';\n")
        try write("wp-config.php", Self.config(extra: ""))
        try write("wp-content/index.php", "<?php\n// Silence is golden.\n")
        try write("wp-content/plugins/index.php", "<?php\n// Silence is golden.\n")
        try addPlugin("akismet", name: "Akismet Anti-Spam", version: "5.0.2")
        try write("wp-content/plugins/hello.php", """
            <?php
            /**
             * @package Hello_Dolly
             * @version 1.7.2
             */
            /*
            Plugin Name: Hello Dolly
            Version: 1.7.2
            */
            """)
        try write("wp-content/plugins/not-a-plugin/readme.txt", "no PHP header here\n")
        try addTheme("twentytwentythree", name: "Twenty Twenty-Three", version: "1.0")
        for index in 0..<plugins {
            try addPlugin(String(format: "filler-%03d", index), name: "Filler \(index)", version: "1.\(index)")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// A folder outside the site, for state directories and the like.
    public var scratch: String {
        let path = base + "/scratch"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public func path(_ relative: String) -> String { root + "/" + relative }

    /// A path beside the site inside the temporary folder (`app/shared` for a deploy).
    public func outside(_ relative: String) -> String { base + "/" + relative }

    /// Turns a site built with `folder: "app/releases/42"` into a Deployer/Capistrano deploy:
    /// wp-config.php moved to `app/shared/` and linked back relatively (as those tools link it),
    /// and `app/current` a link to the release. Returns the `current` path.
    @discardableResult
    public func makeDeploy(release: String = "42") throws -> String {
        let manager = FileManager.default
        try manager.createDirectory(atPath: outside("app/shared"), withIntermediateDirectories: true)
        try manager.moveItem(atPath: path("wp-config.php"), toPath: outside("app/shared/wp-config.php"))
        try manager.createSymbolicLink(atPath: path("wp-config.php"), withDestinationPath: "../../shared/wp-config.php")
        try manager.createSymbolicLink(atPath: outside("app/current"), withDestinationPath: "releases/\(release)")
        return outside("app/current")
    }

    public func write(_ relative: String, _ contents: String, mode: Int = 0o644) throws {
        let full = path(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
    }

    public func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    public func addPlugin(_ slug: String, name: String, version: String) throws {
        try write("wp-content/plugins/\(slug)/\(slug).php", """
            <?php
            /**
             * Plugin Name: \(name)
             * Version: \(version)
             * Description: fixture plugin
             */
            defined('ABSPATH') || exit;
            """)
        try write("wp-content/plugins/\(slug)/readme.txt", "=== \(name) ===\n")
    }

    public func addTheme(_ slug: String, name: String, version: String, parent: String? = nil) throws {
        try write("wp-content/themes/\(slug)/style.css", """
            /*
            Theme Name: \(name)
            Version: \(version)
            \(parent.map { "Template: \($0)" } ?? "")
            */
            """)
        try write("wp-content/themes/\(slug)/index.php", "<?php\n")
    }

    public static func config(extra: String) -> String {
        """
        <?php
        define( 'DB_NAME', 'wordpress' );
        define( 'DB_USER', 'wordpress' );
        define( 'DB_PASSWORD', 'fixture-secret-Zq8' );
        define( 'DB_HOST', '127.0.0.1' );
        define( 'AUTH_KEY', 'fixture-auth-key-Xy1' );
        \(extra)
        $table_prefix = 'wp_';
        define( 'WP_DEBUG', false );

        /* That's all, stop editing! Happy publishing. */
        if ( ! defined( 'ABSPATH' ) ) {
        \tdefine( 'ABSPATH', __DIR__ . '/' );
        }
        require_once ABSPATH . 'wp-settings.php';

        """
    }

    static func makeTemporaryDirectory() throws -> String {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("wprescue-test-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}
