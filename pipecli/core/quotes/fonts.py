"""Which font a quote's PDF is set in, so that Chinese names, addresses and the ¥ sign print.

In order: `[company] font = PATH` in config.toml (a .ttf/.otf/.ttc; `font_index` picks a face of
a collection); else a CJK-capable font fontconfig knows (`fc-match 'sans-serif:lang=zh-cn'`);
else the usual font folders (Noto CJK, WenQuanYi, Droid Sans Fallback, the macOS and Windows
CJK fonts); else the PDF core font Helvetica (Latin-1 only). The first candidate whose
character map holds every character of the document is used; when none does, the quote is
refused with the character and the package that provides such a font.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipecli.core.errors import Invalid, PipeError

INSTALL_HINT = (
    "install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk; Homebrew: "
    "brew install --cask font-noto-sans-cjk) or set [company] font = PATH in config.toml"
)
FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)
NAMES = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "PingFang.ttc",
    "Hiragino Sans GB.ttc",
    "Arial Unicode.ttf",
    "msyh.ttc",
    "simsun.ttc",
)
CORE = "helvetica"


class FontMissing(PipeError):
    """No available font can show a character the document needs (exit 1)."""


@dataclass(frozen=True)
class Font:
    path: Path | None  # None: the core font
    index: int = 0

    @property
    def name(self) -> str:
        return self.path.name if self.path else CORE


@cache
def _cmap(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # not a font fontTools can read: no characters
        return frozenset()


def missing(font: Font, text: str) -> list[str]:
    """The characters of `text` (other than line breaks) that `font` cannot show."""
    chars = sorted({c for c in text if c not in "\r\n\t"})
    if font.path is None:
        return [c for c in chars if ord(c) > 0xFF]
    cmap = _cmap(font.path, font.index)
    return [c for c in chars if ord(c) not in cmap]


def _fc_match() -> Font | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-f", "%{file}\n%{index}", "sans-serif:lang=zh-cn"],
            capture_output=True, text=True, timeout=10, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = done.stdout.splitlines()
    if done.returncode != 0 or not parts or not Path(parts[0]).is_file():
        return None
    index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return Font(Path(parts[0]), index)


def _in_folders() -> list[Font]:
    found = []
    for folder in FOLDERS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for name in NAMES:
            found += [Font(p) for p in sorted(root.rglob(name)) if p.is_file()]
    return found


def configured(company: dict[str, object]) -> Font | None:
    value = company.get("font")
    if not value:
        return None
    path = Path(os.path.expanduser(str(value)))
    if not path.is_file():
        raise Invalid("company.font", str(value), "is not a font file")
    index = company.get("font_index", 0)
    return Font(path, index if isinstance(index, int) else 0)


def choose(company: dict[str, object], text: str) -> Font:
    """The font the document is set in (see the module docstring); FontMissing if none fits."""
    own = configured(company)
    if own is not None:
        candidates = [own]
    else:
        fc = _fc_match()
        candidates = [*([fc] if fc else []), *_in_folders(), Font(None)]
    for font in candidates:
        if not missing(font, text):
            return font
    lacking = missing(candidates[0], text)
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in lacking[:3])
    names = ", ".join(dict.fromkeys(f.name for f in candidates))
    raise FontMissing(f"pdf: no font here shows {shown} (tried {names}); {INSTALL_HINT}")
