<?php
# A host-specific fragment in /etc/wordpress, included by the master file:
# no wp-settings.php require and no "stop editing" line.
define('DB_NAME', 'blog_example_org');
define('DB_USER', 'blog');
define('DB_PASSWORD', 'dont-show-me');
define('DB_HOST', 'localhost');
define('WP_CONTENT_DIR', '/srv/www/example.org/wp-content');
$table_prefix = 'ex_';
?>
