from govkit.cli.entry import main

main()
