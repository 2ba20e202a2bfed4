"""Widgets of the board: the virtualised stage column."""
