"""The CLI's commands: one module per group, each thin (parse -> one service call -> render -> exit
code); options.py declares every option once."""
