import Foundation
import Testing
@testable import WPRescueKit

struct LogAttributionTests {
    static let attributor = LogAttributor(layout: .standard(root: "/var/www/html"), alternativeRoots: ["/srv/releases/42"])

    @Test(arguments: [
        ("/var/www/html/wp-content/plugins/woocommerce/includes/class-wc.php", LogSource.plugin(slug: "woocommerce")),
        ("/var/www/html/wp-content/plugins/hello.php", .plugin(slug: "hello.php")),
        ("/var/www/html/wp-content/mu-plugins/loader.php", .mustUsePlugin(name: "loader.php")),
        ("/var/www/html/wp-content/mu-plugins/acme/boot.php", .mustUsePlugin(name: "acme")),
        ("/var/www/html/wp-content/themes/twentytwentythree/functions.php", .theme(slug: "twentytwentythree")),
        ("/var/www/html/wp-content/object-cache.php", .dropIn(file: "object-cache.php")),
        ("/var/www/html/wp-content/advanced-cache.php", .dropIn(file: "advanced-cache.php")),
        ("/var/www/html/wp-content/uploads/2026/11/shell.php", .unknown),
        ("/var/www/html/wp-content/my-helper.php", .unknown),
        ("/var/www/html/wp-config.php", .configuration),
        ("/var/www/html/wp-includes/class-wp-hook.php", .core),
        ("/var/www/html/wp-admin/includes/plugin.php", .core),
        ("/var/www/html/wp-settings.php", .core),
        ("/var/www/html/index.php", .core),
        ("/var/www/html/xmlrpc.php", .core),
        ("/var/www/html/custom-script.php", .unknown),
        ("/var/www/html/./wp-content/plugins/../plugins/akismet/akismet.php", .plugin(slug: "akismet")),
        // The log names the release folder the site's path links to.
        ("/srv/releases/42/wp-content/plugins/akismet/akismet.php", .plugin(slug: "akismet")),
        ("/srv/releases/42/wp-includes/load.php", .core),
    ])
    func `classifies a path by the part of the site it is in`(path: String, expected: LogSource) {
        #expect(Self.attributor.source(ofPath: path) == expected)
    }

    @Test(arguments: ["/usr/share/php/PEAR.php", "/var/www/html2/wp-content/plugins/a/a.php", "/srv/releases/421/x.php"])
    func `leaves paths outside the site unattributed`(path: String) {
        #expect(Self.attributor.source(ofPath: path) == nil)
    }

    @Test func `blames the first plugin frame below a fatal inside wp-includes`() {
        let frames = [
            LogStackFrame(index: 0, file: "/var/www/html/wp-includes/class-wp-query.php", line: 1974, call: "array_merge()"),
            LogStackFrame(index: 1, file: "/var/www/html/wp-includes/class-wp-hook.php", line: 324, call: "WP_Query->query()"),
            LogStackFrame(index: 2, file: nil, line: nil, call: "call_user_func_array()"),
            LogStackFrame(index: 3, file: "/var/www/html/wp-content/plugins/seo-boost/seo.php", line: 9, call: "apply_filters()"),
            LogStackFrame(index: 4, file: "/var/www/html/wp-content/themes/astra/header.php", line: 2, call: "seo_boost_head()"),
        ]
        let attribution = Self.attributor.attribute(file: "/var/www/html/wp-includes/class-wp-query.php", stackFrames: frames, messagePaths: [])
        #expect(attribution == LogAttribution(source: .plugin(slug: "seo-boost"), attributedVia: .stackFrame(index: 3),
                                              path: "/var/www/html/wp-content/plugins/seo-boost/seo.php"))
    }

    @Test func `blames a theme frame when no plugin is in the trace`() {
        let frames = [
            LogStackFrame(index: 0, file: "/var/www/html/wp-includes/formatting.php", line: 10, call: "esc_html()"),
            LogStackFrame(index: 1, file: "/var/www/html/wp-content/themes/astra/header.php", line: 2, call: "esc_html()"),
        ]
        let attribution = Self.attributor.attribute(file: "/var/www/html/wp-includes/formatting.php", stackFrames: frames, messagePaths: [])
        #expect(attribution.source == .theme(slug: "astra"))
        #expect(attribution.attributedVia == .stackFrame(index: 1))
    }

    @Test func `prefers the location when it is itself an extension`() {
        let frames = [LogStackFrame(index: 0, file: "/var/www/html/wp-content/plugins/other/other.php", line: 1, call: "x()")]
        let attribution = Self.attributor.attribute(file: "/var/www/html/wp-content/mu-plugins/guard.php", stackFrames: frames, messagePaths: [])
        #expect(attribution == LogAttribution(source: .mustUsePlugin(name: "guard.php"), attributedVia: .location,
                                              path: "/var/www/html/wp-content/mu-plugins/guard.php"))
    }

    @Test func `names core when only core is involved`() {
        let frames = [LogStackFrame(index: 0, file: "/var/www/html/wp-settings.php", line: 5, call: "require()")]
        #expect(Self.attributor.attribute(file: "/var/www/html/wp-includes/load.php", stackFrames: frames, messagePaths: [])
            == LogAttribution(source: .core, attributedVia: .location, path: "/var/www/html/wp-includes/load.php"))
        #expect(Self.attributor.attribute(file: "/usr/share/php/x.php", stackFrames: frames, messagePaths: [])
            == LogAttribution(source: .core, attributedVia: .stackFrame(index: 0), path: "/var/www/html/wp-settings.php"))
        #expect(Self.attributor.attribute(file: nil, stackFrames: [], messagePaths: []) == .unknown)
    }

    @Test func `uses a path the message mentions when the location is core`() {
        let attribution = Self.attributor.attribute(file: "/var/www/html/wp-includes/pluggable.php", stackFrames: [],
                                                    messagePaths: ["/var/www/html/wp-content/plugins/snippets/run.php"])
        #expect(attribution.source == .plugin(slug: "snippets"))
        #expect(attribution.attributedVia == .message)
    }

    @Test func `follows a custom plugin folder outside wp-content`() {
        var layout = SiteLayout.standard(root: "/var/www/html")
        layout.pluginDirectory = "/opt/shared-plugins"
        let attributor = LogAttributor(layout: layout)
        #expect(attributor.source(ofPath: "/opt/shared-plugins/forms/forms.php") == .plugin(slug: "forms"))
    }

    @Test func `recognizes real paths when the site is reached through a symbolic link`() throws {
        let folder = try TemporaryFolder()
        let real = SitePath.join(folder.path, "releases-7")
        try FileManager.default.createDirectory(atPath: SitePath.join(real, "wp-content/plugins/shop"), withIntermediateDirectories: true)
        let link = SitePath.join(folder.path, "current")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let layout = SiteLayout.standard(root: link)
        let canonicalReal = try LocalFileSystem().canonicalPath(real)

        let plain = LogAttributor(layout: layout)
        #expect(plain.source(ofPath: SitePath.join(canonicalReal, "wp-content/plugins/shop/shop.php")) == nil)
        let resolving = LogAttributor.resolvingSymbolicLinks(layout: layout, fileSystem: LocalFileSystem())
        #expect(resolving.source(ofPath: SitePath.join(canonicalReal, "wp-content/plugins/shop/shop.php")) == .plugin(slug: "shop"))
        #expect(resolving.source(ofPath: SitePath.join(link, "wp-content/plugins/shop/shop.php")) == .plugin(slug: "shop"))
    }

    @Test func `relativizes site paths in text and leaves others`() {
        let text = "in /var/www/html/wp-content/plugins/a/a.php:3 and /srv/releases/42/wp-includes/x.php and /usr/lib/php/y.php"
        #expect(Self.attributor.relativizing(text) == "in wp-content/plugins/a/a.php:3 and wp-includes/x.php and /usr/lib/php/y.php")
    }
}
