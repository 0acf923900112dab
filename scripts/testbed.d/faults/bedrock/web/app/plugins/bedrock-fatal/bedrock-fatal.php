<?php
/**
 * Plugin Name:       Bedrock Fatal
 * Description:       Test-bed fault for the Bedrock variant: calls a function that does not exist on every load.
 * Version:           1.0.0
 * Author:            wprescue test bed
 * License:           GPL-2.0-or-later
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Like a plugin installed by Composer without the package it depends on.
bedrock_fatal_missing_dependency_bootstrap();
