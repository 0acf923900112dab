<?php
/**
 * Broken Child theme functions: the kind of edit made through the theme editor that
 * takes a site down (a helper renamed in one place but not in the other).
 */

add_action( 'wp_enqueue_scripts', 'broken_child_enqueue_styles' );

broken_child_register_custom_patterns();
