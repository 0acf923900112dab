import Foundation
import Testing
@testable import WPRescueKit

/// Bedrock's settings: what WordPress ends up with, and edits carried to the file Bedrock reads
/// each value from, checked as strictly as wp-config.php edits.
struct BedrockSettingsTests {
    let layout = BedrockLayout(projectRoot: "/srv/app", webRoot: "/srv/app/web")

    static let application = """
        <?php
        use Roots\\WPConfig\\Config;
        use function Env\\env;

        define('WP_ENV', env('WP_ENV') ?: 'production');
        Config::define('WP_HOME', env('WP_HOME'));
        Config::define('DB_NAME', env('DB_NAME'));
        Config::define('DB_USER', env('DB_USER'));
        Config::define('DB_PASSWORD', env('DB_PASSWORD'));
        Config::define('DB_HOST', env('DB_HOST') ?: 'localhost');
        $table_prefix = env('DB_PREFIX') ?: 'wp_';
        if (env('DATABASE_URL')) {
            Config::define('DB_NAME', 'from-url');
        }
        Config::define('WP_DEBUG_DISPLAY', false);
        Config::define('WP_DEBUG_LOG', false);
        Config::define('WP_POST_REVISIONS', env('WP_POST_REVISIONS') ?? true);

        $env_config = __DIR__ . '/environments/' . WP_ENV . '.php';
        if (file_exists($env_config)) {
            require_once $env_config;
        }

        Config::apply();

        """

    static let development = """
        <?php
        use Roots\\WPConfig\\Config;
        use function Env\\env;

        Config::define('WP_DEBUG', true);
        Config::define('WP_DEBUG_DISPLAY', true);
        Config::define('WP_DEBUG_LOG', env('WP_DEBUG_LOG') ?? true);

        """

    static let dotEnv = "DB_NAME='shop'\nDB_PASSWORD='s3cret'\nWP_ENV=development\nWP_HOME=http://shop.test\n"

    var files: [String: String] {
        [layout.applicationFile: Self.application, layout.environmentFile("development"): Self.development,
         layout.dotEnvFiles[0]: Self.dotEnv]
    }

    func read(_ files: [String: String]) throws -> BedrockSettings {
        try BedrockSettings.read(layout: layout) { files[$0].map { Data($0.utf8) } }
    }

    func apply(_ writes: [(path: String, contents: Data)], to files: [String: String]) -> [String: String] {
        var result = files
        for write in writes { result[write.path] = String(decoding: write.contents, as: UTF8.self) }
        return result
    }

    @Test func `the constants in force come from .env, application.php and the environment file, later calls winning`() throws {
        let settings = try read(files)
        let effective = settings.effective
        #expect(settings.environment == "development")
        #expect(effective.value(of: "DB_NAME") == .string("shop"), "the unconditional definition; DATABASE_URL is not set")
        #expect(effective.value(of: "DB_HOST") == .string("localhost"), "`?:` falls back when DB_HOST is unset")
        #expect(effective.value(of: "WP_DEBUG_DISPLAY") == .bool(true), "development.php's Config::define wins")
        #expect(effective.value(of: "WP_DEBUG_LOG") == .bool(true), "`??` falls back when WP_DEBUG_LOG is unset")
        #expect(effective.tablePrefix?.value == .string("wp_"))
        #expect(settings.sources["DB_PASSWORD"]?.file == layout.dotEnvFiles[0])
        #expect(settings.sources["DB_PASSWORD"]?.line == 2)
        #expect(settings.sources["WP_DEBUG"]?.file == layout.environmentFile("development"))
        #expect(effective.definition(of: "DB_PASSWORD")?.displaySource == KnownConstants.mask)
    }

    @Test func `WP_ENV defaults to production, whose environment file Bedrock does not ship`() throws {
        var files = files
        files[layout.dotEnvFiles[0]] = "DB_NAME=shop\n"
        let settings = try read(files)
        #expect(settings.environment == "production")
        #expect(settings.environmentFile == nil)
        #expect(settings.effective.value(of: "WP_DEBUG_DISPLAY") == .bool(false))
    }

    @Test func `a value read with env() is set in .env and nowhere else`() throws {
        let settings = try read(files)
        let edited = try settings.effective.setting("DB_NAME", to: .string("blog"))
        let writes = try settings.writes(from: settings.effective, to: edited, changing: ["DB_NAME"])
        #expect(writes.map(\.path) == [layout.dotEnvFiles[0]])
        #expect(apply(writes, to: files)[layout.dotEnvFiles[0]] == Self.dotEnv.replacingOccurrences(of: "'shop'", with: "'blog'"))
    }

    @Test func `an env() value not in .env yet is added there`() throws {
        let settings = try read(files)
        let edited = try settings.effective.setting("DB_HOST", to: .string("db.internal:3307"))
        let writes = try settings.writes(from: settings.effective, to: edited, changing: ["DB_HOST"])
        #expect(apply(writes, to: files)[layout.dotEnvFiles[0]] == Self.dotEnv + "DB_HOST=db.internal:3307\n")
    }

    @Test func `a constant is edited in the file that defines it last, and a new one goes to the environment file`() throws {
        let settings = try read(files)
        let edited = try settings.effective.setting("WP_DEBUG_DISPLAY", to: .bool(false)).setting("WP_MEMORY_LIMIT", to: .string("256M"))
        let writes = try settings.writes(from: settings.effective, to: edited, changing: ["WP_DEBUG_DISPLAY", "WP_MEMORY_LIMIT"])
        let result = apply(writes, to: files)
        #expect(result[layout.applicationFile] == Self.application)
        #expect(result[layout.environmentFile("development")] == Self.development
            .replacingOccurrences(of: "Config::define('WP_DEBUG_DISPLAY', true);", with: "Config::define('WP_DEBUG_DISPLAY', false);")
            + "Config::define('WP_MEMORY_LIMIT', '256M');\n")
    }

    @Test func `without an environment file a new constant goes before Config::apply() in application.php`() throws {
        var files = files
        files[layout.environmentFile("development")] = nil
        let settings = try read(files)
        let edited = try settings.effective.setting("WP_MEMORY_LIMIT", to: .string("256M"))
        let writes = try settings.writes(from: settings.effective, to: edited, changing: ["WP_MEMORY_LIMIT"])
        let application = try #require(apply(writes, to: files)[layout.applicationFile])
        #expect(application.contains("}\n\nConfig::define('WP_MEMORY_LIMIT', '256M');\nConfig::apply();\n"))
    }

    @Test func `removing a constant removes every Config::define of it`() throws {
        let settings = try read(files)
        let edited = try settings.effective.removing("WP_DEBUG_DISPLAY")
        let writes = try settings.writes(from: settings.effective, to: edited, changing: ["WP_DEBUG_DISPLAY"])
        let result = apply(writes, to: files)
        #expect(result[layout.applicationFile]?.contains("WP_DEBUG_DISPLAY") == false)
        #expect(result[layout.environmentFile("development")]?.contains("WP_DEBUG_DISPLAY") == false)
    }

    @Test func `a PHP expression or a value env() would misread is refused for a .env value`() throws {
        let settings = try read(files)
        for value in [PHPValue.expression("getenv('X')"), .string("true")] {
            let edited = try settings.effective.setting("DB_NAME", to: value)
            #expect(throws: BedrockSettings.Failure.self) {
                try settings.writes(from: settings.effective, to: edited, changing: ["DB_NAME"])
            }
        }
    }

    @Test func `debug on then off through the effective file puts the values back (undo puts the bytes back)`() throws {
        let settings = try read(files)
        let before = settings.effective.debugSettings
        let on = try settings.effective.enablingDebug(logPath: "/srv/app/debug.log")
        let result = apply(try settings.writes(from: settings.effective, to: on, changing: DebugSettings.constantNames), to: files)
        let reread = try read(result)
        #expect(reread.effective.value(of: "WP_DEBUG_LOG") == .string("/srv/app/debug.log"))
        #expect(reread.effective.value(of: "WP_DEBUG_DISPLAY") == .bool(false))
        let off = try reread.effective.restoring(before)
        let restored = apply(try reread.writes(from: reread.effective, to: off, changing: DebugSettings.constantNames), to: result)
        let final = try read(restored)
        #expect(final.effective.value(of: "WP_DEBUG_LOG") == .bool(true))
        #expect(final.effective.value(of: "WP_DEBUG_DISPLAY") == .bool(true))
    }
}

extension BedrockSettingsTests {
    @Test func `DATABASE_URL in .env replaces the DB_ settings, as application.php's block does, and is not rewritten`() throws {
        var files = files
        files[layout.dotEnvFiles[0]] = Self.dotEnv + "DATABASE_URL='mysql://shopuser:p%40ss@db.internal:3307/shopdb'\n"
        let settings = try read(files)
        #expect(settings.effective.value(of: "DB_NAME") == .string("shopdb"))
        #expect(settings.effective.value(of: "DB_USER") == .string("shopuser"))
        #expect(settings.effective.value(of: "DB_PASSWORD") == .string("p%40ss"), "parse_url() does not decode")
        #expect(settings.effective.value(of: "DB_HOST") == .string("db.internal:3307"))
        let edited = try settings.effective.setting("DB_NAME", to: .string("other"))
        #expect(throws: BedrockSettings.Failure.self) {
            try settings.writes(from: settings.effective, to: edited, changing: ["DB_NAME"])
        }
    }
}
