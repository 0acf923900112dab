<?php
// Builds an ordinary wp-config.php from the wp-config-sample.php that ships with the
// WordPress under test, the same way WordPress's own setup-config.php does it: every
// placeholder line of the sample is replaced, everything else is kept verbatim. That
// keeps the comments, the "That's all, stop editing!" marker and the layout identical
// to what a normal hosting install looks like.
//
// Usage: php make-wp-config.php SAMPLE DB_NAME DB_USER DB_HOST > wp-config.php
// The database password is read from standard input so it never appears in argv.

if ($argc !== 5) {
    fwrite(STDERR, "usage: make-wp-config.php SAMPLE DB_NAME DB_USER DB_HOST < password\n");
    exit(2);
}
[, $samplePath, $dbName, $dbUser, $dbHost] = $argv;
$dbPassword = rtrim((string) stream_get_contents(STDIN), "\r\n");
$sample = file($samplePath);
if ($sample === false) {
    fwrite(STDERR, "cannot read $samplePath\n");
    exit(1);
}

// Same alphabet as wp_generate_password(64, true, true) minus the quote and the
// backslash, so the salts need no escaping inside single-quoted PHP strings.
function salt(): string
{
    $alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
        . '!@#$%^&*()-_ []{}<>~`+=,.;:/?|';
    $salt = '';
    for ($i = 0; $i < 64; $i++) {
        $salt .= $alphabet[random_int(0, strlen($alphabet) - 1)];
    }
    return $salt;
}

$values = [
    'DB_NAME' => $dbName,
    'DB_USER' => $dbUser,
    'DB_PASSWORD' => $dbPassword,
    'DB_HOST' => $dbHost,
    // setup-config.php switches to utf8mb4 when the server supports it; MariaDB does.
    'DB_CHARSET' => 'utf8mb4',
];
$saltNames = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
    'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];
$replaced = [];

foreach ($sample as $number => $line) {
    if (!preg_match('/^define\(\s*\'([A-Z_]+)\',(\s*)\'.*\'\s*\);/', $line, $match)) {
        continue;
    }
    $name = $match[1];
    if (isset($values[$name])) {
        $value = $values[$name];
    } elseif (in_array($name, $saltNames, true)) {
        $value = salt();
    } else {
        continue;
    }
    // Keep the sample's own alignment, as setup-config.php does.
    $sample[$number] = "define( '" . $name . "'," . $match[2] . "'" . addcslashes($value, "\\'") . "' );\r\n";
    $replaced[$name] = true;
}

$missing = array_diff(array_merge(array_keys($values), $saltNames), array_keys($replaced));
if ($missing !== []) {
    fwrite(STDERR, 'wp-config-sample.php has no line for: ' . implode(', ', $missing) . "\n");
    exit(1);
}
// WordPress's installer ends replaced lines with "\r\n" and copies the rest of the
// sample as it is (Debian's sample uses CRLF throughout), so a web-installed
// wp-config.php has Windows line endings: kept on purpose, tools must cope with it.
echo implode('', $sample);
