import ArgumentParser
import WPRescueKit

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List, disable and enable plugins (must-use plugins and drop-ins on request).",
        discussion: """
        Disabling moves a plugin into wp-content/wprescue-quarantine/, which WordPress never loads; \
        enabling moves it back. Nothing is ever deleted.
        """,
        subcommands: [List.self, Disable.self, Enable.self, Verify.self]
    )

    /// Which kinds a disable/enable may touch.
    struct KindOptions: ParsableArguments {
        @Flag(name: .long, help: "Include must-use plugins (wp-content/mu-plugins).")
        var mu = false

        @Flag(name: .long, help: "Include drop-ins (object-cache.php, advanced-cache.php, db.php, ...).")
        var dropins = false

        var kinds: Set<Extension.Kind> {
            var kinds: Set<Extension.Kind> = [.plugin]
            if mu { kinds.insert(.mustUse) }
            if dropins { kinds.insert(.dropIn) }
            return kinds
        }
    }

    struct Selection: ParsableArguments {
        @Argument(help: "Plugin slugs (folder name, or file name without .php).")
        var slugs: [String] = []

        @Flag(name: .long, help: "Every plugin (like renaming the plugins folder, but reversible one by one).")
        var all = false

        @Option(name: .long, parsing: .upToNextOption, help: "With --all: leave these alone.")
        var except: [String] = []

        func validate() throws {
            if all && !slugs.isEmpty { throw ValidationError("Name plugins or use --all, not both.") }
            if !all && slugs.isEmpty { throw ValidationError("Name at least one plugin, or use --all.") }
            if !except.isEmpty && !all { throw ValidationError("--except goes with --all.") }
        }

        func choose(from available: [Extension]) throws -> [Extension] {
            try SwitchExtensions.choose(slugs, all: all, except: except, from: available, kindName: "plugin")
        }
    }

    /// `bisect` ends with the same note.
    static let activeListNote = SwitchExtensions.activeListNote

    struct List: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "List plugins: slug, name, version, kind, state.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let items = try site.catalog.all(kinds: [.plugin, .mustUse, .dropIn])
            try ExtensionSwitchRunner(context: context, site: site).list(items, key: "plugins", active: SiteDatabase.activePlugins(context, site: site))
        }
    }

    struct Disable: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Disable plugins by moving them into the quarantine folder.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection
        @OptionGroup var kinds: KindOptions

        func execute(_ context: CommandContext) throws { try PluginsCommand.switchPlugins(.disable, selection, kinds, context) }
    }

    struct Enable: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Enable plugins by moving them back from the quarantine folder.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection
        @OptionGroup var kinds: KindOptions

        func execute(_ context: CommandContext) throws { try PluginsCommand.switchPlugins(.enable, selection, kinds, context) }
    }

    struct Verify: SiteCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare plugins with WordPress.org's checksums of their version: modified, missing and added files.",
            discussion: """
            Checksums come from $WPRESCUE_WPORG_DOWNLOADS/plugin-checksums/SLUG/VERSION.json (default \
            https://downloads.wordpress.org). A plugin WordPress.org does not know is said to be so. \
            Exit status 2 when a plugin differs.
            """)
        @OptionGroup var global: GlobalOptions

        @Argument(help: "Plugin slugs (default: every plugin, enabled or disabled).")
        var slugs: [String] = []

        @Flag(name: .long, help: "Also report changed, missing or added readme files.")
        var strict = false

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let available = try site.catalog.extensions(of: .plugin)
            let chosen = slugs.isEmpty ? available : try ExtensionSwitch.select(slugs, from: available, kindName: "plugin")
            let wordPressOrg = try CoreCommand.wordPressOrg()
            var results: [PluginIntegrity.Result] = []
            for plugin in chosen.sorted(by: { $0.slug < $1.slug }) {
                let result = try PluginIntegrity.verify(plugin, fileSystem: site.fileSystem, wordPressOrg: wordPressOrg, strict: strict)
                results.append(result)
                let version = result.version.map { " \($0)" } ?? ""
                switch result.status {
                case .verified:
                    context.console.line("\(plugin.slug)\(version): matches WordPress.org (\(result.verification?.filesChecked ?? 0) files)")
                case .modified:
                    context.console.line("\(plugin.slug)\(version): differs from WordPress.org")
                    if let report = result.verification { CoreCommand.show(report, console: context.console, indent: "  ") }
                case .notOnWordPressOrg, .notVerifiable:
                    context.console.line("\(plugin.slug)\(version): not verified: \(result.detail ?? "")")
                }
            }
            if results.contains(where: { $0.status == .modified }) {
                context.console.line("Reinstall a modified plugin from wordpress.org (same version), or restore it from a backup.")
            }
            try context.console.emit(json: ["plugins": results])
            if results.contains(where: { $0.status == .modified }) { throw ExitCode(2) }
        }
    }

    /// `disable` and `enable`: the same selection, opposite directions.
    static func switchPlugins(_ direction: ExtensionSwitch.Direction, _ selection: Selection, _ kinds: KindOptions,
                              _ context: CommandContext) throws {
        let site = try context.site()
        let chosen = try selection.choose(from: try site.catalog.all(kinds: kinds.kinds))
        try ExtensionSwitchRunner(context: context, site: site).run(direction, selected: chosen)
    }
}
