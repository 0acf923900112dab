<?php
// Test-bed stand-in for Composer's autoloader: the few classes and the function a Bedrock
// project's config needs (see scripts/testbed.d/README.md). A real project has the packages.
require_once __DIR__ . '/vlucas/phpdotenv/src/Dotenv.php';
require_once __DIR__ . '/oscarotero/env/src/Env.php';
require_once __DIR__ . '/oscarotero/env/src/env_function.php';
require_once __DIR__ . '/roots/wp-config/src/Config.php';
require_once __DIR__ . '/roots/bedrock-autoloader/src/Autoloader.php';
