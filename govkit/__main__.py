from govkit.cli.main import main

main()
