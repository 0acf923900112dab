<?php
// Schedules WordPress's cron events a century ahead, so that no page view of the test bed
// ever finds one due and spawns wp-cron.php in the background (its update checks fail
// without internet and log warnings into php-fpm.log at an unpredictable moment).
//
// Usage, as the site owner: php freeze-cron.php SITE_PATH
// Loading WordPress runs its `init` hooks, which schedule every core event it keeps (update
// checks, HTTPS detection, transient clean-up...) at "now"; each is then moved ahead.

if ($argc !== 2) {
    fwrite(STDERR, "usage: freeze-cron.php SITE_PATH\n");
    exit(2);
}
define('DISABLE_WP_CRON', true);
$_SERVER['HTTP_HOST'] = $_SERVER['HTTP_HOST'] ?? 'localhost';
require rtrim($argv[1], '/') . '/wp-load.php';

$ahead = 100 * YEAR_IN_SECONDS;
$moved = [];
foreach (_get_cron_array() ?: [] as $timestamp => $hooks) {
    $moved[$timestamp + $ahead] = $hooks;
}
if (!_set_cron_array($moved) && $moved !== _get_cron_array()) {
    fwrite(STDERR, "freeze-cron: could not save the cron array\n");
    exit(1);
}
printf("freeze-cron: %d event times moved %d years ahead\n", count($moved), $ahead / YEAR_IN_SECONDS);
