import Foundation
import Testing
@testable import WPRescueKit

struct DatabaseErrorTests {
    static let context = DatabaseError.Context(user: "wpuser", database: "wpdb", endpoint: .tcp(host: "db", port: 3306),
                                               timeoutSeconds: 5)

    @Test(arguments: [
        (1045, DatabaseError.Kind.accessDenied), (1049, .unknownDatabase), (1044, .databaseAccessDenied),
        (2002, .serverUnreachable), (2003, .serverUnreachable), (2005, .unknownHost), (2013, .connectionLost),
        (2006, .connectionLost), (1040, .tooManyConnections), (1203, .tooManyUserConnections), (145, .tableCrashed),
        (1146, .missingTable), (1064, .other),
    ])
    func `maps error numbers to what they mean`(code: Int, kind: DatabaseError.Kind) {
        let error = DatabaseError(code: code, serverMessage: "server text", context: Self.context, password: DatabasePassword("pw"))
        #expect(error.kind == kind)
        #expect(error.meaning.contains("\(code)"))
        #expect(error.errorDescription == error.meaning)
    }

    @Test func `each meaning says where and what to do`() {
        let unreachable = DatabaseError(code: 2002, serverMessage: "Can't connect", context: Self.context, password: DatabasePassword(""))
        #expect(unreachable.meaning.contains("db:3306"))
        #expect(unreachable.meaning.contains("DB_HOST"))
        let timeout = DatabaseError(code: 2013, serverMessage: "Lost connection", context: Self.context, password: DatabasePassword(""))
        #expect(timeout.meaning.contains("5 s"))
        let unknown = DatabaseError(code: 1049, serverMessage: "Unknown database 'wpdb'", context: Self.context, password: DatabasePassword(""))
        #expect(unknown.meaning.contains("'wpdb'") && unknown.meaning.contains("DB_NAME"))
        let other = DatabaseError(code: 1064, serverMessage: "You have an error in your SQL syntax", context: Self.context,
                                  password: DatabasePassword(""))
        #expect(other.meaning.contains("You have an error in your SQL syntax"))
    }

    @Test func `the password is scrubbed from the server's message and the meaning`() {
        let error = DatabaseError(code: 1044, serverMessage: "Access denied for user 'wpuser'@'%' to database 'hunter2'",
                                  context: .init(user: "wpuser", database: "hunter2", endpoint: .socket(path: nil), timeoutSeconds: 5),
                                  password: DatabasePassword("hunter2"))
        #expect(!error.serverMessage.contains("hunter2"))
        #expect(!error.meaning.contains("hunter2"))
        #expect(!"\(error)".contains("hunter2"))
    }
}

struct DatabaseCredentialsTests {
    static let complete = ["DB_NAME": "wordpress", "DB_USER": "wp", "DB_PASSWORD": "pw", "DB_HOST": "localhost:/tmp/m.sock",
                           "DB_CHARSET": "utf8mb4"]

    @Test func `builds credentials from the constants`() throws {
        let credentials = try DatabaseCredentials(constants: Self.complete, tablePrefix: "site_", configFile: "/s/wp-config.php")
        #expect(credentials.name == "wordpress")
        #expect(credentials.user == "wp")
        #expect(credentials.password.value == "pw")
        #expect(credentials.host.endpoint == .socket(path: "/tmp/m.sock"))
        #expect(credentials.charset == "utf8mb4")
        #expect(credentials.table("options") == "site_options")
        #expect(credentials.tablePrefixWasRead)
    }

    @Test(arguments: ["DB_NAME", "DB_USER", "DB_PASSWORD", "DB_HOST"])
    func `a constant that cannot be read is named with the way around it`(missing: String) throws {
        var constants = Self.complete
        constants[missing] = nil
        #expect(throws: DatabaseSettingsError.missingConstant(missing, configFile: "/s/wp-config.php")) {
            try DatabaseCredentials(constants: constants, tablePrefix: "wp_", configFile: "/s/wp-config.php")
        }
        let message = DatabaseSettingsError.missingConstant(missing, configFile: "/s/wp-config.php").localizedDescription
        #expect(message.contains(missing) && message.contains("/s/wp-config.php"))
        #expect(message.contains(missing == "DB_PASSWORD" ? "WPRESCUE_DB_PASSWORD" : "--db-"))
    }

    @Test func `the password hides itself when printed`() {
        let password = DatabasePassword("hunter2")
        #expect("\(password)" == "(hidden)")
        #expect(String(reflecting: password) == "(hidden)")
        #expect(password.scrub("a hunter2 b hunter2") == "a (hidden) b (hidden)")
        #expect(DatabasePassword("").scrub("unchanged") == "unchanged")
    }
}

struct DatabaseSettingsReaderTests {
    @Test func `reads literal defines and the table prefix, skipping comments`() {
        let config = """
            <?php
            // define('DB_NAME', 'commented-out');
            /* define('DB_USER', 'also-commented'); */
            # define('DB_HOST', 'hash-comment');
            define( 'DB_NAME', 'wordpress' );
            DEFINE("DB_USER", "wp\\"user");
            define('DB_PASSWORD', 'it\\'s;a "secret"');
            define('DB_HOST', 'localhost:/run/mysqld/mysqld.sock');
            define('DB_NAME', 'second-definition-ignored');
            define('DB_CHARSET', "utf8$mb4");
            define('WP_HOME', 'https://example.com');
            $table_prefix = 'wp_';
            $table_prefix = 'site_';
            """
        let settings = DatabaseSettings.read(wpConfig: Data(config.utf8))
        #expect(settings.constants["DB_NAME"] == "wordpress")
        #expect(settings.constants["DB_USER"] == "wp\"user")
        #expect(settings.constants["DB_PASSWORD"] == "it's;a \"secret\"")
        #expect(settings.constants["DB_HOST"] == "localhost:/run/mysqld/mysqld.sock")
        #expect(settings.constants["DB_CHARSET"] == nil, "an interpolating string has no literal value")
        #expect(settings.constants["WP_HOME"] == "https://example.com")
        #expect(settings.tablePrefix == "site_")
    }

    @Test func `values computed at run time are not guessed`() {
        let config = """
            <?php
            define('DB_PASSWORD', getenv('DB_PASSWORD'));
            define('DB_HOST', 'db' . ':3306');
            $table_prefix = PREFIX . '_';
            """
        let settings = DatabaseSettings.read(wpConfig: Data(config.utf8))
        #expect(settings.constants.isEmpty)
        #expect(settings.tablePrefix == nil)
    }
}

struct WordPressOptionsTests {
    @Test(arguments: [("akismet/akismet.php", "akismet"), ("hello.php", "hello"), ("woocommerce/woocommerce.php", "woocommerce"),
                      ("my-plugin/sub/loader.php", "my-plugin")])
    func `turns an active_plugins entry into the plugin's slug`(entry: String, slug: String) {
        #expect(WordPressOptions.pluginSlug(fromActiveEntry: entry) == slug)
    }

    @Test func `lists active plugin slugs and the home address from the database`() throws {
        let database = FakeWordPressDatabase()
        database.options["active_plugins"] = ("a:3:{i:0;s:19:\"akismet/akismet.php\";i:1;s:9:\"hello.php\";i:2;s:15:\"akismet/two.php\";}", "yes")
        #expect(try WordPressOptions.activePluginSlugs(in: database, tablePrefix: "wp_") == ["akismet", "hello"])
        #expect(try WordPressOptions.home(in: database, tablePrefix: "wp_") == "https://example.com")
        database.options["home"] = nil
        #expect(try WordPressOptions.home(in: database, tablePrefix: "wp_") == nil)
    }

    @Test func `a damaged active_plugins is an error for callers that need the list`() {
        let database = FakeWordPressDatabase()
        database.options["active_plugins"] = ("a:1:{i:0;s:19:\"akismet", "yes")
        #expect(throws: WordPressOptions.Damage.self) { try WordPressOptions.activePluginSlugs(in: database, tablePrefix: "wp_") }
    }

    @Test func `no active_plugins option means no active plugins`() throws {
        let database = FakeWordPressDatabase()
        database.options["active_plugins"] = nil
        #expect(try WordPressOptions.activePluginSlugs(in: database, tablePrefix: "wp_") == [])
    }
}
