import WPRescueCLI

WPRescueCommand.main()
