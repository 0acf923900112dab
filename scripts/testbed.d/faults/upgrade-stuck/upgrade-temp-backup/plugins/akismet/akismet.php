<?php
/*
Plugin Name: Akismet Anti-Spam
Version: 5.0.2
*/
// The copy WordPress keeps while it updates a plugin; left behind when the update died.
