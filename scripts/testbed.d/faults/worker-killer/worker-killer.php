<?php
/**
 * Plugin Name:       Worker Killer
 * Plugin URI:        https://example.test/plugins/worker-killer/
 * Description:       Test-bed fault: kills the PHP-FPM worker serving the request, so nginx answers 502 Bad Gateway, the way a crashing extension does.
 * Version:           1.0.0
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       worker-killer
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Only front-end requests under PHP-FPM: wp-admin, php-cli (wp-cli style tools) and
// Apache's mod_php keep working, which is what makes this fault look like a server
// problem rather than a PHP error.
if ( 'fpm-fcgi' === PHP_SAPI && ! is_admin() && function_exists( 'posix_kill' ) ) {
	posix_kill( getmypid(), 9 ); // SIGKILL: no shutdown handlers, no response at all.
}
