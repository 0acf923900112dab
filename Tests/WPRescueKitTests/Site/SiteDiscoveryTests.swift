import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

struct SiteDiscoveryTests {
    let discovery = SiteDiscovery(fileSystem: LocalFileSystem())

    @Test func `finds the standard layout`() throws {
        let fixture = try FixtureSite()
        let layout = try discovery.discover(at: fixture.root)
        let root = try LocalFileSystem().canonicalPath(fixture.root)
        #expect(layout == SiteLayout.standard(root: root))
    }

    @Test func `accepts a path with a trailing slash and dots`() throws {
        let fixture = try FixtureSite()
        let layout = try discovery.discover(at: fixture.root + "/wp-content/../")
        #expect(layout.root == (try LocalFileSystem().canonicalPath(fixture.root)))
    }

    @Test func `finds wp-config.php one level above ABSPATH`() throws {
        let fixture = try FixtureSite()
        let config = try fixture.read("wp-config.php")
        try FileManager.default.removeItem(atPath: fixture.path("wp-config.php"))
        let above = (fixture.root as NSString).deletingLastPathComponent + "/wp-config.php"
        try Data(config.utf8).write(to: URL(fileURLWithPath: above))
        let layout = try discovery.discover(at: fixture.root)
        #expect(layout.configFile == (try LocalFileSystem().canonicalPath(above)))
    }

    @Test func `a missing wp-config.php is named as such`() throws {
        let fixture = try FixtureSite()
        try FileManager.default.removeItem(atPath: fixture.path("wp-config.php"))
        #expect(throws: SiteError.self) { try discovery.discover(at: fixture.root) }
        do {
            _ = try discovery.discover(at: fixture.root)
        } catch let error as SiteError {
            guard case .noConfig = error else { Issue.record("expected noConfig, got \(error)"); return }
            #expect(error.localizedDescription.contains("wp-config.php"))
        }
    }

    @Test func `a folder that is not WordPress says what was looked for and where`() throws {
        let fixture = try FixtureSite()
        let parent = (fixture.root as NSString).deletingLastPathComponent
        do {
            _ = try discovery.discover(at: parent)
            Issue.record("discovery accepted a folder without wp-settings.php")
        } catch let error as SiteError {
            let message = error.localizedDescription
            #expect(message.contains("wp-settings.php"))
            #expect(message.contains(parent))
            #expect(message.contains(fixture.root.components(separatedBy: "/").last ?? "site"), "suggests the nested site")
        }
    }

    @Test func `a path that does not exist is not WordPress`() {
        #expect(throws: SiteError.self) { try discovery.discover(at: "/nonexistent/wprescue/site") }
    }

    @Test func `lists drop-ins present in wp-content`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/object-cache.php", "<?php\n")
        try fixture.write("wp-content/advanced-cache.php", "<?php\n")
        let site = try Site.open(path: fixture.root, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                                 environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
        #expect(try site.dropIns() == ["advanced-cache.php", "object-cache.php"])
    }
}

struct CustomContentDirectoryTests {
    @Test(arguments: [
        ("define( 'WP_CONTENT_DIR', __DIR__ . '/content' );", "content"),
        ("define( 'WP_CONTENT_DIR', dirname( __FILE__ ) . '/app' );", "app"),
        ("define( 'WP_CONTENT_DIR', ABSPATH . 'assets' );", "assets"),
    ])
    func `honours WP_CONTENT_DIR written the usual ways`(definition: String, folder: String) throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-config.php", FixtureSite.config(extra: definition))
        let layout = try SiteDiscovery(fileSystem: LocalFileSystem()).discover(at: fixture.root)
        let root = try LocalFileSystem().canonicalPath(fixture.root)
        #expect(layout.contentDirectory == root + "/" + folder)
        #expect(layout.pluginDirectory == root + "/" + folder + "/plugins")
        #expect(layout.themeDirectory == root + "/" + folder + "/themes")
    }

    @Test func `honours WP_PLUGIN_DIR and WPMU_PLUGIN_DIR given as absolute paths`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-config.php", FixtureSite.config(extra: """
            define( 'WP_PLUGIN_DIR', '/srv/shared/plugins' );
            define( 'WPMU_PLUGIN_DIR', '/srv/shared/mu' );
            """))
        let layout = try SiteDiscovery(fileSystem: LocalFileSystem()).discover(at: fixture.root)
        #expect(layout.pluginDirectory == "/srv/shared/plugins")
        #expect(layout.mustUsePluginDirectory == "/srv/shared/mu")
        #expect(layout.contentDirectory.hasSuffix("/wp-content"))
    }

    @Test func `an expression it cannot work out leaves the default`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-config.php", FixtureSite.config(extra: "define( 'WP_CONTENT_DIR', getenv('CONTENT') );"))
        let layout = try SiteDiscovery(fileSystem: LocalFileSystem()).discover(at: fixture.root)
        #expect(layout.contentDirectory.hasSuffix("/site/wp-content"))
    }
}
