<?php
/**
 * Configuration in the style of a packaged cloud image: extra constants,
 * WP-CLI special cases and closures registered before WordPress loads.
 */

// ** Database settings ** //
define( 'DB_NAME', 'bitnami_wordpress' );
define( 'DB_USER', 'bn_wordpress' );
define( 'DB_PASSWORD', '3a9f0c7e1b' );
define( 'DB_HOST', '127.0.0.1:3306' );
define( 'DB_CHARSET', 'utf8' );
define( 'DB_COLLATE', '' );

define( 'AUTH_KEY',         'x' );
define( 'SECURE_AUTH_KEY',  'y' );
define( 'LOGGED_IN_KEY',    'z' );
define( 'NONCE_KEY',        'w' );
define( 'AUTH_SALT',        'v' );
define( 'SECURE_AUTH_SALT', 'u' );
define( 'LOGGED_IN_SALT',   't' );
define( 'NONCE_SALT',       's' );

$table_prefix = 'wp_';

define( 'WP_DEBUG', false );

/* Add any custom values between this line and the "stop editing" line. */

define( 'FS_METHOD', 'direct' );
/**
 * The home and site address follow whatever host name the visitor used.
 */
if ( defined( 'WP_CLI' ) ) {
	$_SERVER['HTTP_HOST'] = '127.0.0.1';
}

define( 'WP_HOME', 'http://' . $_SERVER['HTTP_HOST'] . '/' );
define( 'WP_SITEURL', 'http://' . $_SERVER['HTTP_HOST'] . '/' );
define( 'WP_AUTO_UPDATE_CORE', 'minor' );
/* That's all, stop editing! Happy publishing. */

/** Absolute path to the WordPress directory. */
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

/**
 * Outside WP-CLI, hide the pingback header and method.
 */
if ( !defined( 'WP_CLI' ) ) {
	// no X-Pingback header
	add_filter( 'wp_headers', function( $headers ) {
		unset( $headers['X-Pingback'] );
		return $headers;
	} );
	// no pingback.ping over XML-RPC
	add_filter( 'xmlrpc_methods', function( $methods ) {
		unset( $methods['pingback.ping'] );
		return $methods;
	} );
	add_filter( 'auto_update_translation', '__return_false' );
}

/** Sets up WordPress vars and included files. */
require_once ABSPATH . 'wp-settings.php';

define( 'WP_TEMP_DIR', '/opt/bitnami/wordpress/tmp' );

//  Site-specific extras, if the image has them
@include( '/opt/bitnami/wordpress/wp-config-extra.php' );
