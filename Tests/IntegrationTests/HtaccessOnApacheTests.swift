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
    
        @Test(arguments: SiteBackend.allCases)
        func `rescue turns off the one refused line and keeps the owner's auth and module rules`(backend: SiteBackend) throws {
            let testbed = try Testbed.load()
            try testbed.reset()
            try testbed.inject("htaccess-corrupt")
            let htaccess = testbed.sitePath + "/.htaccess"
            let owners = """
                <Files "private.txt">
                AuthType Basic
                AuthName "Owners only"
                AuthUserFile /nonexistent/.htpasswd
                Require valid-user
                </Files>
                <IfModule mod_security2.c>
                SecRuleRemoveById 950901
                </IfModule>
                <IfModule mod_headers.c>
                Header set X-Owner-Rule \\
                    "kept"
                </IfModule>

                """
            let corrupt = try String(contentsOfFile: htaccess, encoding: .utf8)
            try (owners + corrupt).write(toFile: htaccess, atomically: false, encoding: .utf8)
            let privateFile = testbed.sitePath + "/private.txt"
            try "owners only\n".write(toFile: privateFile, atomically: false, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: privateFile) }
            let cli = CommandRunner(stateDirectory: NSTemporaryDirectory() + "wprescue-htaccess-\(UUID().uuidString)")
            let page = testbed.apacheURL + testbed["APACHE_HEALTHY_PATH"]
            #expect(try cli.run(["probe", "--url", page]).standardOutput.contains("server-error"))

            let rescue = try cli.run(backend.siteArguments(testbed) + ["rescue", "--url", page, "--yes"])
            #expect(rescue.succeeded, "\(rescue.standardOutput)\(rescue.standardError)")
            #expect(try cli.run(["probe", "--url", page]).succeeded)
            let repaired = try String(contentsOfFile: htaccess, encoding: .utf8)
            #expect(repaired.hasPrefix(owners), "the owner's rules come through byte for byte:\n\(repaired)")
            #expect(repaired.contains("# wprescue turned this line off (Apache refuses it): RewriteEngien On"), "\(repaired)")
            #expect(repaired.contains("# BEGIN WordPress") && repaired.contains("# END WordPress"))
            // The auth rule still works: Apache asks for a password.
            let status = try cli.run(["probe", "--url", testbed.apacheURL + "/private.txt", "--format", "json"])
            #expect(status.standardOutput.contains("\"status\" : 401"), "\(status.standardOutput)")
        }
    }
}
