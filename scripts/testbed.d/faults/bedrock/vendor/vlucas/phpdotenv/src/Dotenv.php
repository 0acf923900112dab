<?php
// Stand-in for vlucas/phpdotenv 5's Dotenv::createImmutable(...)->load()/required(): the same
// reading rules (export, quotes, # comments, escapes in double quotes, ${NAME} expansion,
// multi-line double-quoted values), written to $_ENV and $_SERVER; a variable the environment
// already has is never replaced, one loaded from these files may be by a later line.

namespace Dotenv;

class Dotenv
{
    private $files;
    private $loaded = [];

    private function __construct(array $files)
    {
        $this->files = $files;
    }

    public static function createImmutable($paths, $names = null, bool $shortCircuit = true): self
    {
        $files = [];
        foreach ((array) $paths as $path) {
            foreach ((array) ($names ?? '.env') as $name) {
                $file = rtrim($path, '/') . '/' . $name;
                if (is_file($file)) {
                    $files[] = $file;
                    if ($shortCircuit) {
                        break 2;
                    }
                }
            }
        }
        return new self($files);
    }

    public function load(): array
    {
        $content = implode("\n", array_map('file_get_contents', $this->files));
        $result = [];
        foreach (self::entries(preg_split("/(\r\n|\n|\r)/", $content)) as $entry) {
            [$name, $value] = self::parseEntry($entry);
            if ($value === null) {
                continue;
            }
            $external = (isset($_SERVER[$name]) || isset($_ENV[$name])) && !isset($this->loaded[$name]);
            if ($external) {
                continue;
            }
            [$chars, $vars] = $value;
            foreach (array_reverse($vars) as $at) {
                $chars = substr($chars, 0, $at) . preg_replace_callback('/\A\$\{([a-zA-Z0-9_.]+)\}/', function ($m) {
                    return $_ENV[$m[1]] ?? $_SERVER[$m[1]] ?? $m[0];
                }, substr($chars, $at), 1);
            }
            $_ENV[$name] = $_SERVER[$name] = $chars;
            $this->loaded[$name] = true;
            $result[$name] = $chars;
        }
        return $result;
    }

    public function required(array $names): void
    {
        foreach ($names as $name) {
            if (!isset($_ENV[$name]) && !isset($_SERVER[$name])) {
                throw new \RuntimeException("One or more environment variables failed assertions: $name is missing.");
            }
        }
    }

    private static function entries(array $lines): array
    {
        $output = [];
        $buffer = null;
        foreach ($lines as $line) {
            if ($buffer === null && strpos($line, '="') !== false && !self::closes($line, true)) {
                $buffer = [$line];
                continue;
            }
            if ($buffer !== null) {
                $buffer[] = $line;
                if (self::closes($line, false)) {
                    $output[] = implode("\n", $buffer);
                    $buffer = null;
                }
                continue;
            }
            $trimmed = trim($line);
            if ($trimmed !== '' && $trimmed[0] !== '#') {
                $output[] = $line;
            }
        }
        return $output;
    }

    private static function closes(string $line, bool $started): bool
    {
        if ($line === '"') {
            return true;
        }
        $count = preg_match_all('/(?=([^\\\\]"))/', str_replace('\\\\', '', $line));
        return $started ? $count > 1 : $count >= 1;
    }

    private static function parseEntry(string $entry): array
    {
        if (strpos($entry, '=') === false) {
            return [trim($entry), null];
        }
        [$name, $raw] = array_map('trim', explode('=', $entry, 2));
        if (strlen($name) > 8 && substr($name, 0, 6) === 'export' && ctype_space($name[6])) {
            $name = ltrim(substr($name, 6));
        }
        if (strlen($name) > 2 && ($name[0] === '"' || $name[0] === "'") && substr($name, -1) === $name[0]) {
            $name = substr($name, 1, -1);
        }
        if (!preg_match('~\A[a-zA-Z0-9_.]+\z~', $name)) {
            throw new \RuntimeException("Failed to parse dotenv file. Encountered an invalid name at [$name].");
        }
        $chars = '';
        $vars = [];
        $state = 'initial';
        for ($i = 0, $n = strlen($raw); $i < $n && $state !== 'comment'; $i++) {
            $c = $raw[$i];
            switch ($state) {
                case 'initial':
                case 'unquoted':
                    if ($c === "'" && $state === 'initial') {
                        $state = 'single';
                    } elseif ($c === '"' && $state === 'initial') {
                        $state = 'double';
                    } elseif ($c === '#') {
                        $state = 'comment';
                    } elseif (ctype_space($c)) {
                        $state = 'whitespace';
                    } else {
                        if ($c === '$') {
                            $vars[] = strlen($chars);
                        }
                        $chars .= $c;
                        $state = 'unquoted';
                    }
                    break;
                case 'single':
                    if ($c === "'") {
                        $state = 'whitespace';
                    } else {
                        $chars .= $c;
                    }
                    break;
                case 'double':
                    if ($c === '"') {
                        $state = 'whitespace';
                    } elseif ($c === '\\') {
                        $state = 'escape';
                    } else {
                        if ($c === '$') {
                            $vars[] = strlen($chars);
                        }
                        $chars .= $c;
                    }
                    break;
                case 'escape':
                    $map = ['"' => '"', '\\' => '\\', '$' => '$', 'f' => "\f", 'n' => "\n", 'r' => "\r", 't' => "\t", 'v' => "\v"];
                    if (!isset($map[$c])) {
                        throw new \RuntimeException("Failed to parse dotenv file. Encountered an unexpected escape sequence at [$raw].");
                    }
                    $chars .= $map[$c];
                    $state = 'double';
                    break;
                case 'whitespace':
                    if ($c === '#') {
                        $state = 'comment';
                    } elseif (!ctype_space($c)) {
                        throw new \RuntimeException("Failed to parse dotenv file. Encountered unexpected whitespace at [$raw].");
                    }
                    break;
            }
        }
        if (in_array($state, ['single', 'double', 'escape'], true)) {
            throw new \RuntimeException("Failed to parse dotenv file. Encountered a missing closing quote at [$raw].");
        }
        return [$name, [$chars, $vars]];
    }
}
