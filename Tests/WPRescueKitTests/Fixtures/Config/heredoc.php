<?php
$greeting = <<<TEXT
    define('WP_DEBUG', true); inside a heredoc is text, not code
    TEXT;
define( 'MY_NOWDOC', <<<'RAW'
    line one; with // slashes
      line two ); still text
    RAW );
define( 'MY_HEREDOC', <<<"END"
Tab\there and \$dollar
END
);
define( 'MY_TEMPLATE', <<<HTML
  <p>{$greeting}</p>
  HTML );
define( 'WP_DEBUG', false );
/* That's all, stop editing! */
require_once __DIR__ . '/wp-settings.php';
