from pygent.host.cli import main

main()
