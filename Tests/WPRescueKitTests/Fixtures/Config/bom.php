<?php
define( 'DB_NAME', 'bom_site' );
define( 'WP_DEBUG', false );
require_once __DIR__ . '/wp-settings.php';
