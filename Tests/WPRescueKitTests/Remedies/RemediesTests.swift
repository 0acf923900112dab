import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// Each remedy on a fixture site: what it plans, what it reports, and that its plan goes
/// through the journal and comes back with undo.
struct RemediesTests {
    let fixture: FixtureSite
    let site: Site

    init() throws {
        (fixture, site) = try openFixtureSite()
    }

    // MARK: EndMaintenance

    @Test func `ending maintenance removes .maintenance, and says so only when there is one`() throws {
        let absent = try EndMaintenance(site: site).plan(command: "test")
        #expect(absent.isEmpty && !absent.facts.present)
        #expect(absent.facts.path == fixture.path(".maintenance"))

        try fixture.write(".maintenance", "<?php $upgrading = time(); ?>")
        let before = try TreeSnapshot(of: fixture.root)
        let present = try EndMaintenance(site: site).plan(command: "test")
        #expect(present.facts.present)
        #expect(present.changes.summary == EndMaintenance.summary)
        #expect(present.notes.contains { $0.contains(EndMaintenance.nextStep) })
        _ = try site.journal.apply(present.changes)
        #expect(!fixture.exists(".maintenance"))
        try site.journal.undo()
        #expect(try TreeSnapshot(of: fixture.root) == before)
    }

    @Test func `a folder named .maintenance is not removed`() throws {
        try FileManager.default.createDirectory(atPath: fixture.path(".maintenance"), withIntermediateDirectories: true)
        #expect(throws: RemedyError.notAFile(path: fixture.path(".maintenance"))) { try EndMaintenance(site: site).plan(command: "test") }
    }

    // MARK: RegenerateHtaccess

    @Test func `the multisite rules follow wp-config.php unless the caller says otherwise`() throws {
        #expect(try RegenerateHtaccess(site: site, parameters: .init()).plan(command: "test").facts.multisite == nil)
        try fixture.write("wp-config.php", FixtureSite.config(extra: """
            define( 'MULTISITE', true );
            define( 'SUBDOMAIN_INSTALL', true );
            define( 'WP_HOME', 'https://example.org/blog' );
            """))
        let planned = try RegenerateHtaccess(site: site, parameters: .init()).plan(command: "test")
        #expect(planned.facts.multisite == .subdomain)
        #expect(planned.facts.homePath == "/blog/")
        #expect(planned.notes.first == "WordPress's rules (multisite, subdomain) with RewriteBase /blog/.")
        let overridden = try RegenerateHtaccess(site: site, parameters: .init(multisite: .subdirectory)).plan(command: "test")
        #expect(overridden.facts.multisite == .subdirectory)
    }

    @Test func `an unchanged .htaccess names the lines left outside WordPress's block, in the caller's words for clean`() throws {
        let rules = HtaccessRules.inserting(HtaccessRules.rules(homePath: "/", multisite: nil), into: nil, clean: false)
        try fixture.write(".htaccess", "Optoins -Indexes\n" + rules)
        let planned = try RegenerateHtaccess(site: site, parameters: .init(home: "https://example.org/", cleanOption: "clean: true"))
            .plan(command: "test")
        #expect(planned.isEmpty && !planned.facts.changed)
        #expect(planned.facts.problemsKept.map(\.line) == [1])
        #expect(planned.notes.last?.contains("Use clean: true to keep only WordPress's block") == true)
    }

    // MARK: debug log

    @Test func `turning the log on keeps the owner's settings once, and turning it off puts back exactly them`() throws {
        let original = try fixture.read("wp-config.php")
        let store = DebugSnapshotStore(state: site.journal.state)
        let on = try TurnOnDebugLog(site: site).plan(command: "test")
        #expect(on.facts.before.valueSource(of: "WP_DEBUG") == "false")
        #expect(!on.facts.alreadyLogging)
        #expect(on.facts.changed.map(\.name) == DebugSettings.constantNames)
        try TurnOnDebugLog.remember(on, in: store)
        _ = try site.journal.apply(on.changes)

        // A second `on` does not overwrite the record of what the owner had.
        let again = try TurnOnDebugLog(site: site).plan(command: "test")
        #expect(again.isEmpty && again.facts.alreadyLogging)
        try TurnOnDebugLog.remember(again, in: store)
        let snapshot = try #require(try store.load())
        #expect(snapshot.valueSource(of: "WP_DEBUG") == "false")

        let off = try TurnOffDebugLog(site: site, snapshot: snapshot).plan(command: "test")
        _ = try site.journal.apply(off.changes)
        #expect(try fixture.read("wp-config.php") == original)
        try store.clear()
        #expect(try store.load() == nil)
    }

    @Test func `the snapshot store lives in the operator's state folder, readable by the operator only`() throws {
        let store = DebugSnapshotStore(state: site.journal.state)
        try store.save(TurnOffDebugLog.wordPressDefaults)
        #expect(store.path.hasPrefix(fixture.scratch))
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try store.load() == TurnOffDebugLog.wordPressDefaults)
    }

    // MARK: RaiseMemory

    @Test func `raising memory sets both limits, and the rescue climbs 256M then 512M then stops`() throws {
        #expect(throws: RemedyError.invalidMemoryLimit("lots")) { try RaiseMemory(site: site, limit: "lots").plan(command: "test") }
        #expect(RaiseMemory.nextRescueLimit(after: try SiteConfig.read(site)).next?.text == "256M")
        let planned = try RaiseMemory(site: site, limit: "256M").plan(command: "test")
        #expect(planned.facts.changed.map(\.line) == ["WP_MEMORY_LIMIT: (not defined) → '256M'"])
        #expect(planned.notes == [RaiseMemory.hostNote])
        _ = try site.journal.apply(planned.changes)
        #expect(RaiseMemory.nextRescueLimit(after: try SiteConfig.read(site)).next?.text == "512M")
        _ = try site.journal.apply(try RaiseMemory(site: site, limit: "512M").plan(command: "test").changes)
        let last = RaiseMemory.nextRescueLimit(after: try SiteConfig.read(site))
        #expect(last.next == nil && last.current?.text == "512M")
    }

    // MARK: SwitchExtensions

    @Test func `disabling plugins carries the one note about WordPress's active list`() throws {
        let plugins = try site.catalog.all(kinds: [.plugin])
        let chosen = try SwitchExtensions.choose([], all: true, except: ["hello"], from: plugins, kindName: "plugin")
        #expect(chosen.map(\.slug) == ["akismet"])
        #expect(throws: SwitchError.self) { try SwitchExtensions.choose([], all: true, except: ["nope"], from: plugins, kindName: "plugin") }
        let planned = try SwitchExtensions(site: site, direction: .disable, extensions: chosen).plan(command: "test")
        #expect(planned.facts.changed == ["akismet"] && planned.facts.unchanged.isEmpty)
        #expect(planned.notes == [SwitchExtensions.activeListNote])
        #expect(planned.facts.summaryLines(dryRun: false) == ["Disabled 1 plugin: akismet."])
        #expect(planned.facts.summaryLines(dryRun: true) == ["Would have disabled 1 plugin: akismet."])
        let enabling = try SwitchExtensions(site: site, direction: .enable, extensions: chosen).plan(command: "test")
        #expect(enabling.isEmpty && enabling.notes.isEmpty)
        #expect(enabling.facts.summaryLines(dryRun: false) == ["Already enabled: akismet.", "Nothing to do."])
    }

    @Test func `disabling the last bundled theme warns there is nothing to fall back to`() throws {
        let themes = try site.catalog.extensions(of: .theme)
        let planned = try SwitchExtensions(site: site, direction: .disable, extensions: themes).plan(command: "test")
        #expect(planned.notes.contains { $0.hasPrefix("WARNING: no bundled Twenty* theme remains") })
        #expect(!planned.notes.contains(SwitchExtensions.activeListNote))
    }

    // MARK: errors

    @Test func `a wp-config.php that does not parse stops a remedy with the parser's own error, wrapped, not flattened`() throws {
        try fixture.write("wp-config.php", "<?php\ndefine( 'DB_NAME', 'x' \n")
        do {
            _ = try RaiseMemory(site: site, limit: "256M").plan(command: "test")
            Issue.record("planned an edit of a file that does not parse")
        } catch let failure as SiteConfig.Failure {
            guard case .unreadable(let path, _) = failure else {
                Issue.record("expected .unreadable, got \(failure)")
                return
            }
            #expect(path == fixture.path("wp-config.php"))
            #expect(failure.localizedDescription.hasSuffix("Nothing was changed."))
        }
    }

    // MARK: one wording

    @Test func `the note about WordPress's active list has one wording, in the command, the playbook and the rescue`() throws {
        // The playbook action's evidence carries the remedy's note, word for word.
        var options = SitePlaybookTools.Options()
        options.settle = 0
        let tools = SitePlaybookTools(site: site, prober: Prober(fetcher: RuleFetcher { _ in FixturePages.ok }), pages: ["https://example.org/"],
                                      home: "https://example.org", debugMemory: InMemoryDebugMemory(), options: options)
        let result = try tools.perform(.disablePlugins, with: PlaybookParameters(["plugins": .list(["akismet"])]))
        #expect(result.evidence.contains(SwitchExtensions.activeListNote))
    }
}
