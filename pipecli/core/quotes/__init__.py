"""Quotes without a database: the totals rules (totals.py) and the documents (documents.py).

Services (pipecli.core.services.quotes) load and store; everything here is pure, so the maths
is golden- and property-tested on its own and the documents show exactly what `show` prints.
"""
