"""`faqbot run` before anything starts: its help, a missing extra, every missing variable at once, and a
platform it cannot reach. Each as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import ROOT, free_port, keep, run_faqbot

TOKEN = "xoxb-start-token-51c2"
SECRET = "start-signing-secret-9e0a"
DISCORD = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx7Qz9.start-secret-part"


def environment(**given: str) -> dict[str, str]:
    """Every platform variable of this environment emptied, then `given`: what run_faqbot adds to the environment."""
    return {**{k: "" for k in os.environ if k.startswith(("SLACK_", "DISCORD_"))}, **given}


def without(modules: list[str], *args: str, env: dict[str, str], cwd=ROOT) -> subprocess.CompletedProcess[str]:
    """faqbot in a process where `modules` cannot be imported, as if their extra were not installed."""
    code = (f"import sys\nfor name in {modules!r}: sys.modules[name] = None\n"
            "from bot.cli import main\nsys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, encoding="utf-8",
                          cwd=cwd, env={**os.environ, **env, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
                          timeout=120)
    keep(done.stdout + done.stderr)
    return done


@pytest.fixture
def broken_faq(make_faq):
    """A FAQ that stops any command that loads it: a run refused before loading never gets to it."""
    return make_faq({"broken.yaml": "- id: a\n  questions: [\n"})


def test_help_lists_every_platforms_options_and_variables_and_where_to_get_them():
    done = run_faqbot("run", "--help", env=environment())
    assert done.returncode == 0, done.stderr
    for text in ("--port", "--host", "--sharded", "--invite-url", 'pip install "faqbot[slack]"',
                 'pip install "faqbot[discord]"', "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
                 "DISCORD_TOKEN", "DISCORD_GUILD_ID", "OAuth & Permissions", "Reset Token"):
        assert text in done.stdout, text


def test_help_works_without_the_extras_installed():
    done = without(["slack_bolt", "slack_sdk", "discord"], "run", "--help", env=environment())
    assert done.returncode == 0, done.stderr
    assert "--sharded" in done.stdout and "--port" in done.stdout and "DISCORD_TOKEN" in done.stdout


def test_a_missing_extra_is_one_line_naming_the_install_before_the_faq_is_even_loaded(broken_faq, tmp_path):
    env = environment(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, FAQBOT_STATUS_PORT=str(free_port()),
                      FAQBOT_DB_URL=f"sqlite:///{tmp_path}/faqbot.db")
    done = without(["slack_bolt"], "run", "slack", "--faq", str(broken_faq), env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr == 'faqbot: slack needs its extra: pip install "faqbot[slack]"\n'
    assert not list(tmp_path.glob("faqbot.db*"))


def test_every_missing_extra_is_named_in_the_one_line():
    done = without(["slack_bolt", "discord"], "run", "all", env=environment())
    assert done.returncode == 2
    assert done.stderr == 'faqbot: discord and slack need their extras: pip install "faqbot[discord,slack]"\n'


def test_run_all_names_every_missing_variable_at_once(broken_faq):
    done = run_faqbot("run", "all", "--faq", broken_faq, env=environment())
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert [line.split(" is not set: ")[0] for line in lines] == [
        "faqbot: DISCORD_TOKEN", "faqbot: SLACK_BOT_TOKEN", "faqbot: SLACK_SIGNING_SECRET"]
    assert "Traceback" not in done.stderr


def test_a_slack_api_it_cannot_reach_is_named_with_what_to_check():
    port = free_port()
    done = run_faqbot("run", "slack", env=environment(
        SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
        FAQBOT_STATUS_PORT=str(free_port()), FAQBOT_SEMANTIC="off"))
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("faqbot: ")]
    assert "cannot reach the Slack API at 127.0.0.1" in line and "network" in line and "proxy" in line
    assert "Traceback" not in done.stderr and TOKEN not in done.stderr and SECRET not in done.stderr


def test_an_unknown_platform_gets_a_did_you_mean():
    done = run_faqbot("run", "slak", env=environment())
    assert done.returncode == 2 and "no chat adapter 'slak'" in done.stderr and "did you mean 'slack'?" in done.stderr
