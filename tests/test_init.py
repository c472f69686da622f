"""`faqbot init` and settings discovery: a folder of one's own FAQ where every command works without flags."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from support import SMALL_FAQ, run_faqbot

from bot.improve.scaffold import FILES


def no_traceback(done) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """An init'd folder, made once by the real command."""
    where = tmp_path_factory.mktemp("first-hour")
    done = run_faqbot("init", "team-faq", cwd=where)
    assert done.returncode == 0, done.stderr
    return where / "team-faq"


def test_init_writes_settings_entries_synonyms_and_cases(project):
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()) == sorted(FILES)
    settings = (project / "faqbot.yaml").read_text(encoding="utf-8")
    assert "faq: faq" in settings and "relative to the file" in settings
    assert "gpt" not in (project / "faq" / "team.yaml").read_text(encoding="utf-8").lower()


def test_lint_and_eval_pass_inside_the_folder_without_flags(project):
    lint = run_faqbot("lint", cwd=project)
    assert lint.returncode == 0 and str(project / "faq") in lint.stdout, lint.stdout + lint.stderr
    scored = run_faqbot("eval", "--json", cwd=project)
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["cases"] >= 4 and result["out_of_scope"] >= 1 and result["failures"] == []


@pytest.mark.parametrize(("command", "expected"), [
    (["ask", "How do I connect to the VPN?"], "Install the VPN client"),
    (["list"], "expense-claims"),
    (["show", "vpn-access"], "faq/team.yaml"),
    (["why", "vpn"], "vpn-access"),
    (["chat"], "Upload a photo of each receipt"),
])
def test_every_command_uses_the_folders_faq_without_flags(project, command, expected):
    done = run_faqbot(*command, cwd=project, input="How do I claim my expenses?\nquit\n")
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout and "what-is-gpt" not in done.stdout


def test_a_project_records_to_a_database_of_its_own_beside_its_settings(tmp_path):
    assert run_faqbot("init", tmp_path / "mine").returncode == 0
    project, home = tmp_path / "mine", {"XDG_DATA_HOME": str(tmp_path / "data")}  # the per-user default: not used
    done = run_faqbot("chat", "--record", cwd=project, input="How do I claim my expenses?\nquit\n", env=home)
    assert done.returncode == 0, done.stderr
    report = json.loads(run_faqbot("report", "--json", cwd=project, env=home).stdout)
    assert report["source"] == f"sqlite:///{project / 'faqbot.db'}" and report["questions_total"] == 1
    assert not (tmp_path / "data").exists()  # another FAQ's report does not see this one's questions


def test_verbose_says_where_the_settings_and_the_faq_come_from(project):
    done = run_faqbot("list", "--verbose", cwd=project)
    assert f"settings from {project / 'faqbot.yaml'} (found in the current directory)" in done.stderr
    assert f"FAQ from {project / 'faq'}" in done.stderr


def test_paths_in_a_settings_file_are_relative_to_the_file_wherever_faqbot_starts(project):
    done = run_faqbot("list", "--config", "team-faq/faqbot.yaml", "--verbose", cwd=project.parent)
    assert done.returncode == 0 and "expense-claims" in done.stdout, done.stderr
    done = run_faqbot("eval", cwd=project.parent, env={"FAQBOT_CONFIG": str(project / "faqbot.yaml")})
    assert done.returncode == 0 and "top-1 accuracy        1.000" in done.stdout, done.stderr


def test_a_named_settings_file_wins_over_the_one_in_the_current_directory(project, make_faq, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(f"faq: {make_faq({'fruit.yaml': SMALL_FAQ})}\n", encoding="utf-8")
    done = run_faqbot("list", cwd=project, env={"FAQBOT_CONFIG": str(other)})
    assert done.returncode == 0 and "fruit-apple" in done.stdout and "vpn-access" not in done.stdout


def test_init_never_overwrites_and_writes_nothing_when_one_file_exists(tmp_path):
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "team.yaml").write_text("# mine\n", encoding="utf-8")
    done = run_faqbot("init", tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert str(tmp_path / "faq" / "team.yaml") in done.stderr and "overwrite" in done.stderr
    assert (tmp_path / "faq" / "team.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["faq", "team.yaml"]
    no_traceback(done)


def test_a_file_where_a_folder_goes_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "faq").write_text("", encoding="utf-8")
    done = run_faqbot("init", tmp_path)
    assert done.returncode == 2 and "is a file where init needs a folder" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faq"]
    no_traceback(done)


def test_init_into_a_file_is_refused(tmp_path):
    (tmp_path / "taken").write_text("", encoding="utf-8")
    done = run_faqbot("init", tmp_path / "taken")
    assert done.returncode == 2 and "is a file" in done.stderr
    no_traceback(done)


def test_a_settings_file_naming_a_missing_faq_names_the_key_and_the_file(tmp_path):
    (tmp_path / "faqbot.yaml").write_text("language: en\nfaq: ./our-faq\n", encoding="utf-8")
    done = run_faqbot("ask", "hi", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{tmp_path / 'faqbot.yaml'}:2: faq: {tmp_path / 'our-faq'} is not a directory" in done.stderr
    no_traceback(done)


def test_without_a_settings_file_the_shipped_faq_answers(tmp_path):
    done = run_faqbot("list", "--verbose", cwd=tmp_path)
    assert done.returncode == 0 and "what-is-gpt" in done.stdout and "settings from defaults" in done.stderr


def test_version_comes_from_the_package_metadata():
    done = run_faqbot("--version")
    assert done.returncode == 0 and done.stdout == f"faqbot {version('faqbot')}\n"



def test_eval_without_a_file_or_a_setting_says_how_to_name_one(tmp_path):
    done = run_faqbot("eval", cwd=tmp_path)
    assert done.returncode == 2 and "eval.cases" in done.stderr and "faqbot eval cases.yaml" in done.stderr
    no_traceback(done)
