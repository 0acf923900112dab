<?php
/**
 * Plugin Name:       Pair Beta – Checkout Helper
 * Plugin URI:        https://example.test/plugins/pair-beta/
 * Description:       Test-bed fault, half of a pair: works on its own, but declares the same global helper as Pair Alpha, so the two together die with "Cannot redeclare".
 * Version:           0.9.2
 * Requires at least: 5.0
 * Requires PHP:      7.4
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 * Text Domain:       pair-beta
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Same name as in Pair Alpha, also unguarded.
function shop_format_price( $amount ) {
	return '€' . number_format( (float) $amount, 2 );
}

add_filter( 'the_content', static function ( $content ) {
	return $content . '<!-- pair-beta: ' . esc_html( shop_format_price( 10 ) ) . ' -->';
} );
