import ArgumentParser
import WPRescueKit

public struct WPRescueCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wprescue",
        abstract: "Bring a broken WordPress site back, over SFTP or on the local disk, and undo anything it did.",
        subcommands: []
    )

    public init() {}
}
