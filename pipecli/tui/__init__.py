"""`pipe board`: the Textual front end. It opens the store through core.workspace and calls the
same core services as the CLI, in thread workers; no SQL here (ruff banned-api)."""
