<?php
/**
 * Plugin Name:  Disallow Indexing
 * Plugin URI:   https://roots.io/bedrock/
 * Description:  Disallow indexing of your site on non-production environments.
 * Version:      2.0.0
 * Author:       Roots
 * Author URI:   https://roots.io/
 * License:      MIT License
 */

if (defined('DISALLOW_INDEXING') && DISALLOW_INDEXING !== true) {
    return;
}

add_action('pre_option_blog_public', '__return_zero');
