<?php
/**
 * Plugin Name:       Login Lockout
 * Plugin URI:        https://example.test/plugins/login-lockout/
 * Description:       Test-bed fault: a limit-login plugin that has locked everyone out. wp-login.php answers 403 "Too many failed login attempts"; the front end is untouched.
 * Version:           1.0.0
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       login-lockout
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action(
	'login_init',
	function () {
		status_header( 403 );
		nocache_headers();
		header( 'Content-Type: text/html; charset=utf-8' );
		echo '<!DOCTYPE html><html><body><h1>Locked out</h1><p>Too many failed login attempts. Try again in 20 minutes.</p></body></html>';
		exit;
	}
);
