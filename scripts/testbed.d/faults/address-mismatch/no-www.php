<?php
/**
 * Plugin Name: No www (test bed)
 * Description: Test-bed fault, part of address-loop: stands for the host's "drop www" rule (a server block, .htaccess line or CDN page rule): any request for www.<host> is sent to <host> with a 301, before WordPress looks at it. With WordPress's home on www, WordPress sends visitors back to www, and round it goes. Must-use, so it runs before WordPress redirects.
 */

if ( ! defined( 'ABSPATH' ) || 'cli' === PHP_SAPI ) {
	return;
}

$no_www_host = isset( $_SERVER['HTTP_HOST'] ) ? (string) $_SERVER['HTTP_HOST'] : '';
if ( 0 === strpos( $no_www_host, 'www.' ) ) {
	header( 'Location: http://' . substr( $no_www_host, 4 ) . ( $_SERVER['REQUEST_URI'] ?? '/' ), true, 301 );
	exit;
}
