"""faqbot.yaml and the environment: every problem named by key or variable, with what is allowed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support import ROOT

from bot.serving.config import SETTINGS, Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faqbot.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path | None, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ or {})
    return caught.value.problems


def test_no_file_and_no_environment_gives_the_defaults():
    assert load_config(None, {}) == Config()


def test_a_full_file_is_read(tmp_path):
    (tmp_path / "myfaq").mkdir()
    config = load_config(write(tmp_path, """
        faq: ./myfaq            # relative to this file
        language: zh
        thresholds: {answer: 0.7, suggest: 0.2}
        channels:
          C123: [billing, azure]
          "9876543210": rlhf
        flood: {questions: 3, per_seconds: 30}
        database: {url: "sqlite:///data/faqbot.db", keep_text: false, retention: 90d}
        log: {level: debug, format: json, bodies: true}
        http: {port: 8080, status_port: 9100}
        reload: {watch: false, interval: 5, notify: {slack: C0MAINT}}
        limits: {max_file_bytes: 2097152}
        discord: {sharded: true}
    """), {})
    assert config.faq == tmp_path / "myfaq" and config.language == "zh"
    assert (config.thresholds.answer, config.thresholds.suggest, config.thresholds.margin) == (0.7, 0.2, 0.09)
    assert config.channels == {"C123": frozenset({"billing", "azure"}), "9876543210": frozenset({"rlhf"})}
    assert (config.flood.questions, config.flood.per_seconds) == (3, 30.0)
    assert (config.db_url, config.store_text, config.retention_seconds) == (f"sqlite:///{tmp_path}/data/faqbot.db", False,
                                                                            90 * 86400)
    assert (config.log_level, config.log_format, config.log_bodies) == ("debug", "json", True)
    assert (config.port, config.status_port, config.reload_watch, config.reload_interval) == (8080, 9100, False, 5.0)
    assert config.notify_slack == "C0MAINT" and config.limits.max_file_bytes == 2097152 and config.discord_sharded


def test_the_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, "log: {level: debug}\nhttp: {port: 8080}\n")
    config = load_config(None, {"FAQBOT_CONFIG": str(path), "FAQBOT_PORT": "9000", "FAQBOT_CHANNELS": "C1=a,b;C2=c",
                                "FAQBOT_STORE_TEXT": "off", "FAQBOT_DB_URL": "postgresql://bot:pw@db/faq"})
    assert (config.log_level, config.port, config.store_text) == ("debug", 9000, False)
    assert config.channels == {"C1": frozenset({"a", "b"}), "C2": frozenset({"c"})}
    assert config.db_url == "postgresql://bot:pw@db/faq"  # a password is fine in the environment


def test_every_problem_names_its_line_and_key_and_what_is_allowed(tmp_path):
    found = problems(write(tmp_path, """
        thresholds:
          answer: 1.5
        log:
          level: loud
        http: {port: many}
        reload: {watch: perhaps, notify: {discord: "#maintainers"}}
    """))
    assert found == [
        f"{tmp_path / 'faqbot.yaml'}:3: thresholds.answer: 1.5 is not allowed: expected a number from 0 to 1",
        f"{tmp_path / 'faqbot.yaml'}:5: log.level: 'loud' is not allowed: use one of debug, info, warning, error",
        f"{tmp_path / 'faqbot.yaml'}:6: http.port: 'many' is not allowed: expected a whole number from 0 to 65535",
        f"{tmp_path / 'faqbot.yaml'}:7: reload.watch: 'perhaps' is not allowed: expected true or false",
        f"{tmp_path / 'faqbot.yaml'}:7: reload.notify.discord: '#maintainers' is not allowed: use a Discord channel "
        "id, a number: turn on Developer Mode in Discord, then right-click the channel → Copy Channel ID",
    ]


def test_an_unknown_key_gets_a_did_you_mean(tmp_path):
    (found,) = problems(write(tmp_path, "databse:\n  url: sqlite:///x.db\n"))
    assert found.endswith(":2: databse.url: not a setting: did you mean database.url?")


@pytest.mark.parametrize("text, variable", [
    ("slack:\n  bot_token: xoxb-1-2-3\n", "SLACK_BOT_TOKEN"),
    ("slack_token: xoxb-1-2-3\n", "SLACK_BOT_TOKEN"),  # not a setting, yet named like one
    ("api_key: abc\n", "DISCORD_TOKEN; FAQBOT_DB_URL"),  # no platform named: every variable there is
    ("discord:\n  token: abc\n", "DISCORD_TOKEN"),
    ("database:\n  password: hunter2\n", "FAQBOT_DB_URL"),
    ("database:\n  user_salt: pepper\n", "FAQBOT_USER_SALT"),
])
def test_secrets_in_the_file_are_refused_without_repeating_them(tmp_path, text, variable):
    (found,) = problems(write(tmp_path, text))
    assert "secrets are read only from the environment" in found and variable in found
    assert "xoxb" not in found and "hunter2" not in found and "abc" not in found.split(":", 2)[-1]


def test_a_password_inside_the_database_url_is_refused_in_the_file_and_not_shown(tmp_path):
    (found,) = problems(write(tmp_path, "database: {url: 'postgresql://bot:hunter2@db/faq'}\n"))
    assert "holds a password" in found and "FAQBOT_DB_URL" in found and "hunter2" not in found


def test_a_faqbot_variable_no_setting_reads_is_said_with_the_one_meant(tmp_path):
    config = load_config(environ={"FAQBOT_SEMANTICS": "off", "FAQBOT_SEMANTIC": "on", "FAQBOT_DEPLOYED_BY": "ops",
                                  "PATH": "/usr/bin"}, cwd=tmp_path)
    assert config.semantic == "on"
    assert config.notes == ("FAQBOT_DEPLOYED_BY is no variable faqbot reads, so it changes nothing",
                            "FAQBOT_SEMANTICS is no variable faqbot reads, so it changes nothing: did you mean "
                            "FAQBOT_SEMANTIC?")
    assert load_config(environ={"FAQBOT_SEMANTIC": "off", "FAQBOT_USER_SALT": "s", "FAQBOT_CONFIG": ""},
                       cwd=tmp_path).notes == ()


def test_a_bad_environment_value_names_the_variable_but_never_shows_a_url():
    found = problems(None, {"FAQBOT_LOG_FORMAT": "xml", "FAQBOT_DB_URL": "mysql://root:pw@db/x"})
    assert found[0].startswith("FAQBOT_DB_URL: the URL is not allowed: use sqlite:///") and "pw" not in found[0]
    assert found[1] == "FAQBOT_LOG_FORMAT: 'xml' is not allowed: use one of text, json"


@pytest.mark.parametrize("variable", ["FAQBOT_THRESHOLDS_ANSWER", "FAQBOT_FLOOD_PER_SECONDS", "FAQBOT_RELOAD_INTERVAL"])
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_a_number_that_is_not_finite_is_refused(variable, value):
    # nan compares false with every bound: taken, it would stop the flood window sliding or spin the reloader
    (found,) = problems(None, {variable: value})
    assert found.startswith(f"{variable}: '{value}' is not allowed: expected a number")


def test_a_whole_number_too_large_for_a_float_is_refused_in_one_line():
    (found,) = problems(None, {"FAQBOT_PORT": "9" * 400})
    assert found.startswith("FAQBOT_PORT: ") and "expected a whole number from 0 to 65535" in found


def test_a_number_that_is_not_finite_is_refused_in_the_file_too(tmp_path):
    (found,) = problems(write(tmp_path, "reload:\n  interval: .nan\n"))
    assert found.startswith(f"{tmp_path / 'faqbot.yaml'}:2: reload.interval: ") and "expected a number" in found


@pytest.mark.parametrize("text, message", [
    ("- a\n- b\n", "expected settings as `key: value` lines"),
    ("log: [unclosed\n", "not valid YAML"),
    ("a: &x 1\nb: *x\n", "aliases"),
    ("x: !!python/object/apply:os.system ['true']\n", "unsupported tag"),
])
def test_a_malformed_or_hostile_file_is_refused_with_its_line(tmp_path, text, message):
    (found,) = problems(write(tmp_path, text))
    assert found.startswith(str(tmp_path / "faqbot.yaml") + ":") and message in found


def test_a_missing_file_says_how_it_was_named(tmp_path):
    (found,) = problems(tmp_path / "nope.yaml")
    assert "no such file" in found and "--config" in found
    (found,) = problems(None, {"FAQBOT_CONFIG": str(tmp_path / "nope.yaml")})
    assert "no such file" in found and "FAQBOT_CONFIG" in found


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.key for s in SETTINGS if f"`{s.key}`" not in readme or f"`{s.env}`" not in readme]
    assert not missing, f"README's Configuration section lacks {missing}"


def test_the_example_config_is_valid():
    config = load_config(ROOT / "faqbot.example.yaml", {})
    assert config.source == f"{ROOT / 'faqbot.example.yaml'} (--config)"


@pytest.mark.parametrize(("written", "meant"), [("on", "on"), ("off", "off"), ("'off'", "off"), ("auto", "auto")])
def test_semantic_on_and_off_mean_what_they_say_though_yaml_reads_them_as_booleans(tmp_path, written, meant):
    assert load_config(write(tmp_path, f"matching: {{semantic: {written}}}\n"), {}).semantic == meant


@pytest.mark.parametrize(("ids", "count", "expected"), [("0,2", "3", (0, 2)), ("1-3", "4", (1, 2, 3)),
                                                        ("2", "3", (2,))])
def test_discord_shard_ids_are_read_as_a_list_or_a_range(ids, count, expected):
    config = load_config(None, {"FAQBOT_DISCORD_SHARD_IDS": ids, "FAQBOT_DISCORD_SHARD_COUNT": count}, cwd=Path("/"))
    assert (config.discord_shard_ids, config.discord_shard_count) == (expected, int(count))


@pytest.mark.parametrize(("environ", "said"), [
    ({"FAQBOT_DISCORD_SHARD_IDS": "0,1"}, "needs discord.shard_count"),
    ({"FAQBOT_DISCORD_SHARD_IDS": "0,3", "FAQBOT_DISCORD_SHARD_COUNT": "3"}, "numbered from 0 to 2"),
    ({"FAQBOT_DISCORD_SHARD_IDS": "two", "FAQBOT_DISCORD_SHARD_COUNT": "3"}, "shard numbers from 0"),
])
def test_discord_shards_that_cannot_be_run_are_refused_at_start(environ, said):
    with pytest.raises(ConfigError, match=said):
        load_config(None, environ, cwd=Path("/"))


def test_an_empty_list_of_discord_shards_is_no_shards():
    config = load_config(None, {"FAQBOT_DISCORD_SHARD_IDS": ""}, cwd=Path("/"))
    assert config.discord_shard_ids is None


def test_an_empty_yaml_list_of_discord_shards_is_no_shards(tmp_path):
    (tmp_path / "faqbot.yaml").write_text("discord:\n  shard_ids: []\n", encoding="utf-8")
    assert load_config(tmp_path / "faqbot.yaml", {}, cwd=tmp_path).discord_shard_ids is None
