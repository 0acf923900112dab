<?php
/* An older hand-written configuration that closes PHP at the end. */
define('DB_NAME', 'blog');
define('DB_USER', 'blog');
define('DB_PASSWORD', 'secret-ish');
define('DB_HOST', 'db.internal');
$table_prefix  = 'blog_';
define ('WPLANG', 'de_DE');
define('WP_DEBUG', true); define('WP_DEBUG_DISPLAY', true); // several on one line
define('WP_POST_REVISIONS', 5);
define('EMPTY_TRASH_DAYS', 0x1E);

/* That's all, stop editing! Happy blogging. */

if ( !defined('ABSPATH') )
	define('ABSPATH', dirname(__FILE__) . '/');

require_once(ABSPATH . 'wp-settings.php');
?>

<!-- Trailing markup someone pasted after the closing tag -->
<p>Site maintained by Example Hosting</p>
