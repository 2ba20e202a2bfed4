"""Settings: where the database is, who the user is, and the defaults that shape input.

Precedence for the database: `--db` > `PIPE_DB` > `[database] url` in config.toml > the XDG data dir
(platformdirs). The config file lives in the XDG config dir, or wherever `PIPE_CONFIG` points.
Reading settings is cheap (tomllib, no SQLAlchemy), so `pipe --help` stays fast.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path

from pipecli.core.errors import Invalid

APP_NAME = "pipecli"
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know before it touches the database."""

    db_url: str
    user_name: str
    user_email: str | None = None
    currency: str = DEFAULT_CURRENCY
    fiscal_year_start: int = 1
    config_path: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)
    timezone: str | None = None  # [user] timezone, an IANA name; None: the system's zone
    user_source: str = "login name"  # where user_name came from (`pipe whoami`)
    decimal: str | None = None  # [defaults] decimal: "," or ".", settles typed `1.500`

    def with_db(self, db: str | None) -> Settings:
        return self if not db else replace(self, db_url=normalize_db_url(db))


def config_path() -> Path:
    env = os.environ.get("PIPE_CONFIG")
    if env:
        return Path(env).expanduser()
    _need_home("PIPE_CONFIG", "the config file", "XDG_CONFIG_HOME")
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def default_db_path() -> Path:
    _need_home("PIPE_DB", "the database", "XDG_DATA_HOME")
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "pipe.db"


def normalize_db_url(value: str) -> str:
    """A bare path becomes a SQLite URL; `postgresql://` gets the psycopg 3 driver.

    Paths are paths: everything after `sqlite:///` is the file's path as written (`#`, `?`, `%`,
    spaces, non-ASCII kept; `~` expanded), never parsed as a query or percent-decoded. A server
    URL whose password holds an unescaped `@` or `:` is read with the host after the last `@`
    and the password after the first `:` of what precedes it; one that still does not parse is
    refused without showing the password."""
    value = value.strip()
    if "\x00" in value:
        raise Invalid("database", redact(value), "must not contain the character U+0000 (NUL)")
    if "://" not in value:
        return "sqlite:///" + str(_abs(value))
    scheme = value.split("://", 1)[0].lower()
    if scheme.startswith("sqlite"):
        path = sqlite_file(value)
        return "sqlite:///" + str(path) if path is not None else value
    if scheme in ("postgresql", "postgres"):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return _server_url(value)


def _abs(path: str) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise Invalid("database", path, f"is not a usable path ({exc})") from None


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, exactly as written after `sqlite:///` (`~` expanded, made
    absolute); None for another backend or an in-memory database."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.lower().startswith("sqlite"):
        return None
    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        return None
    path = rest[1:]
    if path.startswith("file:"):
        return None
    return _abs(path)


_HOST = re.compile(r"(?:[\w.\-]*|\[[0-9A-Fa-f:.]+\])(?::\d*)?")


def _server_url(value: str) -> str:
    """`value` with its user and password re-encoded, so that SQLAlchemy reads them right."""
    from urllib.parse import unquote

    from sqlalchemy.engine import make_url

    scheme, rest = value.split("://", 1)
    at = _credentials_end(rest)
    try:
        if at is None:
            return make_url(value).render_as_string(hide_password=False)
        user, _, password = rest[:at].partition(":")
        url = make_url(f"{scheme}://{rest[at + 1 :]}")
        url = url.set(username=unquote(user) or None, password=unquote(password) or None)
        return url.render_as_string(hide_password=False)
    except Exception as exc:
        reason = str(exc).replace(value, redact(value))
        raise Invalid("database", redact(value), f"is not a database URL ({reason})") from None


def _credentials_end(rest: str) -> int | None:
    """Index of the `@` that ends the user and password: the last one followed by a valid
    host[:port] (up to the next `/` or `?`)."""
    positions = [i for i, ch in enumerate(rest) if ch == "@"]
    for i in reversed(positions):
        host = re.split(r"[/?]", rest[i + 1 :], maxsplit=1)[0]
        if _HOST.fullmatch(host):
            return i
    return positions[-1] if positions else None


def redact(url: str) -> str:
    """`url` with any password replaced by ***, for messages (never raises)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    at = _credentials_end(rest)
    if at is None:
        return url
    user, colon, _ = rest[:at].partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{rest[at + 1 :]}"


def scrub(text: str, url: str) -> str:
    """`text` (an error message) with the password of `url`, in any form, replaced by ***."""
    from urllib.parse import quote, unquote

    _scheme, sep, rest = url.partition("://")
    at = _credentials_end(rest) if sep else None
    if at is None:
        return text
    password = rest[:at].partition(":")[2]
    for form in {password, unquote(password), quote(unquote(password), safe="")}:
        if form:
            text = text.replace(form, "***")
    return text


def _read_toml(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid("config", str(path), f"is not valid TOML ({exc})") from exc


def _section(data: dict[str, object], name: str) -> dict[str, object]:
    value = data.get(name, {})
    return value if isinstance(value, dict) else {}


def load_settings(db: str | None = None) -> Settings:
    """Read environment and config file; `db` is the `--db` option when given."""
    path = config_path()
    data = _read_toml(path)
    database, user, defaults = (_section(data, n) for n in ("database", "user", "defaults"))
    url = db or os.environ.get("PIPE_DB") or str(database.get("url") or "")
    url = normalize_db_url(url) if url else "sqlite:///" + str(default_db_path())
    if os.environ.get("PIPE_USER"):
        name, source = os.environ["PIPE_USER"], "PIPE_USER"
    elif user.get("name"):
        name, source = str(user["name"]), f"[user] name in {path}"
    else:
        name, source = _login_name(), "login name"
    fiscal = defaults.get("fiscal_year_start", 1)
    if not isinstance(fiscal, int) or not 1 <= fiscal <= 12:
        raise Invalid("fiscal_year_start", fiscal, "must be a month number from 1 to 12")
    currency = str(defaults.get("currency") or DEFAULT_CURRENCY).upper()
    from pipecli.core.money import check_decimal

    decimal = check_decimal(defaults.get("decimal"), field="[defaults] decimal")  # type: ignore[arg-type]
    email = user.get("email")
    tz = check_timezone(user.get("timezone"))
    return Settings(
        db_url=url,
        user_name=name,
        user_email=str(email) if email else None,
        user_source=source,
        currency=currency,
        fiscal_year_start=fiscal,
        config_path=path,
        extra=data,
        timezone=tz,
        decimal=decimal,
    )


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "me"


def _need_home(variable: str, what: str, xdg: str) -> None:
    """Without HOME (cron, `env -i`) the XDG paths are guesses: ask for the variable instead."""
    if not os.environ.get("HOME") and not os.environ.get(xdg):
        raise Invalid(variable, None, f"must be set: HOME is not set, so {what} cannot be found")


def check_timezone(value: object) -> str | None:
    """`[user] timezone`: an IANA zone name (Asia/Shanghai), or None when not configured."""
    if value in (None, ""):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", value, "is not an IANA time zone (e.g. Asia/Shanghai)") from None
    return str(value)


def zone(settings: Settings) -> tzinfo | None:
    """The user's configured zone; None means the system's (what `astimezone()` uses)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.timezone) if settings.timezone else None
