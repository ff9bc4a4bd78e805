"""`python -m stigg_emulator`."""

from stigg_emulator.cli import main

main()
