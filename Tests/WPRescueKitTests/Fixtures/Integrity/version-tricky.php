<?php
// $wp_version = '1.0'; a comment is not an assignment
/* $wp_version = '2.0'; */
if ( false ) { $wp_version = '3.0'; }
$wp_version_note = 'not the version';
$wp_version = "6.2.1";
$wp_version = '9.9';
