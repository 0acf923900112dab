<?php
/**
 * Saved on Windows: every line ends in CR LF.
 */
define( 'DB_NAME', 'agency' );
define( 'DB_USER', 'agency' );
define( 'DB_PASSWORD', 'Pa$$w0rd!' );
define( 'DB_HOST', 'localhost' );

$table_prefix = 'ag_';

define( 'WP_DEBUG', false );
define( 'WP_DEBUG_LOG', false );

/* That's all, stop editing! Happy publishing. */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
