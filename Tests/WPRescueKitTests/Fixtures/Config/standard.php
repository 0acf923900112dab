<?php
/**
 * Site configuration, laid out like WordPress's own sample file.
 *
 * @package WordPress
 */

// ** Database connection, as given by the host ** //
/** Database name */
define( 'DB_NAME', 'shop_live' );

/** Database user */
define( 'DB_USER', 'shop_wp' );

/** Database password */
define( 'DB_PASSWORD', 'n0t-a-real-p4ss' );

/** Database server */
define( 'DB_HOST', 'localhost' );

/** Character set for new tables. */
define( 'DB_CHARSET', 'utf8mb4' );

/** Collation; leave empty unless you know better. */
define( 'DB_COLLATE', '' );

/**#@+
 * Keys and salts: long random phrases that sign cookies.
 */
define( 'AUTH_KEY',         'k7|Qx;2Wm)Fz=Y#t8 vB9@Lp(Sj0' );
define( 'SECURE_AUTH_KEY',  'Ay{4<qT!r^E5wN$h1 ]cU&Xg*Zd' );
define( 'LOGGED_IN_KEY',    'Mi6%oP/u3?Hb~J-sV8=eK:nR' );
define( 'NONCE_KEY',        'G2}fW+aD9_lC7 yI4,zO.tQ' );
define( 'AUTH_SALT',        'r5^Bv1!Nk(Ue3;Fm8@Yx#Ls' );
define( 'SECURE_AUTH_SALT', 'Hp0&Tq6*Dz2%Wc9$Rj4 Kg' );
define( 'LOGGED_IN_SALT',   'Sd7~Jn1+Ax5=Gv3-Mb8 Qo' );
define( 'NONCE_SALT',       'Lf4]Ei9[Cu2{Yw6}Pk0 Zh' );

/**#@-*/

/**
 * Table prefix: letters, digits and underscores only.
 */
$table_prefix = 'shp_';

/**
 * Debugging mode for developers.
 */
define( 'WP_DEBUG', false );

/* Add any custom values between this line and the "stop editing" line. */

define( 'WP_MEMORY_LIMIT', '128M' );
define( 'WP_MAX_MEMORY_LIMIT', '256M' );

/* That's all, stop editing! Happy publishing. */

/** Absolute path to the WordPress directory. */
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

/** Sets up WordPress vars and included files. */
require_once ABSPATH . 'wp-settings.php';
