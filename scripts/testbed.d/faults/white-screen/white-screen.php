<?php
/**
 * Plugin Name:       White Screen
 * Plugin URI:        https://example.test/plugins/white-screen/
 * Description:       Test-bed fault: ends every web request before WordPress prints anything, so the site answers 200 with an empty body (the "white screen of death").
 * Version:           1.1.0
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       white-screen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

if ( 'cli' !== PHP_SAPI ) {
	exit;
}
