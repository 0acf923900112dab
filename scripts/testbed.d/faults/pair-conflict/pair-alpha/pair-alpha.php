<?php
/**
 * Plugin Name:       Pair Alpha – Price Formatter
 * Plugin URI:        https://example.test/plugins/pair-alpha/
 * Description:       Test-bed fault, half of a pair: works on its own, but declares the same global helper as Pair Beta, so the two together die with "Cannot redeclare".
 * Version:           1.4.0
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       pair-alpha
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Declared without a function_exists() guard, as careless plugins do.
function shop_format_price( $amount ) {
	return number_format( (float) $amount, 2 ) . ' EUR';
}

add_filter( 'the_content', static function ( $content ) {
	return $content . '<!-- pair-alpha: ' . esc_html( shop_format_price( 10 ) ) . ' -->';
} );
