"""Settings: defaults, then a settings file (--config, FAQBOT_CONFIG, else ./faqbot.yaml), then the environment.

Every setting has a key in the file and a variable in the environment; secrets exist only in
the environment and are refused in the file.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.engine.answering import Thresholds
from bot.engine.yamlsafe import Limits, YamlProblem, read_nodes
from bot.serving.database_settings import (
    ALLOWED_URLS,
    DURATIONS,
    USER_SALT,
    StoreConfigError,
    StoreSettings,
    default_url,
    parse_duration,
)
from bot.serving.flood import FloodRule

CONFIG_ENV = "FAQBOT_CONFIG"
CONFIG_FILE = "faqbot.yaml"  # found in the current directory when no other file is named
SECRET_WORDS = re.compile(r"token|secret|password|passwd|salt|api[_-]?key", re.IGNORECASE)
SECRET_ENV = {"slack": "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN", "discord": "DISCORD_TOKEN",
              "database": "FAQBOT_DB_URL (or PGPASSWORD)", "salt": "FAQBOT_USER_SALT"}
_ANY_SECRET_ENV = "the environment variable it belongs to: " + "; ".join(SECRET_ENV.values())


@dataclass(frozen=True)
class Config:
    faq: Path | None = None  # None: the FAQ that ships with faqbot
    index_cache: Path | None = None  # None: the user's cache directory (default_cache_dir)
    index_cache_off: bool = False  # index_cache: off
    language: str = "en"
    semantic: str = "auto"  # on: the semantic stage; auto: when its encoder can be imported; off: words alone
    thresholds: Thresholds = Thresholds()
    limits: Limits = Limits()
    channels: Mapping[str, frozenset[str]] = field(default_factory=dict)
    auto_answer: frozenset[str] = frozenset()  # channels whose new posts are answered when the FAQ has the answer
    flood: FloodRule = FloodRule()
    db_url: str | None = None  # None: the store's default
    store_text: bool = True
    retention_seconds: float | None = None  # None: keep everything
    log_level: str = "info"
    log_format: str = "text"
    log_bodies: bool = False
    host: str = "0.0.0.0"
    port: int = 3000
    status_port: int | None = None
    reload_watch: bool = True
    reload_interval: float = 2.0
    notify_slack: str | None = None
    notify_discord: str | None = None
    discord_sharded: bool = False
    discord_follow_ups: bool = False  # read follow-ups in threads: needs the Message Content intent
    discord_shard_count: int | None = None  # with shard ids: this process runs those shards of that many
    discord_shard_ids: tuple[int, ...] | None = None
    eval_cases: Path | None = None  # what `faqbot eval` scores when no file is named
    source: str = "defaults"  # where the settings came from, for messages
    notes: tuple[str, ...] = ()  # said, not refused: environment variables faqbot does not read

    def store_settings(self, environ: Mapping[str, str] = os.environ) -> StoreSettings:
        """The salt is a secret, so it comes from the environment only."""
        return StoreSettings(url=self.db_url or default_url(environ), keep_text=self.store_text,
                             retention_seconds=self.retention_seconds, user_salt=environ.get(USER_SALT) or None)


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- value parsers: each returns the value or raises ValueError saying what is allowed -----------

Parser = Callable[[Any], Any]


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None or str(value).strip() == "":
        raise ValueError("expected a non-empty text")
    return str(value).strip()


def _optional_text(value: Any) -> str | None:
    return None if value in (None, "") else _text(value)


def _discord_channel(value: Any) -> str | None:
    text = _optional_text(value)
    if text is not None and not text.isdigit():
        raise ValueError("use a Discord channel id, a number: turn on Developer Mode in Discord, then right-click "
                         "the channel → Copy Channel ID")
    return text


def _shard_ids(value: Any) -> tuple[int, ...] | None:
    """A list of shard numbers, in YAML or as text: "0,1,2" or "0-2"."""
    if value in (None, ""):
        return None
    parts = value if isinstance(value, list) else str(value).replace(" ", "").split(",")
    ids: list[int] = []
    for part in parts:
        text = str(part)
        low, _, high = text.partition("-") if not isinstance(part, int) else (text, "", "")
        if not low.isdigit() or (high and not high.isdigit()) or (high and int(high) < int(low)):
            raise ValueError('use shard numbers from 0, as a list or as text: "0,1,2" or "0-2"')
        ids.extend(range(int(low), int(high or low) + 1))
    return tuple(sorted(set(ids))) or None  # an empty list: no shards named, as if the setting were absent


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    words = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}
    if str(value).strip().lower() in words:
        return words[str(value).strip().lower()]
    raise ValueError("expected true or false")


def _number(kind: type, low: float, high: float | None = None, *, none: bool = False) -> Parser:
    def parse(value: Any) -> Any:
        if value in (None, "") and none:
            return None
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise ValueError(_range_text(kind, low, high))
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ValueError(_range_text(kind, low, high)) from None
        if (isinstance(number, float) and not math.isfinite(number)  # nan compares false with every bound
                or number < low or (high is not None and number > high)):
            raise ValueError(_range_text(kind, low, high))
        return number

    return parse


_port = _number(int, 0, 65535)


def port_argument(text: str) -> int:
    """argparse type for a platform's --port: what http.port allows."""
    try:
        return _port(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is no port: use a whole number from 0 to 65535") from None


def _range_text(kind: type, low: float, high: float | None) -> str:
    what = "a whole number" if kind is int else "a number"
    return f"expected {what} from {low} to {high}" if high is not None else f"expected {what} of at least {low}"


def _choice(*allowed: str) -> Parser:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in allowed:
            raise ValueError(f"use one of {', '.join(allowed)}")
        return text

    return parse


def _semantic(value: Any) -> str:
    # YAML reads an unquoted on/off as true/false
    return {True: "on", False: "off"}.get(value) if isinstance(value, bool) else _choice("auto", "on", "off")(value)


def _path(value: Any) -> Path:
    return Path(_text(value)).expanduser()


def _optional_path(value: Any) -> Path | None:
    return None if value in (None, "") else _path(value)


def cache_setting(value: Any) -> Path | bool | None:
    """A directory, False for "off" (YAML reads an unquoted off as false), None for the default."""
    if value in (None, ""):
        return None
    if value is False or (isinstance(value, str) and value.strip().lower() in ("off", "none")):
        return False
    return _path(value)


def default_cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """$XDG_CACHE_HOME/faqbot, else ~/.cache/faqbot; None when there is no home to put it in."""
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]) / "faqbot"
    try:
        return Path.home() / ".cache" / "faqbot"
    except (RuntimeError, KeyError):
        return None


def _duration(value: Any) -> float | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        return parse_duration(str(value), setting="")
    except StoreConfigError:
        raise ValueError(f"{DURATIONS}; or 0 to keep everything") from None


def _db_url(value: Any) -> str:
    url = _text(value)
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        raise ValueError(f"use {ALLOWED_URLS}")
    return url


def _channel_ids(value: Any) -> frozenset[str]:
    """Channel ids, as a list in the file or "C1,C2" in the environment."""
    if value in (None, ""):
        return frozenset()
    ids = value.split(",") if isinstance(value, str) else value
    if not isinstance(ids, list) or not all(isinstance(i, (str, int)) and str(i).strip() for i in ids):
        raise ValueError('expected channel ids, as a list or as "C1,C2"')
    return frozenset(str(i).strip() for i in ids if str(i).strip())


def _channels(value: Any) -> dict[str, frozenset[str]]:
    """A mapping channel id -> tags in the file; "C1=billing,azure;C2=rlhf" in the environment."""
    if value is None:
        return {}
    if isinstance(value, str):
        pairs = [p.partition("=") for p in value.split(";") if p.strip()]
        if any(not sep for _, sep, _ in pairs):
            raise ValueError('expected "CHANNEL=TAG,TAG;CHANNEL=TAG"')
        value = {channel: tags.split(",") for channel, _, tags in pairs}
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of channel id to a list of tags")
    scopes = {}
    for channel, tags in value.items():
        tags = [tags] if isinstance(tags, str) else tags
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and t.strip() for t in tags):
            raise ValueError(f"channel {channel}: expected a list of tags")
        scopes[str(channel).strip()] = frozenset(t.strip() for t in tags)
    return scopes


@dataclass(frozen=True)
class Setting:
    key: str  # as written in faqbot.yaml
    env: str
    parse: Parser
    apply: Callable[[Config, Any], Config]


def _field(name: str) -> Callable[[Config, Any], Config]:
    return lambda config, value: replace(config, **{name: value})


def _index_cache(config: Config, value: Path | bool | None) -> Config:
    return replace(config, index_cache=value or None, index_cache_off=value is False)


def _part(name: str, part: str) -> Callable[[Config, Any], Config]:
    return lambda config, value: replace(config, **{name: replace(getattr(config, name), **{part: value})})


SETTINGS = (
    Setting("faq", "FAQBOT_FAQ", _path, _field("faq")),
    Setting("index_cache", "FAQBOT_INDEX_CACHE", cache_setting, _index_cache),
    Setting("language", "FAQBOT_LANGUAGE", _choice("en", "zh"), _field("language")),
    Setting("matching.semantic", "FAQBOT_SEMANTIC", _semantic, _field("semantic")),
    Setting("thresholds.answer", "FAQBOT_THRESHOLDS_ANSWER", _number(float, 0, 1), _part("thresholds", "answer")),
    Setting("thresholds.margin", "FAQBOT_THRESHOLDS_MARGIN", _number(float, 0, 1), _part("thresholds", "margin")),
    Setting("thresholds.evidence", "FAQBOT_THRESHOLDS_EVIDENCE", _number(float, 0, 1),
            _part("thresholds", "evidence")),
    Setting("thresholds.suggest", "FAQBOT_THRESHOLDS_SUGGEST", _number(float, 0, 1), _part("thresholds", "suggest")),
    Setting("limits.max_file_bytes", "FAQBOT_LIMITS_MAX_FILE_BYTES", _number(int, 1024, 64 * 1024 * 1024),
            _part("limits", "max_file_bytes")),
    Setting("limits.max_depth", "FAQBOT_LIMITS_MAX_DEPTH", _number(int, 4, 64), _part("limits", "max_depth")),
    Setting("limits.max_aliases", "FAQBOT_LIMITS_MAX_ALIASES", _number(int, 0, 1000), _part("limits", "max_aliases")),
    Setting("channels", "FAQBOT_CHANNELS", _channels, _field("channels")),
    Setting("auto_answer.channels", "FAQBOT_AUTO_ANSWER_CHANNELS", _channel_ids, _field("auto_answer")),
    Setting("flood.questions", "FAQBOT_FLOOD_QUESTIONS", _number(int, 1), _part("flood", "questions")),
    Setting("flood.per_seconds", "FAQBOT_FLOOD_PER_SECONDS", _number(float, 1), _part("flood", "per_seconds")),
    Setting("database.url", "FAQBOT_DB_URL", _db_url, _field("db_url")),
    Setting("database.keep_text", "FAQBOT_STORE_TEXT", _boolean, _field("store_text")),
    Setting("database.retention", "FAQBOT_RETENTION", _duration, _field("retention_seconds")),
    Setting("log.level", "FAQBOT_LOG_LEVEL", _choice("debug", "info", "warning", "error"), _field("log_level")),
    Setting("log.format", "FAQBOT_LOG_FORMAT", _choice("text", "json"), _field("log_format")),
    Setting("log.bodies", "FAQBOT_LOG_BODIES", _boolean, _field("log_bodies")),
    Setting("http.host", "FAQBOT_HOST", _text, _field("host")),
    Setting("http.port", "FAQBOT_PORT", _port, _field("port")),
    Setting("http.status_port", "FAQBOT_STATUS_PORT", _number(int, 0, 65535, none=True), _field("status_port")),
    Setting("eval.cases", "FAQBOT_EVAL_CASES", _optional_path, _field("eval_cases")),
    Setting("reload.watch", "FAQBOT_RELOAD_WATCH", _boolean, _field("reload_watch")),
    Setting("reload.interval", "FAQBOT_RELOAD_INTERVAL", _number(float, 0.1, 3600), _field("reload_interval")),
    Setting("reload.notify.slack", "FAQBOT_RELOAD_NOTIFY_SLACK", _optional_text, _field("notify_slack")),
    Setting("reload.notify.discord", "FAQBOT_RELOAD_NOTIFY_DISCORD", _discord_channel, _field("notify_discord")),
    Setting("discord.sharded", "FAQBOT_DISCORD_SHARDED", _boolean, _field("discord_sharded")),
    Setting("discord.follow_ups", "FAQBOT_DISCORD_FOLLOW_UPS", _boolean, _field("discord_follow_ups")),
    Setting("discord.shard_count", "FAQBOT_DISCORD_SHARD_COUNT", _number(int, 1, none=True),
            _field("discord_shard_count")),
    Setting("discord.shard_ids", "FAQBOT_DISCORD_SHARD_IDS", _shard_ids, _field("discord_shard_ids")),
)
BY_KEY = {s.key: s for s in SETTINGS}
LEAF_MAPPINGS = {"channels"}  # settings whose value is itself a mapping


def load_config(path: Path | str | None = None, environ: Mapping[str, str] = os.environ,
                cwd: Path | None = None) -> Config:
    """Raises ConfigError listing every problem, each naming the key or variable and what is allowed.
    With no `path` and no FAQBOT_CONFIG, `faqbot.yaml` in `cwd` (default: the current directory) is read
    when it exists."""
    problems: list[str] = []
    config = Config()
    found = settings_file(path, environ, cwd)
    if found is not None:
        config = _from_file(*found, config, problems)
    for setting in SETTINGS:
        if setting.env in environ:
            try:
                config = setting.apply(config, setting.parse(environ[setting.env]))
            except ValueError as err:
                problems.append(f"{setting.env}: {_shown(environ[setting.env], setting)} is not allowed: {err}")
    problems += _shard_problems(config)
    if problems:
        raise ConfigError(problems)
    return replace(config, notes=unread_variables(environ))


def unread_variables(environ: Mapping[str, str]) -> tuple[str, ...]:
    """A note for each FAQBOT_ variable faqbot does not read: a misspelt one would be ignored in silence. Not a
    problem: the environment is shared, and a deployment may keep its own variables there."""
    read = [setting.env for setting in SETTINGS] + [CONFIG_ENV, USER_SALT]
    notes = []
    for name in sorted(n for n in environ if n.startswith("FAQBOT_") and n not in read):
        close = difflib.get_close_matches(name.removeprefix("FAQBOT_"), [r.removeprefix("FAQBOT_") for r in read],
                                          n=1, cutoff=0.75)  # the prefix they all share would match anything
        notes.append(f"{name} is no variable faqbot reads, so it changes nothing" + (
            f": did you mean FAQBOT_{close[0]}?" if close else ""))
    return tuple(notes)


def _shard_problems(config: Config) -> list[str]:
    ids, count = config.discord_shard_ids, config.discord_shard_count
    if ids is not None and count is None:
        return ["discord.shard_ids (FAQBOT_DISCORD_SHARD_IDS) needs discord.shard_count (FAQBOT_DISCORD_SHARD_COUNT): "
                "the number of shards across every process"]
    if ids is not None and count is not None and max(ids) >= count:
        return [f"discord.shard_ids (FAQBOT_DISCORD_SHARD_IDS) names shard {max(ids)}, but discord.shard_count is "
                f"{count}: shards are numbered from 0 to {count - 1}"]
    return []


def settings_file(path: Path | str | None, environ: Mapping[str, str], cwd: Path | None) -> tuple[Path, str] | None:
    """The settings file to read, and how it was named."""
    if path:
        return Path(path), "--config"
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]), CONFIG_ENV
    here = (cwd or Path.cwd()) / CONFIG_FILE
    return (here, "found in the current directory") if here.is_file() else None


def _from_file(path: Path, named: str, config: Config, problems: list[str]) -> Config:
    path = path.expanduser().absolute()  # relative paths inside resolve against this file's directory
    source = f"{path} ({named})"
    try:
        root = read_nodes(path, Limits(max_file_bytes=256 * 1024, max_depth=8, max_aliases=0))
    except FileNotFoundError:
        problems.append(f"{path}: no such file (named by {named})")
        return config
    except OSError as err:
        problems.append(f"{path}: cannot read it: {err.strerror}")
        return config
    except YamlProblem as err:
        problems.append(f"{path}:{err.line or 1}: {err.message}")
        return config
    if root is None:
        return replace(config, source=source)
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{path}:{root.start_mark.line + 1}: expected settings as `key: value` lines")
        return config
    for key, node in _leaves(root, ""):
        where = f"{path}:{node.start_mark.line + 1}: {key}"
        if SECRET_WORDS.search(key.rsplit(".", 1)[-1]):
            # slack.bot_token and slack_token are both Slack's
            named = "salt" if "salt" in key.rsplit(".", 1)[-1] else re.split(r"[._-]", key)[0]
            problems.append(f"{where}: secrets are read only from the environment: remove it from this file "
                            f"and set {SECRET_ENV.get(named, _ANY_SECRET_ENV)}")
            continue
        setting = BY_KEY.get(key)
        if setting is None:
            close = difflib.get_close_matches(key, list(BY_KEY), n=1)
            hint = f"did you mean {close[0]}?" if close else f"the settings are: {', '.join(BY_KEY)}"
            problems.append(f"{where}: not a setting: {hint}")
            continue
        value = yaml.SafeLoader("").construct_object(node, deep=True)
        try:
            parsed = setting.parse(value)
        except ValueError as err:
            problems.append(f"{where}: {_shown(value, setting)} is not allowed: {err}")
            continue
        if setting.key == "database.url" and urlsplit(parsed).password:
            problems.append(f"{where}: the URL holds a password, a secret: keep the URL without it here and "
                            "set FAQBOT_DB_URL in the environment (or PGPASSWORD)")
            continue
        parsed = _beside(path, parsed)
        if setting.key == "faq" and not parsed.is_dir():
            problems.append(f"{where}: {parsed} is not a directory: create it (`faqbot init` makes one) or fix "
                            "the path, which is relative to this file")
            continue
        config = setting.apply(config, parsed)
    return replace(config, source=source)


def _beside(path: Path, value: Any) -> Any:
    """A relative path in the file (a directory, a SQLite URL) means one beside the file, not where faqbot starts."""
    if isinstance(value, Path) and not value.is_absolute():
        return path.parent / value
    if isinstance(value, str) and value.startswith("sqlite:///") and not value.startswith("sqlite:////"):
        database = value.removeprefix("sqlite:///")
        if database and database != ":memory:" and not database.startswith("?"):
            return f"sqlite:///{path.parent / database}"
    return value


def _leaves(node: yaml.MappingNode, prefix: str):
    for key_node, value in node.value:
        key = f"{prefix}{key_node.value}"
        if isinstance(value, yaml.MappingNode) and key not in LEAF_MAPPINGS:
            yield from _leaves(value, key + ".")
        else:
            yield key, value


def _shown(value: Any, setting: Setting) -> str:
    if setting.key == "database.url":
        return "the URL"  # it may hold a password
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
