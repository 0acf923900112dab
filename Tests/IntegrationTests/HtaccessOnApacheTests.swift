import Foundation
import Testing
import WPRescueTestSupport

extension TestbedSuites {
    /// A corrupt .htaccess on the test bed's real Apache: found, regenerated, undone.
    @Suite struct HtaccessOnApacheTests {
        @Test(arguments: SiteBackend.allCases)
        func `regenerate --clean brings Apache back and undo restores the corrupt file byte-for-byte`(backend: SiteBackend) throws {
            let testbed = try Testbed.load()
            try testbed.reset()
            try testbed.inject("htaccess-corrupt")
            let cli = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-htaccess-\(UUID().uuidString)")
            let page = testbed.apacheURL + testbed["APACHE_HEALTHY_PATH"]
            let htaccess = testbed.sitePath + "/.htaccess"
            let corrupt = try Data(contentsOf: URL(fileURLWithPath: htaccess))
            #expect(try cli.run(["probe", "--url", page]).standardOutput.contains("server-error"))

            let show = try cli.run(backend.siteArguments(testbed) + ["htaccess", "show"])
            #expect(show.standardOutput.contains("line 2: `RewriteEngien` is not a directive Apache knows"))

            let keep = try cli.run(backend.siteArguments(testbed) + ["htaccess", "regenerate"])
            #expect(keep.standardOutput.contains("Use --clean"), "the block is fine; the broken line is outside it")

            let clean = try cli.run(backend.siteArguments(testbed) + ["htaccess", "regenerate", "--clean"])
            #expect(clean.succeeded, "\(clean.standardError)")
            #expect(try cli.run(["probe", "--url", page]).succeeded)

            #expect(try cli.run(backend.siteArguments(testbed) + ["undo"]).succeeded)
            #expect(try Data(contentsOf: URL(fileURLWithPath: htaccess)) == corrupt)
        }
    }
}
