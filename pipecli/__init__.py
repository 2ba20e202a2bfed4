"""pipecli: a sales-pipeline CRM that lives in the terminal.

This module holds the version only and imports nothing, so `pipe --version` stays fast.
"""

__version__ = "0.1.0"
