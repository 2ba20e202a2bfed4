"""Reports: SQL aggregates over the deal history, turned into frozen dataclasses by pure functions.

Each report module has a `build(ctx, ...)` that runs GROUP BY queries (scope.py builds the shared
"deals as of a date" subquery from StageChange snapshots) and a pure function that turns the few
aggregate rows into the report's frozen dataclass. Front ends draw the dataclass; JSON and CSV
are the dataclass's own field names (see each module's docstring and the README).
"""
