<?php
// Turns a freshly copied WordPress into a multisite network through WordPress's own code, in
// two runs because MULTISITE must be defined before WordPress loads:
//
//   php install-network.php install SITE_PATH DOMAIN ADMIN_USER ADMIN_EMAIL [subdomain] < admin-password
//       wp_install() as a single site, then install_network() + populate_network()
//       (wp-admin/includes/network.php), as Tools > Network Setup does; a subdirectory
//       network unless `subdomain`.
//   php install-network.php sites SITE_PATH DOMAIN
//       (wp-config.php now has MULTISITE) adds the site /shop/ with wp_insert_site(),
//       network-activates Akismet and activates shop-extras on /shop/ only.
//   php install-network.php subdomain-sites SITE_PATH DOMAIN
//       (SUBDOMAIN_INSTALL true) adds the site site2.DOMAIN, network-activates Akismet and
//       plugin-fatal, and activates white-screen on site2 only.
//
// Run it as the site owner. Prints nothing on success.

if ($argc < 4) {
    fwrite(STDERR, "usage: install-network.php install|sites SITE_PATH DOMAIN [ADMIN_USER ADMIN_EMAIL]\n");
    exit(2);
}
[, $step, $sitePath, $domain] = $argv;

// As nginx passes it: HTTP_HOST with the port, which is why the domain carries it.
$_SERVER['HTTP_HOST'] = $domain;
$_SERVER['SERVER_NAME'] = parse_url("http://$domain", PHP_URL_HOST);
$_SERVER['SERVER_PORT'] = (string) (parse_url("http://$domain", PHP_URL_PORT) ?? 80);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1'; // wpmu_log_new_registrations() records it

if ($step === 'install') {
    [, , , , $adminUser, $adminEmail] = $argv;
    $subdomain = ($argv[6] ?? '') === 'subdomain';
    $adminPassword = rtrim((string) stream_get_contents(STDIN), "\r\n");
    define('WP_INSTALLING', true);
    define('WP_SITEURL', "http://$domain");
    require $sitePath . '/wp-load.php';
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    require_once ABSPATH . 'wp-admin/includes/network.php';
    add_filter('pre_http_request', static fn () => new WP_Error('testbed', 'no HTTP during install'));
    add_filter('pre_wp_mail', '__return_false');
    if (!is_blog_installed()) {
        $result = wp_install('wprescue network', $adminUser, $adminEmail, true, '', wp_slash($adminPassword));
        if (!is_array($result) || empty($result['user_id'])) {
            fwrite(STDERR, "wp_install failed\n");
            exit(1);
        }
    }
    update_option('siteurl', "http://$domain");
    update_option('home', "http://$domain");
    // wp-admin/network.php does the same: the network tables are unnamed on a single site.
    global $wpdb;
    foreach ($wpdb->tables('ms_global') as $table => $prefixed) {
        $wpdb->$table = $prefixed;
    }
    install_network();
    $result = populate_network(1, $domain, $adminEmail, 'wprescue network', '/', $subdomain);
    // Network Setup only warns about wildcard DNS (it cannot reach a random subdomain; here
    // there is no HTTP at all); nginx answers every *.DOMAIN.
    if (is_wp_error($result) && $result->get_error_code() !== 'no_wildcard_dns') {
        fwrite(STDERR, 'populate_network failed: ' . $result->get_error_message() . "\n");
        exit(1);
    }
    exit(0);
}

if ($step === 'sites') {
    require $sitePath . '/wp-load.php';
    add_filter('pre_http_request', static fn () => new WP_Error('testbed', 'no HTTP during install'));
    add_filter('pre_wp_mail', '__return_false');
    if (!is_multisite()) {
        fwrite(STDERR, "MULTISITE is not on in wp-config.php\n");
        exit(1);
    }
    $shop = get_blog_id_from_url($domain, '/shop/');
    if (!$shop) {
        $shop = wp_insert_site(['domain' => $domain, 'path' => '/shop/', 'title' => 'Shop', 'user_id' => 1]);
        if (is_wp_error($shop)) {
            fwrite(STDERR, 'wp_insert_site failed: ' . $shop->get_error_message() . "\n");
            exit(1);
        }
    }
    // WordPress's site functions drop the port's colon from a domain; put it back as a host
    // with a port has it, in wp_blogs and in the site's own addresses.
    global $wpdb;
    $wpdb->update($wpdb->blogs, ['domain' => $domain], ['blog_id' => $shop]);
    clean_blog_cache($shop);
    update_site_option('active_sitewide_plugins', ['akismet/akismet.php' => time()]);
    switch_to_blog($shop);
    update_option('home', "http://$domain/shop");
    update_option('siteurl', "http://$domain/shop");
    update_option('active_plugins', ['shop-extras/shop-extras.php']);
    restore_current_blog();
    exit(0);
}

if ($step === 'subdomain-sites') {
    require $sitePath . '/wp-load.php';
    add_filter('pre_http_request', static fn () => new WP_Error('testbed', 'no HTTP during install'));
    add_filter('pre_wp_mail', '__return_false');
    if (!is_multisite() || !is_subdomain_install()) {
        fwrite(STDERR, "MULTISITE and SUBDOMAIN_INSTALL are not on in wp-config.php\n");
        exit(1);
    }
    // As nginx passes it, with the port: site2.network-sub.test:<port>.
    $host = "site2.$domain";
    $site = get_blog_id_from_url($host, '/');
    if (!$site) {
        $site = wp_insert_site(['domain' => parse_url("http://$host", PHP_URL_HOST), 'path' => '/', 'title' => 'Site 2', 'user_id' => 1]);
        if (is_wp_error($site)) {
            fwrite(STDERR, 'wp_insert_site failed: ' . $site->get_error_message() . "\n");
            exit(1);
        }
    }
    global $wpdb;
    $wpdb->update($wpdb->blogs, ['domain' => $host], ['blog_id' => $site]);
    clean_blog_cache($site);
    // Written last, so that this script never loads the culprits itself.
    switch_to_blog($site);
    update_option('home', "http://$host");
    update_option('siteurl', "http://$host");
    update_option('active_plugins', ['white-screen/white-screen.php']);
    restore_current_blog();
    update_site_option('active_sitewide_plugins', ['akismet/akismet.php' => time(), 'plugin-fatal/plugin-fatal.php' => time()]);
    exit(0);
}

fwrite(STDERR, "unknown step '$step'\n");
exit(2);
