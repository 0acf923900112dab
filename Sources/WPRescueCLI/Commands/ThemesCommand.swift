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

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let themes = try site.catalog.extensions(of: .theme)
            let chosen = try selection.choose(from: themes)
            try ExtensionSwitchRunner(context: context, site: site)
                .run(.disable, selected: chosen, noun: "themes", notes: ThemesCommand.fallbackNotes(disabling: chosen, all: themes))
        }
    }

    struct Enable: SiteCommand {
        static let configuration = CommandConfiguration(abstract: "Enable themes by moving them back from the quarantine folder.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection

        func execute(_ context: CommandContext) throws {
            let site = try context.site()
            let chosen = try selection.choose(from: try site.catalog.extensions(of: .theme))
            try ExtensionSwitchRunner(context: context, site: site).run(.enable, selected: chosen, noun: "themes", notes: [])
        }
    }

    /// What a person should know before the active theme disappears.
    static func fallbackNotes(disabling chosen: [Extension], all themes: [Extension]) -> [String] {
        let leaving = Set(chosen.map(\.slug))
        let remaining = themes.filter { $0.state == .enabled && !leaving.contains($0.slug) }
        var notes = [
            "If a disabled theme is the active one, WordPress falls back to WP_DEFAULT_THEME or the newest "
                + "bundled Twenty* theme when wp-admin's Appearance screen is opened, and that switch is permanent.",
        ]
        if !remaining.contains(where: { $0.slug.hasPrefix("twenty") }) {
            notes.append("WARNING: no bundled Twenty* theme remains installed, so WordPress has no theme to fall back to; "
                + "install one (e.g. twentytwentythree) or enable a theme again.")
        }
        for child in remaining where child.parentTheme.map(leaving.contains) == true {
            notes.append("WARNING: \(child.slug) is a child theme of a disabled theme and breaks without it.")
        }
        return notes
    }
}
