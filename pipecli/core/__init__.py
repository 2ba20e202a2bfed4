"""The headless core: the store and every business rule.

Nothing here imports a front end (typer, textual, rich, pipecli.commands, pipecli.tui,
pipecli.render); tests/test_import_hygiene.py holds that line.
"""
