<?php
/*
 * Plugin Name: Legacy Widgets
 * Description: Test-bed fault: written for PHP 5, builds a callback with create_function(), which PHP 8.0 removed, so it stops every request with a fatal error.
 * Version: 1.4.2
 */

$legacy_widgets_shout = create_function( '$text', 'return strtoupper( $text );' );
