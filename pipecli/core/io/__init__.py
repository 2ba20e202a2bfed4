"""Reading and writing record files (CSV/TSV, JSON, JSON Lines, Excel); no database access here."""
