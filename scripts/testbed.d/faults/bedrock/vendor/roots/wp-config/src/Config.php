<?php
// Stand-in for roots/wp-config 1.0: values recorded by define() (the last one wins) and made
// constants by apply(); redefining a constant already defined with PHP's define() throws.

namespace Roots\WPConfig\Exceptions;

class ConstantAlreadyDefinedException extends \RuntimeException
{
}

class UndefinedConfigKeyException extends \RuntimeException
{
}

namespace Roots\WPConfig;

use Roots\WPConfig\Exceptions\ConstantAlreadyDefinedException;
use Roots\WPConfig\Exceptions\UndefinedConfigKeyException;

class Config
{
    protected static $configMap = [];

    public static function define(string $key, $value): void
    {
        self::defined($key) or self::$configMap[$key] = $value;
    }

    public static function get(string $key)
    {
        if (!array_key_exists($key, self::$configMap)) {
            $class = self::class;
            throw new UndefinedConfigKeyException("'$key' has not been defined. Use `$class::define('$key', ...)`.");
        }
        return self::$configMap[$key];
    }

    public static function remove(string $key): void
    {
        unset(self::$configMap[$key]);
    }

    public static function apply(): void
    {
        // Check everything first, so that a refused map is not half applied.
        foreach (self::$configMap as $key => $value) {
            try {
                self::defined($key);
            } catch (ConstantAlreadyDefinedException $e) {
                if (constant($key) !== $value) {
                    throw $e;
                }
            }
        }
        foreach (self::$configMap as $key => $value) {
            defined($key) or define($key, $value);
        }
    }

    protected static function defined(string $key): bool
    {
        if (defined($key)) {
            $message = "Aborted trying to redefine constant '$key'. `define('$key', ...)` has already been occurred elsewhere.";
            throw new ConstantAlreadyDefinedException($message);
        }
        return false;
    }
}
