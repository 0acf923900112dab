import Foundation
import Testing
import WPRescueTestSupport
@testable import WPRescueKit

/// What the bisect remedy guesses and says; the search itself is tested in Bisect/.
struct BisectPluginsTests {
    let now = Date()

    func age(_ fixture: FixtureSite, _ relative: String, by seconds: TimeInterval) throws {
        let date = now.addingTimeInterval(-seconds)
        let root = fixture.path(relative)
        let inside = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for path in [root] + inside.map({ root + "/" + $0 }) {
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
        }
    }

    @Test func `plugins named by recent fatal errors come first, then the few changed recently`() throws {
        let (fixture, site) = try openFixtureSite(plugins: 8)
        for plugin in try site.catalog.all(kinds: [.plugin]) where plugin.slug != "filler-003" {
            try age(fixture, SitePath.relative(plugin.path, to: fixture.root), by: RecentWindow.changes + 24 * 3600)
        }
        try fixture.write("wp-content/debug.log", FixtureLogLines.pluginFatal(now.addingTimeInterval(-120), root: fixture.root, plugin: "filler-005"))
        let candidates = try site.catalog.all(kinds: [.plugin])
        #expect(BisectPlugins.suspects(site: site, candidates: candidates, now: now) == ["filler-005", "filler-003"])
        // A day later the fatal error is out of the window; two days later the change is too.
        #expect(BisectPlugins.suspects(site: site, candidates: candidates, now: now.addingTimeInterval(RecentWindow.changes + 60)).isEmpty)
    }

    @Test func `a conclusion reads the same wherever it is reported`() {
        #expect(BisectPlugins.causeSummary([["akismet"]]) == "akismet breaks the site")
        #expect(BisectPlugins.causeSummary([["a", "b"]]) == "Plugins that break the site only together: a + b")
        #expect(BisectPlugins.culpritLines([["akismet"], ["a", "b"]]) == [
            "Culprit: akismet breaks the site on its own.", "Culprits: a + b break the site only together.",
        ])
        #expect(BisectPlugins.explanation(of: .culpritsFound([["akismet"]])) == nil)
        #expect(BisectPlugins.explanation(of: .notAPluginProblem, noun: "must-use plugins and drop-ins")?
            .hasPrefix("The site stays broken with all must-use plugins and drop-ins disabled") == true)
    }
}
