"""The two text rules in pipecli.core.text, and outfiles' checks, on their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipecli.core.config import Settings
from pipecli.core.errors import Invalid
from pipecli.core.outfiles import check_target, write_text
from pipecli.core.text import check_field, check_text, printable
from tests.safety.hostile import EVIL, EVIL_PARTS, assert_inert


@pytest.mark.parametrize("part", EVIL_PARTS)
def test_printable_makes_every_part_inert(part: str) -> None:
    shown = printable(f"a{EVIL_PARTS[part]}b")
    assert_inert(shown, part)
    assert shown.startswith("a") and shown.endswith("b") and len(shown) > 2


def test_printable_keeps_ordinary_text_and_lines_when_asked() -> None:
    text = "Ünïcødé 客户 [bold]x[/] = 1\tand\nmore"
    assert printable(text, keep_lines=True) == text
    assert printable("a\tb\nc") == "a␉b␊c"
    assert printable("\x1b[2J") == "␛[2J"
    assert printable("\x9b") == "\\x9b"
    assert printable("\u202e") == "<U+202E>"
    assert_inert(printable(EVIL))


def test_check_text_names_the_field_and_the_character() -> None:
    with pytest.raises(Invalid, match=r"title: must not contain the character U\+001B \(ESC\)"):
        check_text("title", "a\x1bb")
    # a bidi mark first does not hide a control character after it
    with pytest.raises(Invalid, match="U\\+0007"):
        check_text("title", "\u202eabc\x07")
    assert check_text("title", "rtl \u202eabc") == "rtl \u202eabc"
    with pytest.raises(Invalid, match="501 characters long; at most 500"):
        check_text("title", "x" * 501)


def test_check_field_limits_and_lines() -> None:
    assert check_field("notes", "a\tb\r\nc") == "a\tb\r\nc"
    with pytest.raises(Invalid, match="U\\+000D"):
        check_field("notes", "a\rb")
    with pytest.raises(Invalid, match="at most 64"):
        check_field("tag", "t" * 65)
    with pytest.raises(Invalid, match="at most 254"):
        check_field("email", "e" * 255)
    with pytest.raises(Invalid, match="U\\+000A"):
        check_field("name", "a\nb")


def test_check_target_and_atomic_writes(tmp_path: Path) -> None:
    db = tmp_path / "a#b ?%é" / "pipe.db"
    db.parent.mkdir()
    db.write_bytes(b"x")
    config = tmp_path / "config.toml"
    settings = Settings(db_url=f"sqlite:///{db}", user_name="Ann", config_path=config)
    for bad in (db, Path(f"{db}-wal"), Path(f"{db}-journal"), config, tmp_path):
        with pytest.raises(Invalid):
            check_target(bad, settings)
    with pytest.raises(Invalid, match="--mkdir"):
        check_target(tmp_path / "new" / "x.csv", settings)
    target = check_target(tmp_path / "new" / "x.csv", settings, mkdir=True)
    write_text(target, "one")
    write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["x.csv"]
