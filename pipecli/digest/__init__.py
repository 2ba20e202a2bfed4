"""The cron front end: `pipe digest` builds today's sections from core services
(pipecli.core.services.digest, followups), formats them (text, Markdown, HTML, JSON), delivers
them by e-mail or chat once a day (the ledger in pipecli.core.services.digest_ledger), and
prints the crontab line and systemd timer that run it."""
