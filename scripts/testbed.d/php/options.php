<?php
// Reads and edits rows of the wp_options table directly with mysqli, without loading
// WordPress: once a broken plugin or theme is active, loading WordPress would die the
// same way the site does, so fault injection must not depend on it.
//
// Usage: php options.php SOCKET DB_NAME DB_USER PASSWORD_FILE TABLE_PREFIX COMMAND [ARGS...]
//   activate PLUGIN_FILE...    add plugins (e.g. hello.php, foo/foo.php) to active_plugins
//   deactivate PLUGIN_FILE...  remove them from active_plugins
//   active                     print active_plugins, one per line
//   set NAME VALUE [NAME VALUE...]  set plain string options (e.g. template, stylesheet)
//   get NAME                   print one option's raw value

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

if ($argc < 7) {
    fwrite(STDERR, "usage: options.php SOCKET DB_NAME DB_USER PASSWORD_FILE TABLE_PREFIX COMMAND [ARGS...]\n");
    exit(2);
}
[, $socket, $dbName, $dbUser, $passwordFile, $prefix, $command] = $argv;
$arguments = array_slice($argv, 7);

$password = rtrim((string) file_get_contents($passwordFile), "\r\n");
$db = new mysqli('localhost', $dbUser, $password, $dbName, 0, $socket);
$db->set_charset('utf8mb4');
$table = $prefix . 'options';

function read_option(mysqli $db, string $table, string $name): ?string
{
    $statement = $db->prepare("SELECT option_value FROM `$table` WHERE option_name = ?");
    $statement->bind_param('s', $name);
    $statement->execute();
    $row = $statement->get_result()->fetch_row();
    return $row === null ? null : $row[0];
}

function write_option(mysqli $db, string $table, string $name, string $value): void
{
    $statement = $db->prepare(
        "INSERT INTO `$table` (option_name, option_value, autoload) VALUES (?, ?, 'yes') "
        . 'ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)'
    );
    $statement->bind_param('ss', $name, $value);
    $statement->execute();
}

function active_plugins(mysqli $db, string $table): array
{
    $raw = read_option($db, $table, 'active_plugins');
    $plugins = $raw === null ? [] : unserialize($raw, ['allowed_classes' => false]);
    return is_array($plugins) ? array_values($plugins) : [];
}

switch ($command) {
    case 'activate':
    case 'deactivate':
        $plugins = active_plugins($db, $table);
        $plugins = $command === 'activate'
            ? array_unique(array_merge($plugins, $arguments))
            : array_diff($plugins, $arguments);
        // activate_plugin() keeps the list sorted; do the same.
        sort($plugins);
        write_option($db, $table, 'active_plugins', serialize(array_values($plugins)));
        break;
    case 'active':
        foreach (active_plugins($db, $table) as $plugin) {
            echo $plugin, "\n";
        }
        break;
    case 'set':
        if (count($arguments) === 0 || count($arguments) % 2 !== 0) {
            fwrite(STDERR, "set needs NAME VALUE pairs\n");
            exit(2);
        }
        foreach (array_chunk($arguments, 2) as [$name, $value]) {
            write_option($db, $table, $name, $value);
        }
        break;
    case 'get':
        $value = read_option($db, $table, $arguments[0] ?? '');
        if ($value === null) {
            exit(1);
        }
        echo $value, "\n";
        break;
    default:
        fwrite(STDERR, "unknown command: $command\n");
        exit(2);
}
