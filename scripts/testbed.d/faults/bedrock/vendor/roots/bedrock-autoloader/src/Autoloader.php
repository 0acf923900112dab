<?php
// Stand-in for roots/bedrock-autoloader 1.0: loads the plugins in mu-plugins' subfolders
// (which WordPress itself ignores) from a list cached in the site option
// `bedrock_autoloader`, rebuilt when a listed file is gone or the folder count changes.

namespace Roots\Bedrock;

class Autoloader
{
    private static $instance;
    private $cache = [];
    private $count;
    private $relativePath;

    public function __construct()
    {
        if (isset(self::$instance)) {
            return;
        }
        self::$instance = $this;
        $this->relativePath = '/../' . basename(WPMU_PLUGIN_DIR);
        $this->loadPlugins();
    }

    public function loadPlugins(): void
    {
        $this->checkCache();
        $this->validatePlugins();
        $this->countPlugins();
        foreach (array_keys($this->cache['plugins']) as $plugin_file) {
            include_once WPMU_PLUGIN_DIR . '/' . $plugin_file;
        }
    }

    private function checkCache(): void
    {
        $cache = get_site_option('bedrock_autoloader');
        if ($cache === false || (isset($cache['plugins'], $cache['count']) && count($cache['plugins']) !== $cache['count'])) {
            $this->updateCache();
            return;
        }
        $this->cache = $cache;
    }

    private function updateCache(): void
    {
        require_once ABSPATH . 'wp-admin/includes/plugin.php';
        $plugins = array_diff_key(get_plugins($this->relativePath), get_mu_plugins());
        $this->cache = ['plugins' => $plugins, 'count' => $this->countPlugins()];
        update_site_option('bedrock_autoloader', $this->cache);
    }

    private function validatePlugins(): void
    {
        foreach (array_keys($this->cache['plugins']) as $plugin_file) {
            if (!file_exists(WPMU_PLUGIN_DIR . '/' . $plugin_file)) {
                $this->updateCache();
                break;
            }
        }
    }

    private function countPlugins(): int
    {
        if (isset($this->count)) {
            return $this->count;
        }
        $count = count(glob(WPMU_PLUGIN_DIR . '/*/', GLOB_ONLYDIR | GLOB_NOSORT));
        $this->count = $count;
        if (!isset($this->cache['count']) || $count !== $this->cache['count']) {
            $this->updateCache();
        }
        return $this->count;
    }
}
