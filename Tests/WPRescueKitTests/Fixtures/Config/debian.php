<?php
/*
 * Debian-style master configuration: the real settings live in
 * /etc/wordpress/config-<host>.php; this file only picks one and fills gaps.
 */

$debian_host = preg_replace('/:.*/', "", $_SERVER['HTTP_HOST']);
$debian_host = preg_replace("/[^a-zA-Z0-9.\-]/", "", $debian_host);

/* An administrator may name the file with SetEnv WORDPRESS_CONFIG */
if (isset($_SERVER['WORDPRESS_CONFIG'])
    && preg_match("/^[a-zA-Z0-9-]+$/", $_SERVER['WORDPRESS_CONFIG'])) {
    $debian_file = '/etc/wordpress/config-'.$_SERVER['WORDPRESS_CONFIG'].'.php';
} else {
    $debian_file = '/etc/wordpress/config-'.strtolower($debian_host).'.php';
}

if (file_exists($debian_file)) {
    require_once($debian_file);
    define('DEBIAN_FILE', $debian_file);
} elseif (file_exists("/etc/wordpress/config-default.php")) {
    require_once("/etc/wordpress/config-default.php");
    define('DEBIAN_FILE', "/etc/wordpress/config-default.php");
} else {
    header("HTTP/1.0 404 Not Found");
    echo "No configuration found for <b>$debian_host</b>; ask the administrator.";
    exit(1);
}

/* Updates come from the package manager, not from WordPress */
if (!defined('wp_auto_update_core'))
    define( 'wp_auto_update_core', false );

/* Defaults for anything the host file left out */
if (!defined('ABSPATH'))
    define('ABSPATH', '/usr/share/wordpress/');
if (!defined('WP_AUTO_UPDATE_CORE'))
    define('WP_AUTO_UPDATE_CORE', false);
if (!defined('DB_NAME'))
    define('DB_NAME', 'wordpress');
if (!defined('DB_HOST'))
    define('DB_HOST', 'localhost');
if (!defined('WP_CONTENT_DIR') && !defined('DONT_SET_WP_CONTENT_DIR'))
    define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');

if (!isset($table_prefix)) {
    $table_prefix = 'wp_';
}

if (isset($_SERVER['HTTP_X_FORWARDED_PROTO']) && $_SERVER['HTTP_X_FORWARDED_PROTO'] == 'https')
    $_SERVER['HTTPS'] = 'on';

require_once(ABSPATH . 'wp-settings.php');
?>
