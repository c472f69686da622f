"""`faqbot learn` through the real command line on a copy of the shipped FAQ, and the text-level YAML edit
underneath it: accepted phrasings land in the right list, every other byte of the file stays, lint runs,
and the new phrasing answers its entry; a write that fails leaves the file as it was."""

from __future__ import annotations

import difflib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from report_data import fill_picks, fill_store
from support import FAQ_DIR, ROOT, SMALL_FAQ, run_faqbot

from bot.engine import Engine, build_engine
from bot.improve.learn import Session
from bot.improve.yaml_edit import EditError, with_phrasing
from bot.serving.config import Config

AGI_QUESTION = "what does AGI stand for in AI?"


@pytest.fixture
def setup(tmp_path, engine) -> tuple[Path, str]:
    faq = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, faq)
    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    fill_store(url, engine)
    return faq, url

@pytest.fixture(scope="module")
def engine() -> Engine:
    """The questions the fixtures record are decided by the words alone, so that the ones meant to be
    unanswered stay so whatever the semantic stage learns to answer (these tests are about the loop)."""
    return build_engine(FAQ_DIR, semantic="off")


WORDS_ONLY = {"FAQBOT_SEMANTIC": "off"}



def learn(faq: Path, url: str, answers: str) -> subprocess.CompletedProcess[str]:
    return run_faqbot("learn", "--faq", faq, "--db", url, "--since", "30d", input=answers, env=WORDS_ONLY)


def added_lines(before: Path, after: Path) -> list[str]:
    diff = list(difflib.ndiff(before.read_text(encoding="utf-8").splitlines(keepends=True),
                              after.read_text(encoding="utf-8").splitlines(keepends=True)))
    assert not [line for line in diff if line.startswith("- ")]  # nothing removed or changed
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_accepting_a_suggestion_adds_the_phrasing_and_it_then_answers(setup):
    faq, url = setup
    assert json.loads(run_faqbot("ask", "--faq", faq, AGI_QUESTION, "--json", env=WORDS_ONLY).stdout)["kind"] != "answer"
    done = learn(faq, url, "s\na\nq\n")  # skip the Kubernetes group, accept the AGI one, quit
    assert done.returncode == 0, done.stdout + done.stderr
    assert "added to agi-aigc" in done.stdout and "ok: " in done.stdout and "has no problems" in done.stdout
    changed = [p.name for p in faq.iterdir() if p.read_bytes() != (FAQ_DIR / p.name).read_bytes()]
    assert changed == ["gpt-basics.yaml"]
    assert added_lines(FAQ_DIR / "gpt-basics.yaml", faq / "gpt-basics.yaml") == [f"      - {AGI_QUESTION}\n"]
    entries = {e["id"]: e for e in yaml.safe_load((faq / "gpt-basics.yaml").read_text(encoding="utf-8"))}
    assert entries["agi-aigc"]["questions"]["en"][-1] == AGI_QUESTION
    assert run_faqbot("lint", "--faq", faq).returncode == 0
    reply = json.loads(run_faqbot("ask", "--faq", faq, AGI_QUESTION, "--json", env=WORDS_ONLY).stdout)
    assert (reply["kind"], reply["id"]) == ("answer", "agi-aigc")
    assert not list(faq.glob(".*.tmp"))


def test_another_entry_can_be_picked_and_bad_ids_are_refused(setup):
    faq, url = setup
    done = learn(faq, url, "no-such-entry\nwhat-is-gpt\n")
    assert done.returncode in (0, 1), done.stderr
    assert "no entry 'no-such-entry'" in done.stdout and "added to what-is-gpt" in done.stdout
    assert added_lines(FAQ_DIR / "gpt-basics.yaml", faq / "gpt-basics.yaml") == [
        "      - How do I deploy Kubernetes on Azure?\n"]
    assert "faqbot lint" in done.stdout  # lint ran; it may well object to a phrasing this far off
    assert ("has no problems" in done.stdout) == (done.returncode == 0)
    assert ("problem(s): fix them before committing" in done.stdout) == (done.returncode == 1)


def test_quitting_or_skipping_everything_changes_nothing(setup):
    faq, url = setup
    for answers in ("q\n", "s\ns\ns\n", ""):
        done = learn(faq, url, answers)
        assert done.returncode == 0 and "nothing added" in done.stdout, done.stdout + done.stderr
    assert all(p.read_bytes() == (FAQ_DIR / p.name).read_bytes() for p in faq.iterdir())


def test_ctrl_c_at_a_prompt_quits_as_q_does_and_what_was_added_is_checked(setup):
    import os
    import signal
    import threading
    import time

    from support import faqbot_command

    faq, url = setup
    process = subprocess.Popen([*faqbot_command(), "learn", "--faq", str(faq), "--db", url, "--since", "30d"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8", **WORDS_ONLY))
    said: list[str] = []  # what it printed, a character at a time: a prompt ends no line
    reader = threading.Thread(target=lambda: said.extend(iter(lambda: process.stdout.read(1), "")), daemon=True)
    reader.start()
    process.stdin.write("s\na\n")  # skip the Kubernetes group, accept the AGI one
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while "id/s/q> " not in "".join(said).partition("added to agi-aigc")[2]:  # waiting at the next prompt
        assert time.monotonic() < deadline and process.poll() is None, "".join(said)
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)  # not communicate(): it would read stdout too, beside the reader
    finally:
        process.kill()
    reader.join(5)
    err = process.stderr.read()
    out = "".join(said)
    assert process.returncode == 0 and "Traceback" not in err, err
    assert "added 1 phrasing(s)" in out and "has no problems" in out
    assert added_lines(FAQ_DIR / "gpt-basics.yaml", faq / "gpt-basics.yaml") == [f"      - {AGI_QUESTION}\n"]


def picks_store(tmp_path: Path, engine: Engine) -> tuple[Path, str, int]:
    """A copy of the FAQ, a store of questions picked from, and how many unanswered groups learn shows first
    (not those the FAQ has as phrasings already)."""
    faq = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, faq)
    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    fill_picks(url, engine)
    report = json.loads(run_faqbot("report", "--db", url, "--json", env=WORDS_ONLY).stdout)
    return faq, url, len([g for g in report["unanswered"] if not g["action"].startswith("already")])


def test_words_asked_before_a_pick_are_proposed_as_its_phrasings(tmp_path, engine):
    faq, url, groups = picks_store(tmp_path, engine)
    file = Path(engine.faq.get("openai-vs-azure-openai").file).name
    done = learn(faq, url, "s\n" * groups + "s\na\nq\n")  # skip the groups and one pick, accept the next
    assert done.returncode == 0, done.stdout + done.stderr
    assert "asked 'kubernetes pricing' then picked azure-openai-billing — 2 time(s)" in done.stdout
    assert "asked 'azure openai' then picked openai-vs-azure-openai — 2 time(s)" in done.stdout
    assert "added to openai-vs-azure-openai" in done.stdout and "asked 'what is gpt'" not in done.stdout
    assert added_lines(FAQ_DIR / file, faq / file) == ["      - azure openai\n"]
    reply = json.loads(run_faqbot("ask", "--faq", faq, "azure openai", "--json", env=WORDS_ONLY).stdout)
    assert (reply["kind"], reply["id"]) == ("answer", "openai-vs-azure-openai")


def test_a_pick_already_added_as_an_unanswered_question_is_not_proposed_again(tmp_path, engine):
    faq, url, groups = picks_store(tmp_path, engine)
    # the most asked group is "azure openai": added to the entry people picked, by its id
    done = learn(faq, url, "openai-vs-azure-openai\n" + "s\n" * (groups - 1) + "s\n" * 3)
    assert "added to openai-vs-azure-openai" in done.stdout, done.stdout
    assert "asked 'azure openai' then picked" not in done.stdout
    assert "asked 'azure openai diff' then picked openai-vs-azure-openai — 1 time(s)" in done.stdout


def test_a_phrasing_in_a_language_the_entry_lacks_is_filed_with_its_questions_and_answers(make_faq, tmp_path):
    faq = make_faq({"only-en.yaml": """\
        - id: only-english
          questions:
            en: ["What does AGI mean?"]
          answer:
            en: Artificial general intelligence.
        - id: other
          questions:
            en: ["How do I reset my password?"]
          answer:
            en: Use the reset link.
        """})
    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    from store_support import asked

    from bot.improve.store import open_store

    question = "AGI 到底是什么意思呢"
    with open_store(url) as store:
        store.asked(asked(question, kind="fallback", entry_id=None, reason="no_match"))
    done = learn(faq, url, "only-english\nq\n")
    assert "(questions.en: the entry has no zh questions)" in done.stdout, done.stdout
    assert yaml.safe_load((faq / "only-en.yaml").read_text(encoding="utf-8"))[0]["questions"] == {
        "en": ["What does AGI mean?", question]}
    assert run_faqbot("lint", "--faq", faq, env=WORDS_ONLY).returncode == 0
    reply = json.loads(run_faqbot("ask", "--faq", faq, question, "--json", env=WORDS_ONLY).stdout)
    assert (reply["kind"], reply["id"]) == ("answer", "only-english")


def test_a_phrasing_added_in_an_earlier_run_is_not_proposed_again(setup):
    faq, url = setup
    assert "added to agi-aigc" in learn(faq, url, "s\na\nq\n").stdout
    again = learn(faq, url, "s\ns\ns\ns\n")
    assert again.returncode == 0, again.stdout + again.stderr
    assert AGI_QUESTION not in again.stdout and "nothing added" in again.stdout


def test_a_phrasing_an_entry_has_in_any_spelling_is_never_written(make_faq):
    faq = make_faq({"fruit.yaml": SMALL_FAQ})
    before = (faq / "fruit.yaml").read_bytes()
    out = io.StringIO()
    session = Session(build_engine(faq, semantic="off"), faq, Config(), io.StringIO(), out)
    assert not session.add("fruit-apple", "WHAT is an  apple", "en")  # the entry's own, spelt otherwise
    assert not session.add("fruit-apple", "梨是什麼", "zh")  # fruit-pear's, in Traditional script
    assert (faq / "fruit.yaml").read_bytes() == before
    assert "entry 'fruit-apple' has this phrasing already" in out.getvalue()
    assert "entry 'fruit-pear' has this phrasing already" in out.getvalue()
    assert session.add("fruit-apple", "apples, what are they", "en")
    assert not session.add("fruit-apple", "Apples — what are they?", "en")  # added a moment ago
    assert [line.strip() for line in (faq / "fruit.yaml").read_text(encoding="utf-8").splitlines()].count(
        "- apples, what are they") == 1


COMMENTED = """\
# Fruit, with comments everywhere.
- id: fruit-apple   # the apple
  questions:
    en:
      - What is an apple?   # canonical
      - 'Tell me about apples'
      # more to come

    zh: ["苹果是什么？"]  # flow style
  answer:
    en: An apple is a fruit.
    zh: 苹果是一种水果。

- id: fruit-pear
  questions:
    en:
    - What is a pear?
  answer:
    en: A pear is a fruit.
"""


@pytest.mark.parametrize(("entry", "lang", "phrasing", "expected_line"), [
    ("fruit-apple", "en", "apples: good or bad? # really", '      - "apples: good or bad? # really"\n'),
    ("fruit-apple", "en", "are apples healthy", "      - are apples healthy\n"),
    ("fruit-pear", "en", "  what's a   pear  ", "    - what's a pear\n"),
    ("fruit-apple", "zh", '苹果 "好吃" 吗', None),
])
def test_the_edit_inserts_one_line_and_keeps_every_other_byte(entry, lang, phrasing, expected_line):
    edited = with_phrasing(COMMENTED, entry, lang, phrasing)
    entries = {e["id"]: e for e in yaml.safe_load(edited)}
    assert entries[entry]["questions"][lang][-1] == " ".join(phrasing.split())
    before, after = COMMENTED.splitlines(keepends=True), edited.splitlines(keepends=True)
    if expected_line is None:  # flow style: the same line, one item longer
        assert len(after) == len(before)
        assert after[8] == '    zh: ["苹果是什么？", "苹果 \\"好吃\\" 吗"]  # flow style\n'
    else:
        added = [line for line in after if line not in before]
        assert added == [expected_line] and len(after) == len(before) + 1
        assert [line for line in after if line != expected_line] == before


def test_crlf_files_stay_crlf_and_unknown_entries_are_named():
    crlf = COMMENTED.replace("\n", "\r\n")
    edited = with_phrasing(crlf, "fruit-pear", "en", "pear?")
    assert edited.count("\r\n") == crlf.count("\r\n") + 1 and "\n" not in edited.replace("\r\n", "")
    with pytest.raises(EditError, match="no entry 'fruit-plum'"):
        with_phrasing(COMMENTED, "fruit-plum", "en", "plum?")
    with pytest.raises(EditError, match="no questions.zh"):
        with_phrasing(COMMENTED, "fruit-pear", "zh", "梨?")


INTERRUPTED = """
import resource, sys
from pathlib import Path
from bot.improve.yaml_edit import add_phrasing
path = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (path.stat().st_size, path.stat().st_size))
try:
    add_phrasing(path, "agi-aigc", "en", "what does AGI stand for in AI?")
except OSError as err:
    print(err.errno)
"""


def test_an_interrupted_write_leaves_the_file_intact(tmp_path):
    target = tmp_path / "gpt-basics.yaml"
    shutil.copy(FAQ_DIR / "gpt-basics.yaml", target)
    # The process may write no file larger than the original: the new version's write fails part way.
    done = subprocess.run([sys.executable, "-c", INTERRUPTED, str(target)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "27", done.stdout + done.stderr  # EFBIG: File too large
    assert target.read_bytes() == (FAQ_DIR / "gpt-basics.yaml").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["gpt-basics.yaml"]  # the partial temporary file is gone
