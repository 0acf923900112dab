<?php
// Stand-in for oscarotero/env 2: an environment variable with "true", "false", "null" and
// digits converted and one pair of surrounding quotes stripped, as the options say.

namespace Env;

class Env
{
    public const CONVERT_BOOL = 1;
    public const CONVERT_NULL = 2;
    public const CONVERT_INT = 4;
    public const STRIP_QUOTES = 8;
    public const USE_ENV_ARRAY = 16;

    public static $options = 15;
    public static $default = null;

    public static function get(string $name)
    {
        if (self::$options & self::USE_ENV_ARRAY) {
            $value = $_ENV[$name] ?? false;
        } else {
            $value = getenv($name);
        }
        if ($value === false) {
            return self::$default;
        }
        return self::convert($value);
    }

    public static function convert(string $value)
    {
        switch (strtolower($value)) {
            case 'true':
                return self::$options & self::CONVERT_BOOL ? true : $value;
            case 'false':
                return self::$options & self::CONVERT_BOOL ? false : $value;
            case 'null':
                return self::$options & self::CONVERT_NULL ? null : $value;
        }
        if ((self::$options & self::CONVERT_INT) && ctype_digit($value)) {
            return (int) $value;
        }
        if ((self::$options & self::STRIP_QUOTES) && !empty($value)) {
            $first = $value[0];
            if (($first === '"' || $first === "'") && strlen($value) > 1 && substr($value, -1) === $first) {
                return substr($value, 1, -1);
            }
        }
        return $value;
    }
}
