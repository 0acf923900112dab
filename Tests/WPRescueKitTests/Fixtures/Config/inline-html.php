<?php define( 'DB_NAME', 'mixed' ); ?>
<!-- html between PHP blocks -->
<?= 'echoed' ?>
<?php
define( 'WP_DEBUG', false ); ?>
<?php if ( true ) { ?>
<p>conditional html</p>
<?php define( 'WP_CACHE', false ); } ?>
<?php
require_once __DIR__ . '/wp-settings.php';
