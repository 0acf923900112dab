import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

struct ExtensionCatalogTests {
    func open(_ fixture: FixtureSite) throws -> Site {
        try Site.open(path: fixture.root, fileSystem: LocalFileSystem(), identityPrefix: "local:",
                      environment: ["WPRESCUE_STATE_DIR": fixture.scratch])
    }

    @Test func `lists folder plugins and single-file plugins, not folders without a header`() throws {
        let fixture = try FixtureSite()
        let plugins = try open(fixture).catalog.extensions(of: .plugin)
        #expect(plugins.map(\.slug) == ["akismet", "hello"])
        #expect(plugins.first?.name == "Akismet Anti-Spam")
        #expect(plugins.first?.version == "5.0.2")
        #expect(plugins.allSatisfy { $0.state == .enabled && $0.kind == .plugin })
    }

    @Test func `lists must-use plugins and drop-ins by file`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/mu-plugins/loader.php", "<?php\n/* Plugin Name: MU Loader */\n")
        try fixture.write("wp-content/mu-plugins/notes.txt", "not php\n")
        try fixture.write("wp-content/object-cache.php", "<?php\n/* Plugin Name: Redis Object Cache Drop-In\nVersion: 2.5 */\n")
        try fixture.write("wp-content/random.php", "<?php\n")
        let items = try open(fixture).catalog.all(kinds: [.mustUse, .dropIn])
        #expect(items.map(\.slug) == ["loader", "object-cache.php"])
        #expect(items.map(\.kind) == [.mustUse, .dropIn])
        #expect(items.last?.version == "2.5")
    }

    @Test func `reads themes and their parent`() throws {
        let fixture = try FixtureSite()
        try fixture.addTheme("child", name: "Child", version: "0.1", parent: "twentytwentythree")
        try fixture.write("wp-content/themes/broken/functions.php", "<?php\n")
        let themes = try open(fixture).catalog.extensions(of: .theme)
        #expect(themes.map(\.slug) == ["child", "twentytwentythree"])
        #expect(themes.first?.parentTheme == "twentytwentythree")
    }

    @Test func `quarantined extensions are listed as disabled with their way back`() throws {
        let fixture = try FixtureSite()
        let site = try open(fixture)
        let plan = try ExtensionSwitch(catalog: site.catalog).plan(.disable, try site.catalog.extensions(of: .plugin), command: "test")
        try site.journal.apply(plan)
        let plugins = try site.catalog.extensions(of: .plugin)
        #expect(plugins.map(\.state) == [.disabled, .disabled])
        let akismet = try #require(plugins.first)
        #expect(akismet.path.hasSuffix("wp-content/wprescue-quarantine/plugins/akismet"))
        #expect(akismet.enabledPath.hasSuffix("wp-content/plugins/akismet"))
    }

    @Test func `refuses to move onto a name already taken in the quarantine`() throws {
        let fixture = try FixtureSite()
        try fixture.write("wp-content/wprescue-quarantine/plugins/akismet/old.txt", "stale copy\n")
        let site = try open(fixture)
        let akismet = try site.catalog.extensions(of: .plugin).filter { $0.slug == "akismet" && $0.state == .enabled }
        #expect(throws: SwitchError.self) {
            try ExtensionSwitch(catalog: site.catalog).plan(.disable, akismet, command: "test")
        }
    }

    @Test func `selecting an unknown slug names the plugins that exist`() throws {
        let fixture = try FixtureSite()
        let plugins = try open(fixture).catalog.extensions(of: .plugin)
        #expect(throws: SwitchError.unknown(slug: "jetpack", kindName: "plugin", known: ["akismet", "hello"])) {
            try ExtensionSwitch.select(["jetpack"], from: plugins, kindName: "plugin")
        }
    }

    @Test func `planning changes nothing on disk`() throws {
        let fixture = try FixtureSite()
        let before = try TreeSnapshot(of: fixture.root)
        let site = try open(fixture)
        _ = try ExtensionSwitch(catalog: site.catalog).plan(.disable, try site.catalog.all(), command: "test")
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }
}
