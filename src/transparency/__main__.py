from transparency.cli.main import main

main()
