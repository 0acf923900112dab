import ArgumentParser
import WPRescueKit

struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List, disable and enable themes.",
        discussion: "Disabling moves a theme into wp-content/wprescue-quarantine/themes; enabling moves it back.",
        subcommands: [List.self, Disable.self, Enable.self]
    )

    struct Selection: ParsableArguments {
        @Argument(help: "Theme slugs (folder names).")
        var slugs: [String] = []

        @Flag(name: .long, help: "Every theme that is in the other state.")
        var all = false

        func validate() throws {
            if all == !slugs.isEmpty { throw ValidationError("Name at least one theme, or use --all (not both).") }
        }

        func choose(from available: [Extension]) throws -> [Extension] {
            all ? available : try ExtensionSwitch.select(slugs, from: available, kindName: "theme")
        }
    }

    struct List: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "List themes: slug, name, version, state.")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            try ExtensionSwitchRunner(context: context, site: site).list(try site.catalog.extensions(of: .theme), key: "themes")
        }
    }

    struct Disable: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Disable themes by moving them into the quarantine folder.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection

        func execute(_ context: CommandContext) throws { try ThemesCommand.switchThemes(.disable, selection, context) }
    }

    struct Enable: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Enable themes by moving them back from the quarantine folder.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection

        func execute(_ context: CommandContext) throws { try ThemesCommand.switchThemes(.enable, selection, context) }
    }

    /// `disable` and `enable`: the same selection, opposite directions.
    static func switchThemes(_ direction: ExtensionSwitch.Direction, _ selection: Selection, _ context: CommandContext) throws {
        let site = try context.site()
        let chosen = try selection.choose(from: try site.catalog.extensions(of: .theme))
        try ExtensionSwitchRunner(context: context, site: site).run(direction, selected: chosen)
    }
}
