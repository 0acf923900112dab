import WPRescueCLI

WPRescueCommand.runFromCommandLine()
