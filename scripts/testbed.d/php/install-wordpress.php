<?php
// Installs WordPress into an empty database through WordPress's own code (wp_install),
// then points siteurl/home at the test bed's nginx URL, switches to pretty permalinks
// and writes the .htaccess block exactly as WordPress itself writes it.
// Run it as the site owner so anything WordPress creates belongs to that user.
//
// Usage: php install-wordpress.php SITE_PATH URL ADMIN_USER ADMIN_EMAIL < admin-password
// Prints nothing on success; "already installed" when the database holds a site.

if ($argc !== 5) {
    fwrite(STDERR, "usage: install-wordpress.php SITE_PATH URL ADMIN_USER ADMIN_EMAIL < password\n");
    exit(2);
}
[, $sitePath, $url, $adminUser, $adminEmail] = $argv;
$adminPassword = rtrim((string) stream_get_contents(STDIN), "\r\n");

// WordPress guesses its URL from the request; give it the request it would get
// through nginx so nothing half-configured is stored on the way.
$parts = parse_url($url);
$_SERVER['HTTP_HOST'] = $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
$_SERVER['SERVER_NAME'] = $parts['host'];
$_SERVER['SERVER_PORT'] = (string) ($parts['port'] ?? 80);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_SITEURL', $url); // only for this process; the stored options are set below
define('WP_INSTALLING', true);

require $sitePath . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/misc.php';

if (is_blog_installed()) {
    echo "already installed\n";
    exit(0);
}

// No loopback HTTP (wp_install probes permalink styles over HTTP) and no mail
// (there is no sendmail here): both would only slow the install down or spam stderr.
add_filter('pre_http_request', static fn () => new WP_Error('testbed', 'no HTTP during install'));
add_filter('pre_wp_mail', '__return_false');

$result = wp_install('wprescue test bed', $adminUser, $adminEmail, true, '', wp_slash($adminPassword));
if (!is_array($result) || empty($result['user_id'])) {
    fwrite(STDERR, "wp_install failed\n");
    exit(1);
}

update_option('siteurl', $url);
update_option('home', $url);
update_option('blogdescription', 'A real WordPress for wprescue tests');

global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
flush_rewrite_rules(false);

// save_mod_rewrite_rules() refuses to run outside Apache, so write the same block it
// would write, through the same functions.
$rules = explode("\n", $wp_rewrite->mod_rewrite_rules());
if (!insert_with_markers(ABSPATH . '.htaccess', 'WordPress', $rules)) {
    fwrite(STDERR, "could not write .htaccess\n");
    exit(1);
}
