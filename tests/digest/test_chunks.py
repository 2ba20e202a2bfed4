"""Splitting a long chat digest: pieces within the limit, cut at line breaks, nothing lost."""

from __future__ import annotations

from pipecli.digest.deliver import chunks


def test_pieces_fit_and_keep_every_line() -> None:
    body = "\n".join(f"line {n:03d} " + "x" * (n % 50) for n in range(300))
    parts = chunks(body, 500)
    assert all(len(p) <= 500 for p in parts) and len(parts) > 10
    assert "\n".join(parts) == body


def test_a_line_longer_than_the_limit_is_cut_where_it_must() -> None:
    parts = chunks("short\n" + "y" * 25 + "\nend", 10)
    assert parts == ["short", "y" * 10, "y" * 10, "y" * 5 + "\nend"]
    assert all(len(p) <= 10 for p in parts)
