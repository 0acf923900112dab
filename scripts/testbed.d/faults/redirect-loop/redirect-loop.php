<?php
/**
 * Plugin Name:       Redirect Loop
 * Plugin URI:        https://example.test/plugins/redirect-loop/
 * Description:       Test-bed fault: two redirect rules added months apart, "/" to "/welcome/" and "/welcome/" back to "/", so every front-end page ends in "too many redirects". wp-login.php and wp-admin are not touched, as with real redirect plugins.
 * Version:           1.0.0
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       redirect-loop
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action(
	'init',
	function () {
		if ( is_admin() || 'cli' === PHP_SAPI || wp_doing_ajax() || wp_doing_cron() ) {
			return;
		}
		$path = wp_parse_url( $_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH );
		if ( '/' === $path || '' === $path ) {
			wp_redirect( home_url( '/welcome/' ), 302 );
			exit;
		}
		if ( '/welcome/' === $path ) {
			wp_redirect( home_url( '/' ), 302 );
			exit;
		}
	}
);
