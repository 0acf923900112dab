import Foundation
import Testing
@testable import WPRescueKit

struct ConfigDebugSettingsTests {
    @Test func `debug on sets the three constants, replacing or inserting them in order`() throws {
        let file = try ConfigFixture.file("standard.php")
        let snapshot = file.debugSettings
        #expect(snapshot.entries == [
            DebugSettings.Entry(name: "WP_DEBUG", valueSource: "false"),
            DebugSettings.Entry(name: "WP_DEBUG_LOG", valueSource: nil),
            DebugSettings.Entry(name: "WP_DEBUG_DISPLAY", valueSource: nil),
        ])
        let enabled = try file.enablingDebug(logPath: nil)
        #expect(enabled.value(of: "WP_DEBUG") == .bool(true))
        #expect(enabled.value(of: "WP_DEBUG_LOG") == .bool(true))
        #expect(enabled.value(of: "WP_DEBUG_DISPLAY") == .bool(false))
        #expect(enabled.contents.contains("""
        define( 'WP_MAX_MEMORY_LIMIT', '256M' );

        define( 'WP_DEBUG_LOG', true );
        define( 'WP_DEBUG_DISPLAY', false );
        /* That's all, stop editing! Happy publishing. */
        """))
        #expect(enabled.contents.contains("define( 'WP_DEBUG', true );\n\n/* Add any custom values"))
    }

    @Test func `debug on writes a given log path as a string`() throws {
        let file = try ConfigFixture.file("crlf.php")
        let enabled = try file.enablingDebug(logPath: "/var/log/wordpress/debug.log")
        #expect(enabled.value(of: "WP_DEBUG_LOG") == .string("/var/log/wordpress/debug.log"))
        #expect(enabled.contents.contains("define( 'WP_DEBUG_LOG', '/var/log/wordpress/debug.log' );\r\n"))
        #expect(enabled.contents.contains("define( 'WP_DEBUG_DISPLAY', false );\r\n/* That's all"))
    }

    @Test(arguments: ConfigFixture.names)
    func `debug off restores the original bytes`(name: String) throws {
        let original = try ConfigFixture.data(name)
        let file = try WPConfigFile(data: original)
        let snapshot = file.debugSettings
        let enabled = try file.enablingDebug(logPath: "/tmp/debug.log")
        #expect(enabled.data != original)
        #expect(try enabled.restoring(snapshot).data == original)
    }

    @Test func `debug off after someone else edited the file restores only the three constants`() throws {
        let file = try ConfigFixture.file("tricky.php")
        let snapshot = file.debugSettings
        #expect(snapshot.valueSource(of: "WP_DEBUG_LOG") == "__DIR__ . '/logs/debug;1.log'")
        let enabled = try file.enablingDebug(logPath: nil).setting("WP_CACHE", to: .bool(false))
        let restored = try enabled.restoring(snapshot)
        #expect(restored.value(of: "WP_CACHE") == .bool(false))
        #expect(restored.debugSettings == snapshot)
        #expect(try restored.setting("WP_CACHE", to: .bool(true)).data == file.data)
    }

    @Test func `debug off puts back a constant that was removed in between`() throws {
        let file = try ConfigFixture.file("standard.php")
        let snapshot = file.debugSettings
        let changed = try file.enablingDebug(logPath: nil).removing("WP_DEBUG")
        let restored = try changed.restoring(snapshot)
        #expect(restored.debugSettings == snapshot)
        #expect(restored.definition(of: "WP_DEBUG")?.valueSource == "false")
    }

    @Test func `a snapshot survives being stored as JSON`() throws {
        let snapshot = try ConfigFixture.file("tricky.php").debugSettings
        let decoded = try JSONDecoder().decode(DebugSettings.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
    }
}

struct ConfigMemoryLimitTests {
    @Test func `raising the limit above the admin maximum raises the maximum too`() throws {
        let file = try ConfigFixture.file("standard.php")
        let edited = try file.settingMemoryLimit("512M")
        #expect(edited.value(of: "WP_MEMORY_LIMIT") == .string("512M"))
        #expect(edited.value(of: "WP_MAX_MEMORY_LIMIT") == .string("512M"))
    }

    @Test func `a limit below the admin maximum leaves the maximum alone`() throws {
        let file = try ConfigFixture.file("standard.php")
        let edited = try file.settingMemoryLimit("192M")
        #expect(edited.value(of: "WP_MEMORY_LIMIT") == .string("192M"))
        #expect(edited.value(of: "WP_MAX_MEMORY_LIMIT") == .string("256M"))
    }

    @Test func `units compare by size and minus one means unlimited`() throws {
        let file = try WPConfigFile(contents: "<?php\ndefine( 'WP_MAX_MEMORY_LIMIT', '1G' );\nrequire_once ABSPATH . 'wp-settings.php';\n")
        #expect(try file.settingMemoryLimit("1024M").value(of: "WP_MAX_MEMORY_LIMIT") == .string("1G"))
        #expect(try file.settingMemoryLimit("2048m").value(of: "WP_MAX_MEMORY_LIMIT") == .string("2048m"))
        let unlimited = try file.settingMemoryLimit("-1")
        #expect(unlimited.value(of: "WP_MEMORY_LIMIT") == .string("-1"))
        #expect(unlimited.value(of: "WP_MAX_MEMORY_LIMIT") == .string("-1"))
        let alreadyUnlimited = try WPConfigFile(contents: "<?php\ndefine( 'WP_MAX_MEMORY_LIMIT', -1 );\n")
        #expect(try alreadyUnlimited.settingMemoryLimit("4G").value(of: "WP_MAX_MEMORY_LIMIT") == .int(-1))
    }

    @Test func `a missing limit is added and a missing maximum stays missing`() throws {
        let file = try ConfigFixture.file("bitnami.php")
        let edited = try file.settingMemoryLimit("256M")
        #expect(edited.value(of: "WP_MEMORY_LIMIT") == .string("256M"))
        #expect(edited.definition(of: "WP_MAX_MEMORY_LIMIT") == nil)
    }

    @Test(arguments: ["lots", "", "0", "256MB", "1.5G", "-2"])
    func `sizes PHP does not understand are refused`(limit: String) throws {
        let file = try ConfigFixture.file("standard.php")
        #expect(throws: WPConfigError.invalidMemoryLimit(limit)) { try file.settingMemoryLimit(limit) }
    }
}

struct ConfigPathExpressionTests {
    @Test(arguments: [
        ("'/srv/www/content'", "/srv/www/content"),
        ("__DIR__ . '/wp-content'", "/var/www/site/wp-content"),
        ("__dir__ . \"/x\"", "/var/www/site/x"),
        ("dirname(__FILE__) . '/wp-content'", "/var/www/site/wp-content"),
        ("dirname( __DIR__ ) . '/shared/plugins'", "/var/www/shared/plugins"),
        ("dirname( __FILE__, 2 ) . '/uploads'", "/var/www/uploads"),
        ("\\dirname(__DIR__, 3)", "/"),
        ("ABSPATH . 'wp-content'", "/var/www/site/wordpress/wp-content"),
        ("( __DIR__ . '/a' ) . DIRECTORY_SEPARATOR . 'b'", "/var/www/site/a/b"),
        ("'relative/path'", "relative/path"),
        ("<<<'P'\n/from/nowdoc\nP", "/from/nowdoc"),
    ])
    func `paths built from literals, __DIR__, dirname and ABSPATH are evaluated`(expression: String, expected: String) {
        #expect(WPConfigFile.evaluatePathExpression(expression, configDirectory: "/var/www/site",
                                                    abspath: "/var/www/site/wordpress/") == expected)
    }

    @Test(arguments: [
        "$_SERVER['DOCUMENT_ROOT'] . '/wp-content'", "getenv('CONTENT_DIR')", "WP_CONTENT_DIR . '/x'", "abspath . 'x'",
        "\"$root/x\"", "__DIR__ . ", "dirname()", "dirname(__DIR__, 0)", "dirname(__DIR__, 'two')", "realpath(__DIR__)",
        "'a' 'b'", "true", "",
    ])
    func `anything that needs PHP to run is unknown`(expression: String) {
        #expect(WPConfigFile.evaluatePathExpression(expression, configDirectory: "/var/www/site", abspath: "/var/www/site/") == nil)
    }

    @Test func `fixture paths evaluate from the definitions' source`() throws {
        let file = try ConfigFixture.file("tricky.php")
        func path(_ name: String) throws -> String? {
            let source = try #require(file.definition(of: name)).valueSource
            return WPConfigFile.evaluatePathExpression(source, configDirectory: "/srv/tricky", abspath: "/srv/tricky/")
        }
        #expect(try path("WP_CONTENT_DIR") == "/srv/tricky/content")
        #expect(try path("WP_PLUGIN_DIR") == "/srv/tricky/content/plugins")
        #expect(try path("WPMU_PLUGIN_DIR") == nil)
        #expect(try path("WP_DEBUG_LOG") == "/srv/tricky/logs/debug;1.log")
    }
}
