<?php
/*
Plugin Name: Akismet Anti-Spam
Version: 5.0.3
*/
// Half-unpacked: the update stopped here.
