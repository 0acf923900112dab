<?php
// define('WP_DEBUG', true);   a commented-out define that must be ignored
# define('WP_CACHE', true);
/* define('DISALLOW_FILE_EDIT', false); */
/**
 * define( 'WP_MEMORY_LIMIT', '1G' );
 */
define( 'DB_NAME', 'tricky' );
define( 'DB_PASSWORD', 'semi;colon//slashes);paren#hash' );
define( "DB_HOST", "localhost:/run/mysqld/mysqld.sock" );
DEFINE('DB_USER','tricky');
\define ( 'DB_CHARSET' , 'utf8mb4' , ) ;
define('AUTH_KEY', 'it\'s a \\ backslash');
define('SECURE_AUTH_KEY', "tab\there \x41\101 \u{e9} \$notvar");
define( 'LOGGED_IN_KEY', 'a' . 'b' . "c" );
const NONCE_KEY = 'from a const';
const AUTH_SALT = 'one', SECURE_AUTH_SALT = 'two';
define( 'LOGGED_IN_SALT', "interpolated $table_prefix value" );
define( 'NONCE_SALT', 'x' ); define( 'WP_CACHE', true ); // two on one line; this ?>
<?php
define( 'WP_CONTENT_DIR', __DIR__ . '/content' );
define( 'WP_PLUGIN_DIR', dirname( __FILE__ ) . '/content/plugins' );
define( 'WPMU_PLUGIN_DIR', $_SERVER['DOCUMENT_ROOT'] . '/mu' );
defined( 'WP_ENVIRONMENT_TYPE' ) || define( 'WP_ENVIRONMENT_TYPE', 'staging' );
if ( ! defined( 'WP_DEBUG' ) ) {
	define( 'WP_DEBUG', false );
}
define( 'WP_DEBUG', true ); // a duplicate: PHP keeps the first
define( 'WP_DEBUG_LOG', __DIR__ . '/logs/debug;1.log' );
define( 'WP_MEMORY_LIMIT', /* generous */ '512M' );
define( 'WP_POST_REVISIONS', -1 );
define( 'EMPTY_TRASH_DAYS', 1_000 );
define( 'SCRIPT_DEBUG', TRUE );
define( 'MY_RATIO', 2.5e3 );
define( 'MY_NOTHING', NULL );
define( 'MY_OCTAL', 0755 );
define( 'MY_CALL', sprintf( '%s;%s', 'a', 'b' ) );
$table_prefix = 'tr_';

/* That's all, stop editing! */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
