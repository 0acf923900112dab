import Foundation
import Testing
@testable import WPRescueKit

/// Error-log locations from the server's own configuration and from hosting panels' layouts.
struct ServerLogDiscoveryTests {
    @Test func `nginx: the error_log of the server block whose root is the site`() {
        let config = """
        server {
            listen 80;
            server_name shop.example.com;
            root /var/www/shop/public;   # the site
            error_log /var/log/nginx/shop.error.log warn;
            location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
        }
        server {
            server_name other.example.com;
            root /var/www/other;
            error_log /var/log/nginx/other.error.log;
        }
        server {
            root /var/www/shop/public;
            error_log /var/log/nginx/$host.error.log;
        }
        """
        #expect(ServerLogDiscovery.nginxErrorLogs(in: config, siteRoot: "/var/www/shop/public") == ["/var/log/nginx/shop.error.log"])
        #expect(ServerLogDiscovery.nginxErrorLogs(in: config, siteRoot: "/var/www/nowhere").isEmpty)
    }

    @Test func `Apache: ErrorLog of the VirtualHost whose DocumentRoot holds the site`() {
        let config = """
        <VirtualHost *:443>
            ServerName shop.example.com
            DocumentRoot "/var/www/shop"
            ErrorLog ${APACHE_LOG_DIR}/shop-error.log
        </VirtualHost>
        <VirtualHost *:443>
            DocumentRoot /var/www/other
            ErrorLog /var/log/apache2/other-error.log
        </VirtualHost>
        <VirtualHost *:80>
            DocumentRoot /var/www/shop
            ErrorLog "|/usr/bin/rotatelogs /var/log/apache2/x 86400"
        </VirtualHost>
        """
        #expect(ServerLogDiscovery.apacheErrorLogs(in: config, siteRoot: "/var/www/shop/blog") == ["/var/log/apache2/shop-error.log"])
    }

    @Test func `PHP-FPM: php_admin_value and php_value error_log of the pool that names the site`() {
        let pools = """
        ; the shop's pool
        [shop]
        user = shop
        chdir = /var/www/shop
        php_admin_value[error_log] = /var/log/php-fpm/$pool-error.log
        php_admin_value[open_basedir] = /var/www/shop:/tmp

        [other]
        user = other
        php_value[error_log] = "/var/log/php-fpm/other.log"
        """
        #expect(ServerLogDiscovery.fpmErrorLogs(in: pools, siteRoot: "/var/www/shop", onlyPool: false) == ["/var/log/php-fpm/shop-error.log"])
        let single = "[www]\nphp_value[error_log] = /var/log/php/www.log\n"
        #expect(ServerLogDiscovery.fpmErrorLogs(in: single, siteRoot: "/srv/site", onlyPool: true) == ["/var/log/php/www.log"])
        #expect(ServerLogDiscovery.fpmErrorLogs(in: single, siteRoot: "/srv/site", onlyPool: false).isEmpty)
    }

    @Test func `panel layouts: logs folders beside the site, Plesk's system folder, cPanel's error_log files`() throws {
        let folder = try TemporaryFolder()
        let root = folder.path + "/home/shop/htdocs/shop.example.com"
        for path in [root, folder.path + "/home/shop/logs/nginx", folder.path + "/home/shop/logs/php"] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        for file in ["logs/nginx/error.log", "logs/nginx/access.log", "logs/php/error.log", "logs/nginx/error.log.2.gz"] {
            _ = try folder.write("home/shop/" + file, "x\n")
        }
        let found = ServerLogDiscovery.candidates(root: root, fileSystem: LocalFileSystem())
        #expect(found.contains(folder.path + "/home/shop/logs/nginx/error.log"))
        #expect(found.contains(folder.path + "/home/shop/logs/php/error.log"))
        #expect(found.contains(root + "/error_log"))
        #expect(!found.contains { $0.hasSuffix("access.log") || $0.hasSuffix(".gz") })
        let plesk = ServerLogDiscovery.panelLogs(root: "/var/www/vhosts/shop.example.com/httpdocs", fileSystem: LocalFileSystem(), domain: nil)
        #expect(plesk.contains("/var/www/vhosts/system/shop.example.com/logs/error_log"))
    }
}

/// nginx cuts long lines (2 KiB by default): a FastCGI message truncated in its stack trace still
/// names the file and the plugin.
struct TruncatedFastCGITests {
    @Test func `a truncated FastCGI line keeps its PHP message, location and attribution`() throws {
        let folder = try TemporaryFolder()
        let line = #"2026/11/21 11:19:51 [error] 1203#1203: *5 FastCGI sent in stderr: "PHP message: PHP Warning:  Undefined variable $x in /var/www/html/wp-content/themes/t/functions.php on line 3PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function each() in /var/www/html/wp-content/plugins/old-slider/slider.php:41\nStack trace:\n#0 /var/www/html/wp-includes/class-wp-hook.php(308): old_slider_init('')\n#1 /var/www/html/wp-inc"#
        let path = try folder.write("error.log", line + "\n")
        let entries = try LogReader(fileSystem: LocalFileSystem(), path: path, attributor: LogFixtures.attributor, options: LogFixtures.options())
            .entries().entries
        let fatal = try #require(entries.first { $0.level == .fatal })
        #expect(fatal.message == "Uncaught Error: Call to undefined function each()")
        #expect(fatal.file == "/var/www/html/wp-content/plugins/old-slider/slider.php")
        #expect(fatal.line == 41)
        #expect(fatal.attribution.source == .plugin(slug: "old-slider"))
        #expect(LogEvidence.findings(from: [fatal]).first?.summary.contains("old-slider is not compatible with the PHP version this site runs") == true)
    }
}
