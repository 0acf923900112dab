<?php
/**
 * Object cache drop-in left behind by a removed caching plugin: it still calls into
 * the plugin's library, which is gone, so WordPress dies while starting its cache,
 * before any plugin or theme is loaded.
 */

require_once WP_CONTENT_DIR . '/plugins/removed-cache-plugin/includes/object-cache-backend.php';
