"""Business rules: one module per kind or concern, each `fn(ctx, ...)`; they raise PipeErrors
and never print or exit. Every front end calls these, so each rule lives in one place."""
