"""`faqbot import` and `faqbot export`, run as the command: a QnA Maker export as real ones are (BOM, tabs and
quotes inside answers, several rows a pair, prompts, context-only pairs, metadata), a CSV, a Markdown FAQ, an
Excel workbook; bad rows named by line with nothing written; and import -> export -> import losing nothing."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from support import run_faqbot

from bot.engine import build_engine
from bot.engine.faq import Entry
from bot.engine.loading import load_faq
from bot.improve.exporting import export, qna_ids
from bot.improve.importing.model import CannotImport, Format
from bot.improve.importing.writing import write

HEADER = ["Question", "Answer", "Source", "Metadata", "SuggestedQuestions", "IsContextOnly", "Prompts", "QnaId"]
RESET = 'Open the **reset page**:\\n[reset it](https://example.org/reset)\\n\\n- type "yes"\tthen press OK'
PROMPTS = json.dumps([{"displayOrder": 2, "qnaId": 3, "displayText": "Still locked out?"},
                      {"displayOrder": 1, "qnaId": 2, "displayText": "Change it instead"}])
ROWS = [
    ["How do I reset my password?", RESET, "https://example.org/kb/passwords", "category:accounts|product:portal",
     "[]", "false", PROMPTS, "1"],
    ["I forgot my password", RESET, "https://example.org/kb/passwords", "category:accounts|product:portal",
     '["forgot pwd", "lost password"]', "false", PROMPTS, "1"],
    ["How do I change my password?", "Open your profile and pick *Change password*.", "Editorial",
     "category:accounts", "[]", "False", "[]", "2"],
    ["", "", "", "", "", "", "", ""],
    ["Still locked out", "Call the helpdesk on 4040.", "manual.pdf", "", "[]", "TRUE", "[]", "3"],
    ["如何连接 VPN？", "安装 VPN 客户端，然后用公司账号登录。", "Editorial", "", "[]", "false", "[]", "7"],
    ["VPN 连不上怎么办", "安装 VPN 客户端，然后用公司账号登录。", "Editorial", "", "[]", "false", "[]", "7"],
]


def tsv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, csv.excel_tab).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def export_file(tmp_path):
    path = tmp_path / "kb-export.tsv"
    path.write_bytes(tsv(ROWS))
    return path


def entries(faq_dir):
    return {e.id: e for e in load_faq(faq_dir).entries}


def test_a_qnamaker_export_becomes_a_faq_that_loads_and_lints(export_file, tmp_path):
    out = tmp_path / "faq"
    done = run_faqbot("import", export_file, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "imported 4 entries (6 phrasings, 2 follow-ups, 1 context-only)" in done.stdout
    assert f"{export_file}:5: empty row" in done.stdout
    assert "1 row carries suggested questions (active learning's, line 3)" in done.stdout
    assert "lint: no problems" in done.stdout
    got = entries(out)
    assert list(got) == ["how-do-i-reset-my-password", "how-do-i-change-my-password", "still-locked-out", "entry-7"]
    reset = got["how-do-i-reset-my-password"]
    assert reset.questions == {"en": ("How do I reset my password?", "I forgot my password")}
    assert reset.answer["en"] == ('Open the **reset page**:\n[reset it](https://example.org/reset)\n\n'
                                  '- type "yes"\tthen press OK')
    assert reset.tags == ("category:accounts", "product:portal")
    assert reset.sources == ("https://example.org/kb/passwords",)
    assert reset.related == ("how-do-i-change-my-password", "still-locked-out")  # by displayOrder
    assert reset.related_labels == {"how-do-i-change-my-password": "Change it instead",
                                    "still-locked-out": "Still locked out?"}
    assert got["still-locked-out"].context_only and not got["still-locked-out"].sources  # a file is no link
    assert got["entry-7"].questions == {"zh": ("如何连接 VPN？", "VPN 连不上怎么办")}
    engine = build_engine(out)
    assert engine.answer("Still locked out").entry_id != "still-locked-out"
    assert engine.answer("I forgot my password").entry_id == "how-do-i-reset-my-password"
    assert run_faqbot("lint", "--faq", out, "--index-cache", "off").returncode == 0


def test_bad_rows_are_named_by_line_and_nothing_is_written(export_file, tmp_path):
    rows = ROWS + [["Broken", "an answer", "", "", "[]", "maybe", "[]", "9"],
                   ["Prompted", "another", "", "", "[]", "false", "[{oops", "10"],
                   ["No id", "answer", "", "", "[]", "false", "[]", "ten"],
                   ["Too short"],
                   ["Leads nowhere", "answer", "", "", "[]", "false", '[{"qnaId": 99, "displayText": "x"}]', "11"],
                   ["I forgot my password", "A different answer", "", "", "[]", "false", "[]", "1"]]
    export_file.write_bytes(tsv(rows))
    out = tmp_path / "faq"
    done = run_faqbot("import", export_file, "--out", out)
    assert done.returncode == 1 and not out.exists()
    assert "Traceback" not in done.stderr
    for line, says in [(9, "IsContextOnly is 'maybe'"), (10, "Prompts: not valid JSON"), (11, "QnaId 'ten'"),
                       (12, "has 1 fields where the header has 8"), (13, "a prompt leads to QnaId 99"),
                       (14, "QnaId 1 has another answer on line 2")]:
        assert f"{export_file}:{line}: {says}" in done.stderr
    assert "--skip-bad" in done.stderr
    assert "nothing was imported: 6 rows to fix" in done.stderr
    done = run_faqbot("import", export_file, "--out", out, "--skip-bad")
    assert done.returncode == 0, done.stderr
    assert f"{export_file}:9: not imported: IsContextOnly" in done.stdout
    assert f"{export_file}:13: imported without it: a prompt leads to QnaId 99" in done.stdout
    assert {"how-do-i-reset-my-password", "leads-nowhere"} <= set(entries(out))


def test_an_existing_folder_is_kept_unless_forced(export_file, tmp_path):
    out = tmp_path / "faq"
    out.mkdir()
    (out / "mine.yaml").write_text("precious", encoding="utf-8")
    done = run_faqbot("import", export_file, "--out", out)
    assert done.returncode == 2 and "--force" in done.stderr
    assert (out / "mine.yaml").read_text(encoding="utf-8") == "precious"
    assert run_faqbot("import", export_file, "--out", out, "--force").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["kb-export.yaml"]



def test_the_imported_folder_is_made_as_the_umask_says_not_private(export_file, tmp_path):
    mask = os.umask(0o022)  # the usual one, whatever this process had: the import inherits it
    try:
        assert run_faqbot("import", export_file, "--out", tmp_path / "faq").returncode == 0
    finally:
        os.umask(mask)
    assert (tmp_path / "faq").stat().st_mode & 0o777 == 0o755  # a bot run as another user can read it


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where nobody may create a folder")
def test_a_folder_that_cannot_be_made_is_one_line_and_nothing_written(export_file):
    done = run_faqbot("import", export_file, "--out", "/proc/faqbot-import/faq")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("faqbot: cannot write /proc/faqbot-import/faq (") and "nothing was written" in done.stderr


def test_force_replaces_only_a_folder_of_faq_files(export_file, tmp_path):
    out = tmp_path / "faq"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (out / "mine.yaml").write_text("precious", encoding="utf-8")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    done = run_faqbot("import", export_file, "--out", out, "--force")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"faqbot: {out} holds {out / '.git' / 'HEAD'}, which is not a FAQ file "
                                        "(.yaml or .yml): --force replaces only a folder of FAQ files; move it away, "
                                        "or give another folder"]
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    shutil.rmtree(out / ".git")
    (out / "team").mkdir()
    (out / "team" / "more.yml").write_text("- id: x\n", encoding="utf-8")
    (out / "team" / "README.md").write_text("# Our FAQ\n", encoding="utf-8")
    done = run_faqbot("import", export_file, "--out", out, "--force")
    assert done.returncode == 2 and f"holds {out / 'team' / 'README.md'}," in done.stderr
    (out / "team" / "README.md").unlink()
    assert run_faqbot("import", export_file, "--out", out, "--force").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["kb-export.yaml"]


def test_importing_over_a_new_projects_examples_says_they_are_gone(export_file, tmp_path):
    assert run_faqbot("init", tmp_path / "team").returncode == 0
    done = run_faqbot("import", export_file, "--out", tmp_path / "team" / "faq", "--force")
    assert done.returncode == 0, done.stderr
    assert "2 entries of the folder replaced (" in done.stdout and "are not in the import and are gone" in done.stdout
    assert "synonyms.yaml: kept from the folder replaced" in done.stdout


def test_an_edited_export_imported_back_over_its_folder_keeps_its_synonyms_and_not_questions(export_file, tmp_path):
    out, edited = tmp_path / "faq", tmp_path / "edited.csv"
    assert run_faqbot("import", export_file, "--out", out).returncode == 0
    (out / "synonyms.yaml").write_text("- [password, passcode]\n", encoding="utf-8")
    data = yaml.safe_load((out / "kb-export.yaml").read_text(encoding="utf-8"))
    reset = next(e for e in data if e["id"] == "how-do-i-reset-my-password")
    reset["not_questions"] = {"en": ["How do I reset my router?"]}
    vpn = next(e for e in data if "VPN" in str(e["questions"]))
    vpn["not_questions"] = {"zh": ["VPN 是什么？"]}
    (out / "kb-export.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run_faqbot("export", "--faq", out, "--format", "csv", "--out", edited).returncode == 0
    rows = list(csv.reader(io.StringIO(edited.read_text(encoding="utf-8-sig"))))
    kept = [rows[0]] + [r for r in rows[1:] if not any("VPN" in cell for cell in r)]  # one entry deleted
    with edited.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(kept)
    done = run_faqbot("import", edited, "--out", out, "--force")
    assert done.returncode == 0, done.stderr
    assert (out / "synonyms.yaml").read_text(encoding="utf-8") == "- [password, passcode]\n"
    by_id = {e.id: e for e in load_faq(out).entries}
    assert dict(by_id["how-do-i-reset-my-password"].not_questions) == {"en": ("How do I reset my router?",)}
    assert vpn["id"] not in by_id
    assert f"{out / 'synonyms.yaml'}: kept from the folder replaced" in done.stdout
    assert "kept 1 not_question of 1 entry imported again under the same id" in done.stdout
    assert f"the not_questions of '{vpn['id']}' went with their entries, which the import does not hold" in done.stdout


def test_a_folder_replaced_that_does_not_load_is_said_to_keep_nothing(export_file, tmp_path):
    out = tmp_path / "faq"
    out.mkdir()
    (out / "broken.yaml").write_text("- id: [not, an, id]\n", encoding="utf-8")
    done = run_faqbot("import", export_file, "--out", out, "--force")
    assert done.returncode == 0, done.stderr
    assert "the folder replaced did not load, so nothing of it was kept" in done.stdout


ENTRY = "- id: mine\n  questions: {en: [Is it mine?]}\n  answer: {en: Yes.}\n"


@pytest.mark.parametrize("put_back", [True, False])
def test_when_the_final_rename_fails_the_previous_faq_is_put_back_or_named(tmp_path, monkeypatch, put_back):
    out = tmp_path / "faq"
    out.mkdir()
    (out / "mine.yaml").write_text(ENTRY, encoding="utf-8")
    real_replace, failed = os.replace, []

    def replace(source, target):  # the file system refuses the rename onto `out` (once, or every time)
        if Path(target) == out and not (put_back and failed):
            failed.append(source)
            raise OSError(errno.EACCES, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(CannotImport) as raised:
        write(out, {"new.yaml": ENTRY.replace("mine", "new")}, force=True)
    message = str(raised.value)
    if put_back:
        assert message == f"cannot write {out} (Permission denied): it is left as it was"
        assert (out / "mine.yaml").read_text(encoding="utf-8") == ENTRY
        assert sorted(p.name for p in tmp_path.iterdir()) == ["faq"]
    else:
        kept = next(tmp_path.glob(".faq.replaced-*")) / "faq"
        assert message == f"cannot write {out} (Permission denied), nor put the previous faq back: it is now {kept}"
        assert (kept / "mine.yaml").read_text(encoding="utf-8") == ENTRY
        assert not any(p.name.startswith(".faq.importing-") for p in tmp_path.iterdir())

CSV = """\
id,question,question,answer,tags,related
,How do I book a meeting room?,book a room|reserve a room,"Use the **Rooms** app.",office|rooms,Who cleans the rooms? => Cleaning
room-cleaning,Who cleans the rooms?,,Facilities cleans them every evening.,office,
,How do I book a meeting room?,,Duplicate question: a collision for the maintainer,office,
"""


def test_a_csv_with_repeated_and_piped_questions(tmp_path):
    source = tmp_path / "rooms.csv"
    source.write_text(CSV, encoding="utf-8")
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 0, done.stderr
    got = entries(tmp_path / "faq")
    room = got["how-do-i-book-a-meeting-room"]
    assert room.questions["en"] == ("How do I book a meeting room?", "book a room", "reserve a room")
    assert room.tags == ("office", "rooms") and room.related_labels == {"room-cleaning": "Cleaning"}
    assert "how-do-i-book-a-meeting-room-2" in got
    assert "collision" in done.stdout and "how-do-i-book-a-meeting-room-2" in done.stdout


MARKDOWN = """\
# Team FAQ

## Travel

### How do I book travel?
Use the [travel portal](https://travel.example.org).

```
# not a heading
```

### Who approves trips?
Your manager.

## 报销

### 怎么报销？
在费用系统上传发票。
"""


def import_markdown(tmp_path: Path, text: str, *options: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`text` as tmp_path/FAQ.md, imported into tmp_path/faq (or where `options` say): the file and the run."""
    source = tmp_path / "FAQ.md"
    source.write_text(text, encoding="utf-8")
    return source, run_faqbot("import", source, *(options or ("--out", tmp_path / "faq")))


def test_a_markdown_faq(tmp_path):
    assert import_markdown(tmp_path, MARKDOWN)[1].returncode == 0
    got = entries(tmp_path / "faq")
    assert list(got) == ["how-do-i-book-travel", "who-approves-trips", "entry-3"]
    assert got["how-do-i-book-travel"].answer["en"].endswith("```\n# not a heading\n```")
    assert got["how-do-i-book-travel"].tags == ("travel",)
    assert got["entry-3"].questions == {"zh": ("怎么报销？",)} and got["entry-3"].tags == ("报销",)
    assert run_faqbot("list", "--faq", tmp_path / "faq", "--tag", "报销").stdout.split()[0] == "entry-3"


def test_a_markdown_title_with_an_introduction_is_no_question(tmp_path):
    source, done = import_markdown(tmp_path, "# Acme FAQ\n\nWelcome to our FAQ.\n\n## Who approves trips?\n"
                                             "Your manager.\n\n## How do I book travel?\nOn the portal.\n")
    assert done.returncode == 0, done.stderr
    assert list(entries(tmp_path / "faq")) == ["who-approves-trips", "how-do-i-book-travel"]
    assert f"{source}:1: the title 'Acme FAQ' and the text under it: the document's introduction" in done.stdout
    for text in ("# Who approves trips?\nYour manager.\n\n# How do I book travel?\nOn the portal.\n",  # all on top
                 "# Who approves trips?\nYour manager.\n\n## How do I book travel?\nOn the portal.\n"):  # a question
        assert import_markdown(tmp_path, text, "--out", str(tmp_path / "two"), "--force")[1].returncode == 0
        assert len(entries(tmp_path / "two")) == 2, text


def test_an_empty_markdown_heading_is_a_bad_row_of_its_file(tmp_path):
    source, done = import_markdown(tmp_path, "# Team FAQ\n\n## \nAn answer to no question.\n\n##\nAnother one.\n\n"
                                             "## Who approves trips?\nYour manager.\n")
    assert done.returncode == 1 and not (tmp_path / "faq").exists()
    for line in (3, 6):
        assert f"{source}:{line}: the heading is empty: write the question after the #'s" in done.stderr
    assert ".importing-" not in done.stderr
    done = run_faqbot("import", source, "--out", tmp_path / "faq", "--skip-bad")
    assert done.returncode == 0, done.stderr
    assert f"{source}:3: not imported: the heading is empty" in done.stdout
    assert list(entries(tmp_path / "faq")) == ["who-approves-trips"]


def test_a_source_that_is_no_link_is_left_out_with_a_note_naming_its_row(tmp_path):
    source = tmp_path / "manuals.csv"
    source.write_text("question,answer,sources\nWhere is the manual?,On the shelf.,"
                      "manual.pdf | https://example.org/manual\n", encoding="utf-8")
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 0, done.stderr
    assert f"{source}:2: source(s) 'manual.pdf' left out: a source is an http(s) link" in done.stdout
    (entry,) = load_faq(tmp_path / "faq").entries
    assert entry.sources == ("https://example.org/manual",)


def test_what_the_import_cannot_load_back_is_named_by_where_it_was_read(tmp_path):
    """Never by the staging folder, which is removed before anyone reads the message."""
    big = tmp_path / "big.csv"
    big.write_text("question,answer\nA long one?," + "word " * 230_000 + "\n", encoding="utf-8")
    done = run_faqbot("import", big, "--out", tmp_path / "faq")
    assert done.returncode == 2 and not (tmp_path / "faq").exists()
    assert "the imported FAQ would not load" in done.stderr and "the imported big.yaml: the file is" in done.stderr
    assert ".importing-" not in done.stderr and f"{tmp_path}{os.sep}." not in done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_line_breaks_saved_on_windows_are_plain_line_breaks(tmp_path):
    source = tmp_path / "rooms.csv"
    source.write_bytes(b'question,answer\r\n"How do I book a room?","Open the app.\r\nPick a room."\r\n'
                       b'Who cleans?,"Facilities,\revery evening."\r\n')
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 0, done.stderr
    got = entries(tmp_path / "faq")
    assert got["how-do-i-book-a-room"].answer["en"] == "Open the app.\nPick a room."
    assert got["who-cleans"].answer["en"] == "Facilities,\nevery evening."
    assert "\\r" not in "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "faq").glob("*.yaml"))


def test_control_characters_are_bad_rows(tmp_path):
    source = tmp_path / "rooms.csv"
    source.write_text('question,answer,tags\nhi\0there,An answer.,\nHow do I book a room?,"Use the app:\tRooms\n'
                      'then pick one.",office\nWho cleans?,Facilities\x1b[31m.,\nWhere?,Upstairs.,of\x07fice\n',
                      encoding="utf-8")
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 1 and not (tmp_path / "faq").exists()
    assert f"{source}:2: the question cell holds the control character U+0000 at character 3" in done.stderr
    assert f"{source}:5: the answer cell holds the control character U+001B" in done.stderr
    assert f"{source}:6: the tags cell holds the control character U+0007" in done.stderr
    done = run_faqbot("import", source, "--out", tmp_path / "faq", "--skip-bad")
    assert done.returncode == 0, done.stderr
    assert f"{source}:2: not imported: the question cell holds" in done.stdout
    assert entries(tmp_path / "faq")["how-do-i-book-a-room"].answer["en"] == "Use the app:\tRooms\nthen pick one."
    export = tmp_path / "kb.tsv"
    export.write_bytes(tsv([["Hi\0?", "Hello.", "", "", "[]", "false", "[]", "1"], ROWS[2]]))
    done = run_faqbot("import", export, "--out", tmp_path / "qna")
    assert done.returncode == 1
    assert f"{export}:2: the Question cell holds the control character U+0000" in done.stderr


def test_a_quote_left_open_and_a_header_without_its_columns_say_what_to_fix(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_text('question,answer\nWho approves budgets?,Finance.\n"Who pays invoices,Payables.\n',
                      encoding="utf-8")
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 1
    assert "a quote opened and never closed runs a cell on over the lines after it" in done.stderr
    assert done.stderr.splitlines()[-1].endswith("--skip-bad to import the rest without them")  # the first row is fine
    source.write_text("Question,Reply\nWho approves budgets?,Finance.\n", encoding="utf-8")
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 1 and "needs a `question` and an `answer` column (it has: Question, Reply)" in done.stderr
    assert done.stderr.splitlines()[-1] == "fix them and import again"  # skipping rows cannot help


def test_the_language_can_be_forced(export_file, tmp_path):
    assert run_faqbot("import", export_file, "--out", tmp_path / "faq", "--lang", "zh").returncode == 0
    assert all(set(e.questions) == {"zh"} for e in entries(tmp_path / "faq").values())


def test_an_excel_export(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in ROWS:
        book.active.append([int(c) if c.isdigit() else c for c in row])
    book.save(tmp_path / "kb.xlsx")
    done = run_faqbot("import", tmp_path / "kb.xlsx", "--out", tmp_path / "faq")
    assert done.returncode == 0, done.stderr
    assert entries(tmp_path / "faq").keys() == entries_of_tsv(tmp_path).keys()


def entries_of_tsv(tmp_path):
    (tmp_path / "kb.tsv").write_bytes(tsv(ROWS))
    run_faqbot("import", tmp_path / "kb.tsv", "--out", tmp_path / "from-tsv")
    return entries(tmp_path / "from-tsv")


def test_without_the_xlsx_extra_one_line_names_it(tmp_path):
    blocker = tmp_path / "blocked" / "openpyxl"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no openpyxl here')\n", encoding="utf-8")
    (tmp_path / "kb.xlsx").write_bytes(b"PK")
    done = run_faqbot("import", tmp_path / "kb.xlsx", "--out", tmp_path / "faq",
                      env={"PYTHONPATH": os.pathsep.join([str(tmp_path / "blocked"), os.environ.get("PYTHONPATH", "")])})
    assert done.returncode == 2
    assert done.stderr.strip() == 'faqbot: reading .xlsx needs the xlsx extra: pip install "faqbot[xlsx]"'


@pytest.mark.parametrize("form, suffix", [("qnamaker", "tsv"), ("csv", "csv")])
def test_import_export_import_keeps_everything(export_file, tmp_path, form, suffix):
    first, again = tmp_path / "first", tmp_path / "again"
    assert run_faqbot("import", export_file, "--out", first).returncode == 0
    exported = tmp_path / f"back.{suffix}"
    done = run_faqbot("export", "--faq", first, "--format", form, "--out", exported, "--index-cache", "off")
    assert done.returncode == 0, done.stderr
    assert run_faqbot("export", "--faq", first, "--format", form, "--out", exported).returncode == 2  # no overwrite
    assert run_faqbot("import", exported, "--out", again).returncode == 0
    before, after = entries(first), entries(again)
    assert list(before) == list(after)
    for entry_id, entry in before.items():
        other = after[entry_id]
        for field in ("questions", "answer", "tags", "sources", "related", "related_labels", "context_only"):
            assert getattr(entry, field) == getattr(other, field), (entry_id, field)


def test_export_numbers_every_qna_pair_once(tmp_path):
    """`entry-N` keeps N unless an earlier entry took it; the rest, and an entry's second language, get free ones."""
    ids = ["alpha", "entry-2", "beta", "entry-02", "entry-1", "gamma"]
    faq = [Entry(i, {"en": (f"What is {i}?",)}, {"en": f"{i}."}) for i in ids]
    faq[2] = Entry("beta", {"en": ("What is beta?",), "zh": ("什么是 beta？",)}, {"en": "beta.", "zh": "beta。"})
    assert qna_ids(faq) == {"entry-2": 2, "entry-1": 1, "alpha": 3, "beta": 4, "entry-02": 5, "gamma": 6}
    export(faq, Format.QNAMAKER, tmp_path / "kb.tsv")
    with open(tmp_path / "kb.tsv", encoding="utf-8-sig", newline="") as stream:
        numbers = [(row["Question"], int(row["QnaId"])) for row in csv.DictReader(stream, dialect=csv.excel_tab)]
    assert numbers == [("What is alpha?", 3), ("What is entry-2?", 2), ("What is beta?", 4), ("什么是 beta？", 7),
                       ("What is entry-02?", 5), ("What is entry-1?", 1), ("What is gamma?", 6)]


def test_an_export_of_single_phrasings_is_told_what_would_help(tmp_path):
    from support import EVAL_CASES

    done = run_faqbot("import", EVAL_CASES.parent / "imported" / "makerspace.tsv", "--out", tmp_path / "faq")
    assert done.returncode == 0, done.stderr
    assert "note: the entries have 1.7 phrasings each on average (6 have one: " in done.stdout
    assert "`faqbot learn` proposes them" in done.stdout


def test_an_export_says_what_its_file_cannot_hold(make_faq, tmp_path):
    from support import SMALL_FAQ

    text = SMALL_FAQ.replace('  sources: ["https://example.org/apple"]\n',
                             '  sources: ["https://example.org/apple"]\n  not_questions:\n    en: [Is an apple a phone?]\n')
    faq = make_faq({"fruit.yaml": text, "synonyms.yaml": "- [apple, pomme]\n"})
    for form, ids_lost in (("qnamaker", True), ("csv", False)):
        done = run_faqbot("export", "--faq", faq, "--format", form, "--out", tmp_path / f"kb.{form}",
                          "--index-cache", "off")
        assert done.returncode == 0, done.stderr
        assert "not_questions of 1 entry (fruit-apple) are not in the file" in done.stdout
        assert "synonyms.yaml (1 group) is not in the file" in done.stdout
        assert done.stdout.startswith("exported 2 entries as ")
        assert ("QnA Maker keeps no entry ids" in done.stdout) == ids_lost


@pytest.mark.parametrize("form", ["qnamaker", "csv"])
def test_a_tag_holding_the_separator_is_refused_not_split_in_two(make_faq, tmp_path, form):
    faq = make_faq({"fruit.yaml": "- id: apple\n  tags: [a|b]\n  questions:\n    en: [What is an apple?]\n"
                                  "  answer:\n    en: A fruit.\n"})
    done = run_faqbot("export", "--faq", faq, "--format", form, "--out", tmp_path / "kb", "--index-cache", "off")
    assert done.returncode == 2 and "'a|b' holds '|'" in done.stderr and not (tmp_path / "kb").exists()


def test_a_csv_excel_saved_in_gbk_is_read_as_such_and_said_so(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_bytes("question,answer\n怎么开发票？,在订单详情页点“申请发票”。\n配送费怎么算？,按距离计算，起步价 3 元。\n"
                       .encode("gbk"))
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode == 0, done.stderr
    assert "is not UTF-8: read as GB18030 (GBK)" in done.stdout + done.stderr
    got = entries(tmp_path / "faq")
    assert [e.questions for e in got.values()] == [{"zh": ("怎么开发票？",)}, {"zh": ("配送费怎么算？",)}]
    assert got["entry-1"].answer["zh"] == "在订单详情页点“申请发票”。"


def test_a_large_file_is_checked_to_its_end_and_its_bad_byte_named(tmp_path):
    source = tmp_path / "faq.csv"
    start = "\ufeffquestion,answer\nWhat is in the box?,".encode("utf-8")
    # the check reads a megabyte at a time after the byte-order mark: a dash across the first boundary must read whole
    boundary = len("\ufeff".encode("utf-8")) + (1 << 20)
    head = start + b"x" * (boundary - 1 - len(start)) + "— all of it.\n".encode("utf-8")
    head += "".join(f"Question {i}?,Answer {i} — ok.\n" for i in range(20_000)).encode("utf-8")
    source.write_bytes(head + "Where is the café?,Upstairs.\n".encode("latin-1"))
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode != 0 and not (tmp_path / "faq").exists()
    assert f"{source}: is not UTF-8 text (byte {len(head) + 16})" in done.stderr


# Read as GB18030, each would give Chinese characters, rare ones: an accented letter, or a sign, then an ASCII letter
NOT_GBK = [("question,answer\nWhere is the café?,Send your résumé to the désk.\n", "latin-1", ".csv"),
           ("# FAQ\n\n## Where is the café?\nSend your résumé to the désk.\n", "latin-1", ".md"),
           ("question,answer\nHow warm is the pool?,The pool is kept at 28°C all year.\n", "cp1252", ".csv"),
           ("question,answer\nÖffnungszeiten?,Täglich von 8 bis 20 Uhr.\n", "latin-1", ".csv"),
           ("question,answer\n怎麼開發票？,在訂單詳情頁點「申請發票」。\n", "big5", ".csv")]


@pytest.mark.parametrize(("text", "encoding", "suffix"), NOT_GBK, ids=["latin-1", "markdown", "degree", "umlaut",
                                                                       "big5"])
def test_text_that_is_neither_utf8_nor_chinese_is_refused_by_name(tmp_path, text, encoding, suffix):
    source = tmp_path / f"faq{suffix}"
    source.write_bytes(text.encode(encoding))
    done = run_faqbot("import", source, "--out", tmp_path / "faq")
    assert done.returncode != 0 and not (tmp_path / "faq").exists()
    assert f"{source}: is not UTF-8 text (byte " in done.stderr and "save it as UTF-8" in done.stderr
