<?php
/**
 * Plugin Name:       Memory Hog
 * Plugin URI:        https://example.test/plugins/memory-hog/
 * Description:       Test-bed fault: builds a 160 MB string on every web request. It dies with "Allowed memory size ... exhausted" under the default 128M limit and works once wp-config.php defines WP_MEMORY_LIMIT as 256M.
 * Version:           3.0.0
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       memory-hog
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

if ( 'cli' !== PHP_SAPI ) {
	// Like a plugin loading a huge export or image into memory at once.
	$memory_hog_buffer = str_repeat( 'x', 160 * 1024 * 1024 );
	$GLOBALS['memory_hog_length'] = strlen( $memory_hog_buffer );
	unset( $memory_hog_buffer );
}
