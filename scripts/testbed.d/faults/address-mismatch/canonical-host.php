<?php
/**
 * Plugin Name: Canonical host (test bed)
 * Description: Test-bed fault, part of address-mismatch: stands for the host's own "one canonical host name" rule (what a server block, .htaccess or CDN page rule does for www → bare): any request for the host "localhost" is sent to 127.0.0.1 with a 301, before WordPress looks at it. A 301 turns a POST into a GET, so a login form posted to localhost never logs in. Must-use, so it runs before wp-login.php.
 */

if ( ! defined( 'ABSPATH' ) || 'cli' === PHP_SAPI ) {
	return;
}

$canonical_host = isset( $_SERVER['HTTP_HOST'] ) ? (string) $_SERVER['HTTP_HOST'] : '';
if ( 0 === strpos( $canonical_host, 'localhost:' ) || 'localhost' === $canonical_host ) {
	$canonical_port = (string) parse_url( 'http://' . $canonical_host, PHP_URL_PORT );
	header( 'Location: http://127.0.0.1' . ( '' === $canonical_port ? '' : ':' . $canonical_port ) . ( $_SERVER['REQUEST_URI'] ?? '/' ), true, 301 );
	exit;
}
