<?php
/**
 * Plugin Name:       Plugin Fatal
 * Plugin URI:        https://example.test/plugins/plugin-fatal/
 * Description:       Test-bed fault: calls a function that does not exist on every load, so WordPress shows "There has been a critical error on this website." with HTTP 500.
 * Version:           2.3.1
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       plugin-fatal
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Like a plugin that depends on another plugin which is no longer installed.
plugin_fatal_missing_dependency_bootstrap();
