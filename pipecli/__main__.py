"""`python -m pipecli` runs the same CLI as the `pipe` console script."""

from pipecli.main import main

main()
