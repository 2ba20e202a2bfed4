"""The board's screens: board, deal, tasks, reports, help and the small modal forms."""
