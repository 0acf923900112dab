import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Deployer/Capistrano layouts: `current` → `releases/N`, wp-config.php and shared folders
/// linked from `shared/`. Reads go through the links; writes go to the resolved file when it
/// belongs to the site, and the links stay links.
struct DeployLayoutTests {
    let local = LocalFileSystem()

    func open(_ path: String, fixture: FixtureSite) throws -> Site {
        try Site.open(path: path, fileSystem: local, identityPrefix: "local:", environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
    }

    @Test func `a site given as the current link is the release, with its linked wp-config.php`() throws {
        let fixture = try FixtureSite(folder: "app/releases/42")
        let current = try fixture.makeDeploy()
        let layout = try SiteDiscovery(fileSystem: local).discover(at: current)
        let release = try local.canonicalPath(fixture.root)
        let shared = try local.canonicalPath(fixture.outside("app/shared/wp-config.php"))
        #expect(layout.root == release)
        #expect(layout.configFile == release + "/wp-config.php")
        #expect(layout.configTarget == shared)
        #expect(try layout.configWritePath() == shared)
        #expect(layout.pluginDirectory == release + "/wp-content/plugins")
    }

    @Test func `editing a linked wp-config.php changes the shared file, keeps the link, and undo puts it back`() throws {
        let fixture = try FixtureSite(folder: "app/releases/42")
        let current = try fixture.makeDeploy()
        let site = try open(current, fixture: fixture)
        let app = fixture.outside("app")
        let before = try TreeSnapshot(of: app)
        let plan = try RaiseMemory(site: site, limit: "256M").plan(command: "test")
        let written = plan.changes.changes.compactMap { change -> String? in
            if case .write(let path, _) = change { return path } else { return nil }
        }
        #expect(written == [try local.canonicalPath(fixture.outside("app/shared/wp-config.php"))], "the journal records the resolved file")
        _ = try site.journal.apply(plan.changes)
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: fixture.path("wp-config.php"))
        #expect(link == "../../shared/wp-config.php")
        let shared = try String(contentsOfFile: fixture.outside("app/shared/wp-config.php"), encoding: .utf8)
        #expect(shared.contains("WP_MEMORY_LIMIT', '256M'"))
        #expect(try TreeSnapshot(of: app) != before)
        try site.journal.undo()
        #expect(try TreeSnapshot(of: app) == before)
    }

    @Test func `a wp-config.php linked outside the site is read but never written`() throws {
        let fixture = try FixtureSite()
        try FileManager.default.createDirectory(atPath: fixture.outside("etc"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: fixture.path("wp-config.php"), toPath: fixture.outside("etc/wp-config.php"))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("wp-config.php"), withDestinationPath: fixture.outside("etc/wp-config.php"))
        let site = try open(fixture.root, fixture: fixture)
        #expect(try SiteConfig.read(site).value(of: "DB_NAME")?.stringValue == "wordpress")
        let before = try TreeSnapshot(of: fixture.outside("etc"))
        do {
            _ = try RaiseMemory(site: site, limit: "256M").plan(command: "test")
            Issue.record("planned a write through a link leaving the site")
        } catch let error as SiteError {
            guard case .configLinkOutsideSite = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.localizedDescription.contains("will not write"))
        }
        #expect(try TreeSnapshot(of: fixture.outside("etc")) == before)
    }

    @Test func `a dangling wp-config.php link counts as no wp-config.php`() throws {
        let fixture = try FixtureSite()
        try FileManager.default.removeItem(atPath: fixture.path("wp-config.php"))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("wp-config.php"), withDestinationPath: "../gone/wp-config.php")
        #expect(throws: SiteError.noConfig(root: try local.canonicalPath(fixture.root), location: "local")) {
            try SiteDiscovery(fileSystem: local).discover(at: fixture.root)
        }
    }

    @Test func `the parent's wp-config.php is not taken when another WordPress lives there`() throws {
        let fixture = try FixtureSite(folder: "outer/inner")
        let config = try fixture.read("wp-config.php")
        try FileManager.default.removeItem(atPath: fixture.path("wp-config.php"))
        try Data(config.utf8).write(to: URL(fileURLWithPath: fixture.outside("outer/wp-config.php")))
        #expect(try SiteDiscovery(fileSystem: local).discover(at: fixture.root).configFile.hasSuffix("/outer/wp-config.php"))
        try Data("<?php\n".utf8).write(to: URL(fileURLWithPath: fixture.outside("outer/wp-settings.php")))
        #expect(throws: SiteError.self) { try SiteDiscovery(fileSystem: local).discover(at: fixture.root) }
    }

    @Test func `the parent's wp-config.php may itself be a link`() throws {
        let fixture = try FixtureSite(folder: "app/releases/7/web")
        let config = try fixture.read("wp-config.php")
        try FileManager.default.removeItem(atPath: fixture.path("wp-config.php"))
        try FileManager.default.createDirectory(atPath: fixture.outside("app/shared"), withIntermediateDirectories: true)
        try Data(config.utf8).write(to: URL(fileURLWithPath: fixture.outside("app/shared/wp-config.php")))
        try FileManager.default.createSymbolicLink(atPath: fixture.outside("app/releases/7/wp-config.php"), withDestinationPath: "../../shared/wp-config.php")
        let layout = try SiteDiscovery(fileSystem: local).discover(at: fixture.root)
        #expect(layout.configFile.hasSuffix("/app/releases/7/wp-config.php"))
        #expect(try layout.configWritePath() == (try local.canonicalPath(fixture.outside("app/shared/wp-config.php"))))
    }

    @Test func `__DIR__ in a linked wp-config.php is the folder of the file it points to, as in PHP`() throws {
        let fixture = try FixtureSite(folder: "app/releases/42")
        try fixture.write("wp-config.php", FixtureSite.config(extra: """
            define( 'WP_CONTENT_DIR', ABSPATH . 'content' );
            define( 'WPMU_PLUGIN_DIR', __DIR__ . '/mu-plugins' );
            define( 'UPLOADS', 'media' );
            """))
        try fixture.makeDeploy()
        let layout = try SiteDiscovery(fileSystem: local).discover(at: fixture.root)
        let release = try local.canonicalPath(fixture.root)
        let shared = try local.canonicalPath(fixture.outside("app/shared"))
        #expect(layout.contentDirectory == release + "/content")
        #expect(layout.pluginDirectory == release + "/content/plugins")
        #expect(layout.mustUsePluginDirectory == shared + "/mu-plugins")
        #expect(layout.uploadsDirectory == release + "/media")
    }

    @Test func `a plugins folder linked to the shared folder lists its plugins and disables inside it`() throws {
        let fixture = try FixtureSite(folder: "app/releases/42")
        try fixture.makeDeploy()
        try FileManager.default.moveItem(atPath: fixture.path("wp-content/plugins"), toPath: fixture.outside("app/shared/plugins"))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("wp-content/plugins"), withDestinationPath: "../../../shared/plugins")
        let site = try open(fixture.root, fixture: fixture)
        let shared = try local.canonicalPath(fixture.outside("app/shared"))
        #expect(site.layout.pluginDirectory == shared + "/plugins")
        let plugins = try site.catalog.extensions(of: .plugin)
        #expect(plugins.map(\.slug) == ["akismet", "hello"])

        let app = fixture.outside("app")
        let before = try TreeSnapshot(of: app)
        let akismet = try #require(plugins.first { $0.slug == "akismet" })
        let plan = try SwitchExtensions(site: site, direction: .disable, extensions: [akismet]).plan(command: "test")
        _ = try site.journal.apply(plan.changes)
        #expect(FileManager.default.fileExists(atPath: fixture.outside("app/shared/wprescue-quarantine/plugins/akismet/akismet.php")))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: fixture.path("wp-content/plugins")) == "../../../shared/plugins")
        try site.journal.undo()
        #expect(try TreeSnapshot(of: app) == before)
    }

    @Test func `a plugins folder linked outside the site is not followed for changes`() throws {
        let fixture = try FixtureSite()
        try FileManager.default.moveItem(atPath: fixture.path("wp-content/plugins"), toPath: fixture.outside("elsewhere"))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("wp-content/plugins"), withDestinationPath: fixture.outside("elsewhere"))
        let layout = try SiteDiscovery(fileSystem: local).discover(at: fixture.root)
        #expect(layout.pluginDirectory == (try local.canonicalPath(fixture.root)) + "/wp-content/plugins")
    }

    @Test func `a plugin that is a link is listed, and disabling it moves the link, never its files`() throws {
        let fixture = try FixtureSite()
        try FileManager.default.createDirectory(atPath: fixture.outside("vendor/shop"), withIntermediateDirectories: true)
        try Data("<?php\n/*\nPlugin Name: Shop\nVersion: 2.0\n*/\n".utf8).write(to: URL(fileURLWithPath: fixture.outside("vendor/shop/shop.php")))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("wp-content/plugins/shop"), withDestinationPath: fixture.outside("vendor/shop"))
        let site = try open(fixture.root, fixture: fixture)
        let shop = try #require(try site.catalog.extensions(of: .plugin).first { $0.slug == "shop" })
        #expect(shop.name == "Shop" && shop.pluginFile == "shop/shop.php")
        let vendor = try TreeSnapshot(of: fixture.outside("vendor"))
        let before = try TreeSnapshot(of: fixture.root)
        _ = try site.journal.apply(try SwitchExtensions(site: site, direction: .disable, extensions: [shop]).plan(command: "test").changes)
        let moved = fixture.path("wp-content/wprescue-quarantine/plugins/shop")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: moved) == fixture.outside("vendor/shop"))
        #expect(try site.catalog.extensions(of: .plugin).first { $0.slug == "shop" }?.state == .disabled)
        #expect(try TreeSnapshot(of: fixture.outside("vendor")) == vendor)
        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `a playbook may write the shared file a linked wp-config.php points to, and nothing else in shared/`() throws {
        let fixture = try FixtureSite(folder: "app/releases/42")
        let layout = try SiteDiscovery(fileSystem: local).discover(at: try fixture.makeDeploy())
        let target = try layout.configWritePath()
        #expect(PlaybookSiteGuard.allows(target, layout: layout))
        #expect(PlaybookSiteGuard.allows(layout.configFile, layout: layout))
        #expect(!PlaybookSiteGuard.allows(SitePath.join(SitePath.parent(target), "other.php"), layout: layout))
    }

    @Test func `a log line naming the linked file PHP loaded is blamed on wp-config.php`() throws {
        let fixture = try FixtureSite(folder: "app/releases/42")
        let layout = try SiteDiscovery(fileSystem: local).discover(at: try fixture.makeDeploy())
        let attributor = LogAttributor(layout: layout)
        #expect(attributor.source(ofPath: try layout.configWritePath()) == .configuration)
        #expect(attributor.source(ofPath: layout.configFile) == .configuration)
    }

    @Test(arguments: [
        ("/srv/app/releases/42", "/srv/app/shared/wp-config.php", true),
        ("/srv/app/releases/42", "/srv/app/releases/42/wp-config.php", true),
        ("/srv/app/releases/42/web", "/srv/app/shared/web/uploads", true),
        ("/srv/app/current", "/srv/app/shared/wp-config.php", true),
        ("/srv/app/releases/42", "/srv/app/releases/41/wp-config.php", false),
        ("/srv/app/releases/42", "/srv/app/shared", false),
        ("/srv/app/releases/42", "/etc/passwd", false),
        ("/var/www/html", "/var/www/shared/wp-config.php", false),
        ("/var/www/html", "/etc/wp-config.php", false),
        ("/releases/1", "/shared/wp-config.php", false),
    ])
    func `only targets inside the site or its deploy's shared folder may be written`(root: String, target: String, allowed: Bool) {
        #expect(SiteLinks.allows(target: target, siteRoot: root) == allowed)
    }
}
