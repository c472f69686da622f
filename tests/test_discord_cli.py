"""`faqbot run discord` as a real subprocess: its settings and the invite URL."""

from __future__ import annotations

import os

import pytest
from support import run_faqbot

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx7Qz9.cli-secret-part"


def environment(**discord: str) -> dict[str, str]:
    """The test's environment without any DISCORD_ variable, plus `discord`."""
    cleared = {k: "" for k in os.environ if k.startswith("DISCORD_")}
    return {**cleared, **discord}


def test_a_missing_token_is_named_in_one_line_with_exit_2():
    done = run_faqbot("run", "discord", env=environment())
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("faqbot: DISCORD_TOKEN is not set: ")
    assert "Developer Portal" in done.stderr and "Reset Token" in done.stderr and "Traceback" not in done.stderr


def test_a_guild_id_that_is_not_a_number_is_named_with_exit_2():
    done = run_faqbot("run", "discord", env=environment(DISCORD_TOKEN=TOKEN, DISCORD_GUILD_ID="my-server"))
    assert done.returncode == 2 and done.stderr.startswith("faqbot: DISCORD_GUILD_ID ")
    assert TOKEN not in done.stderr + done.stdout


@pytest.mark.parametrize(("env", "client_id"), [
    ({"DISCORD_APPLICATION_ID": "1234567890123456789"}, "1234567890123456789"),
    ({"DISCORD_TOKEN": TOKEN}, "1100000000000000001"),
])
def test_invite_url_is_printed_with_the_scopes_and_permissions(env, client_id):
    done = run_faqbot("run", "discord", "--invite-url", env=environment(**env))
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == (f"https://discord.com/oauth2/authorize?client_id={client_id}"
                           "&scope=bot+applications.commands&permissions=274877990912\n")


def test_invite_url_without_an_application_id_says_which_variable_to_set():
    done = run_faqbot("run", "discord", "--invite-url", env=environment())
    assert done.returncode == 2 and "DISCORD_APPLICATION_ID" in done.stderr and done.stderr.count("\n") == 1


def test_invite_url_with_an_application_id_that_is_not_a_number_says_it_must_be_one():
    done = run_faqbot("run", "discord", "--invite-url", env=environment(DISCORD_APPLICATION_ID="faqbot"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("faqbot: DISCORD_APPLICATION_ID must be a number: copy the Application ID")


def test_invite_url_with_a_token_that_is_no_bot_token_says_so_and_does_not_print_it():
    done = run_faqbot("run", "discord", "--invite-url", env=environment(DISCORD_TOKEN="abc-secret"))
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert done.stderr.startswith("faqbot: DISCORD_TOKEN does not start with a bot's id")
    assert "abc-secret" not in done.stderr
