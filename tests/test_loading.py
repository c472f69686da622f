"""Loading and validating FAQ files: every problem names the file, the line, the entry and the
field, says what to fix, and all problems of a directory are reported at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import FAQ_DIR, ROOT, SMALL_FAQ, TOPIC_IDS, line_no

from bot.engine.loading import FaqError, Problem, load_faq
from bot.engine.yamlsafe import Limits


def problems_of(directory: Path, limits: Limits = Limits()) -> list[Problem]:
    with pytest.raises(FaqError) as info:
        load_faq(directory, limits)
    problems = info.value.problems
    assert problems, "FaqError without problems"
    # The exception's text lists every problem, one per line.
    assert str(info.value).splitlines() == [str(p) for p in problems]
    return problems


def the_problem(problems: list[Problem], *parts: str) -> str:
    """The text of the one problem that mentions every part."""
    texts = [str(p) for p in problems]
    hits = [t for t in texts if all(part in t for part in parts)]
    assert hits, f"no problem mentions all of {parts!r}; the problems were:\n" + "\n".join(texts)
    return hits[0]


# --- the shipped FAQ -----------------------------------------------------------------------------


def test_shipped_faq_loads_without_problems():
    faq = load_faq(FAQ_DIR)
    assert len(faq.entries) >= len(TOPIC_IDS)
    assert faq.synonyms, "synonyms.yaml was not read"


def test_shipped_faq_has_every_required_topic_id():
    ids = [e.id for e in load_faq(FAQ_DIR).entries]
    missing = [i for i in TOPIC_IDS if i not in ids]
    assert not missing, f"required ids missing from the FAQ: {missing}"
    assert len(ids) == len(set(ids))


def test_shipped_entries_have_both_languages():
    for entry in load_faq(FAQ_DIR).entries:
        if entry.id in TOPIC_IDS:
            assert set(entry.questions) == {"en", "zh"} == set(entry.answer), entry.id


def test_small_valid_faq_loads(make_faq):
    faq = load_faq(make_faq({"fruit.yaml": SMALL_FAQ}))
    apple = faq.get("fruit-apple")
    assert apple is not None and faq.get("fruit-pear") is not None
    assert apple.questions["en"] == ("What is an apple?", "Tell me about apples")
    assert apple.answer["zh"] == "苹果是一种长在树上的脆水果。"
    assert apple.related == ("fruit-pear",)
    assert apple.sources == ("https://example.org/apple",)
    assert apple.line == 1


# --- the file as a whole ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bad_lines"),
    [
        # an unclosed flow list: libyaml notices on the line itself or the next one
        ("- id: a\n  questions:\n    en: [What is a, \"b\"\n  answer:\n    en: x\n", {3, 4}),
        # a block mapping key indented wrongly
        ("- id: a\n  questions:\n    en: [x]\n   answer: y\n", {4}),
        # a quote opened on line 3 and never closed: the line to fix is 3, not the end of the file
        ("- id: a\n  questions:\n    en: [\"What is a]\n  answer:\n    en: x\n"
         "- id: b\n  questions:\n    en: [y]\n  answer:\n    en: z\n", {3}),
    ],
    ids=["unclosed-bracket", "bad-indentation", "unterminated-quote"],
)
def test_invalid_yaml_syntax(make_faq, text, bad_lines):
    directory = make_faq({"broken.yaml": text})
    path = directory / "broken.yaml"
    (problem,) = problems_of(directory)
    message = str(problem)
    assert problem.file == str(path)
    assert problem.line in bad_lines, message
    assert message.startswith(f"{path}:{problem.line}: ")
    assert "not valid YAML" in message
    assert "check the indentation and quoting" in message


def test_file_over_size_cap(make_faq):
    directory = make_faq({"fruit.yaml": SMALL_FAQ})
    size = (directory / "fruit.yaml").stat().st_size
    (problem,) = problems_of(directory, Limits(max_file_bytes=100))
    message = str(problem)
    assert str(directory / "fruit.yaml") in message
    assert f"{size:,} bytes" in message and "limit of 100" in message
    assert "limits.max_file_bytes" in message
    assert "split it into several files" in message
    # exactly at the cap is fine
    assert load_faq(directory, Limits(max_file_bytes=size)).get("fruit-apple") is not None


def test_nesting_deeper_than_cap(make_faq):
    text = SMALL_FAQ.replace("  tags: [fruit]\n  related", "  tags: [[[fruit]]]\n  related")
    directory = make_faq({"deep.yaml": text})
    path = directory / "deep.yaml"
    # A FAQ entry needs 4 levels: list of entries > entry > questions > en list.
    assert load_faq(make_faq({"ok.yaml": SMALL_FAQ}, name="ok"), Limits(max_depth=4))
    (problem,) = problems_of(directory, Limits(max_depth=4))
    message = str(problem)
    assert message.startswith(f"{path}:{line_no(text, '[[[fruit]]]')}: ")
    assert "deeper than 4 levels" in message and "limits.max_depth" in message
    assert "flatten the structure" in message


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")], ids=["lists", "mappings"])
def test_60000_deep_file_gives_an_error_not_a_crash(tmp_path, opener, closer):
    # Run in a child process: if the loader ever recursed per level again, a crash there
    # fails this test instead of killing the whole test run.
    directory = tmp_path / "faq"
    directory.mkdir()
    (directory / "deep.yaml").write_text(opener * 60_000 + "x" + closer * 60_000 + "\n", encoding="utf-8")
    script = (
        "import json, sys\n"
        "from bot.engine.loading import FaqError, load_faq\n"
        "try:\n"
        "    load_faq(sys.argv[1])\n"
        "except FaqError as err:\n"
        "    print(json.dumps([[p.file, p.line, p.message] for p in err.problems]))\n"
        "else:\n"
        "    print('loaded')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(directory)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, f"the loader crashed (exit {done.returncode}): {done.stderr[-2000:]}"
    problems = json.loads(done.stdout)
    assert len(problems) == 1
    file, line, message = problems[0]
    assert file == str(directory / "deep.yaml") and line == 1
    assert "nesting is deeper than 16 levels" in message


def test_brackets_inside_quotes_and_comments_are_not_nesting(make_faq):
    # A file the YAML parser refuses for another reason is not reported as too deep because
    # its quoted text or comments hold brackets.
    text = SMALL_FAQ + '- id: quoted\n  questions: {en: ["' + "[" * 40 + '"]}  # ' + "{" * 40 + "\n  answer: [\n"
    directory = make_faq({"quoted.yaml": text})
    (problem,) = problems_of(directory)
    assert "not valid YAML" in str(problem) and "deeper" not in str(problem)


BILLION_LAUGHS = """\
- id: lol
  questions:
    en: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  answer:
    en: lol
  tags: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  related: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  sources: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  not_questions: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
"""


def test_alias_bomb_over_alias_cap(make_faq):
    directory = make_faq({"bomb.yaml": BILLION_LAUGHS})
    path = directory / "bomb.yaml"
    (problem,) = problems_of(directory)
    message = str(problem)
    # 9 aliases each on the tags, related and sources lines; the 33rd is on the not_questions line
    assert message.startswith(f"{path}:{line_no(BILLION_LAUGHS, 'not_questions:')}: ")
    assert "more than 32 aliases" in message and "limits.max_aliases" in message
    assert "write the values out" in message


def test_alias_cap_is_a_setting_and_a_few_aliases_are_fine(make_faq):
    text = SMALL_FAQ.replace("  tags: [fruit]\n  related", "  tags: &fruit [fruit]\n  related")
    text = text.replace("  tags: [fruit]\n", "  tags: *fruit\n")
    directory = make_faq({"fruit.yaml": text})
    assert load_faq(directory).get("fruit-pear").tags == ("fruit",)
    (problem,) = problems_of(directory, Limits(max_aliases=0))
    assert str(problem).startswith(f"{directory / 'fruit.yaml'}:{line_no(text, '*fruit')}: ")
    assert "more than 0 aliases" in str(problem)


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system", "!!binary",
     "!custom"],
)
def test_unsafe_tag_is_refused_and_nothing_runs(make_faq, tmp_path, tag):
    marker = tmp_path / "executed"
    value = "aGVsbG8=" if tag == "!!binary" else f'["touch {marker}"]'
    text = SMALL_FAQ.replace("    en: A pear is a sweet fruit with a narrow top.", f"    en: {tag} {value}")
    directory = make_faq({"evil.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    expected_line = line_no(text, tag)
    assert message.startswith(f"{directory / 'evil.yaml'}:{expected_line}: "), message
    assert f"unsupported tag {tag}" in message
    assert "remove the tag" in message
    assert not marker.exists(), "a YAML tag ran a command"


def test_python_tag_at_top_level_runs_nothing(make_faq, tmp_path):
    marker = tmp_path / "pwned"
    text = f'- !!python/object/apply:os.system ["touch {marker}"]\n'
    directory = make_faq({"evil.yaml": text})
    (problem,) = problems_of(directory)
    assert str(problem).startswith(f"{directory / 'evil.yaml'}:1: unsupported tag !!python/object/apply:os.system")
    assert not marker.exists()


def test_plain_date_is_text_not_an_unsupported_tag(make_faq):
    # Nobody wrote a tag here; YAML merely resolves the plain scalar as a timestamp.
    text = SMALL_FAQ.replace("  tags: [fruit]\n  related", "  tags: [fruit, 2023-03-14]\n  related")
    directory = make_faq({"fruit.yaml": text})
    try:
        faq = load_faq(directory)
    except FaqError as err:
        pytest.fail(f"a plain date value was refused: {err}")
    assert faq.get("fruit-apple").tags == ("fruit", "2023-03-14")


def test_non_utf8_bytes(make_faq):
    data = SMALL_FAQ.encode("utf-8").replace(b"What is a pear?", b"What is a p\xe9ar?")
    directory = make_faq({"latin1.yaml": data})
    (problem,) = problems_of(directory)
    expected_line = line_no(SMALL_FAQ, "What is a pear?")
    assert str(problem).startswith(f"{directory / 'latin1.yaml'}:{expected_line}: ")
    assert "not valid UTF-8" in str(problem) and "save it as UTF-8" in str(problem)


def test_utf8_byte_order_mark_is_accepted(make_faq):
    directory = make_faq({"bom.yaml": b"\xef\xbb\xbf" + SMALL_FAQ.encode("utf-8")})
    assert load_faq(directory).get("fruit-apple") is not None


# --- entries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["questions", "answer"])
def test_missing_required_field(make_faq, field):
    start = "  questions:\n" if field == "questions" else "  answer:\n"
    end = "  answer:\n" if field == "questions" else "  tags: [fruit]\n  related"
    head, rest = SMALL_FAQ.split(start, 1)
    text = head + end + rest.split(end, 1)[1]
    directory = make_faq({"fruit.yaml": text})
    message = the_problem(problems_of(directory), f"field '{field}'")
    assert message.startswith(f"{directory / 'fruit.yaml'}:1, entry 'fruit-apple', field '{field}': ")
    assert f"missing required field '{field}'" in message
    assert "add" in message.split(": ", 1)[1], f"the message does not say what to fix: {message}"


def test_missing_id_names_the_entry_by_position(make_faq):
    text = SMALL_FAQ.replace("- id: fruit-pear\n  questions:", "- questions:")
    directory = make_faq({"fruit.yaml": text})
    message = the_problem(problems_of(directory), "field 'id'")
    assert message.startswith(f"{directory / 'fruit.yaml'}:{line_no(text, '- questions:')}, entry '#2', field 'id': ")
    assert "missing required field 'id'" in message


@pytest.mark.parametrize("bad_id", ["Fruit_Pear", "fruit--pear", "-pear", "pear-", "fruit pear", "梨"])
def test_bad_id_format(make_faq, bad_id):
    text = SMALL_FAQ.replace("- id: fruit-pear", f"- id: '{bad_id}'").replace("related: [fruit-pear]", "related: []")
    directory = make_faq({"fruit.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    assert message.startswith(f"{directory / 'fruit.yaml'}:{line_no(text, bad_id)}, entry '#2', field 'id': ")
    assert f"'{bad_id}' is not a valid id" in message
    assert "lowercase letters, digits and single hyphens" in message


def test_unknown_field_with_did_you_mean_hint(make_faq):
    text = SMALL_FAQ.replace("  tags: [fruit]\n  related", "  tagz: [fruit]\n  related")
    directory = make_faq({"fruit.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    assert message.startswith(f"{directory / 'fruit.yaml'}:{line_no(text, 'tagz')}, entry 'fruit-apple', field 'tagz': ")
    assert "unknown field 'tagz'" in message and "did you mean 'tags'?" in message


def test_unknown_field_without_close_match_lists_the_fields(make_faq):
    text = SMALL_FAQ.replace("  tags: [fruit]\n  related", "  colour: red\n  tags: [fruit]\n  related")
    (problem,) = problems_of(make_faq({"fruit.yaml": text}))
    assert "unknown field 'colour'" in str(problem)
    assert "id, questions, answer, tags, related, sources, not_questions" in str(problem)


def test_questions_in_a_language_without_answer(make_faq):
    text = SMALL_FAQ.replace("    zh: 苹果是一种长在树上的脆水果。\n", "")
    directory = make_faq({"fruit.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    answer_line = line_no(text, "answer:")
    # the problem is reported at the answer field (its key or its first line)
    assert problem.line in (answer_line, answer_line + 1), message
    assert f"{directory / 'fruit.yaml'}:{problem.line}, entry 'fruit-apple', field 'answer': " in message
    assert "questions are given in 'zh' but the answer is not" in message and "add answer.zh" in message


def test_answer_in_a_language_without_questions(make_faq):
    text = SMALL_FAQ.replace("    zh:\n      - 苹果是什么？\n", "")
    directory = make_faq({"fruit.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    questions_line = line_no(text, "questions:")
    assert problem.line in (questions_line, questions_line + 1), message
    assert f"{directory / 'fruit.yaml'}:{problem.line}, entry 'fruit-apple', field 'questions': " in message
    assert "the answer is given in 'zh' but no question is" in message and "add questions.zh" in message


def test_unsupported_language_key(make_faq):
    text = SMALL_FAQ.replace("      - 苹果是什么？\n", "      - 苹果是什么？\n    fr:\n      - Qu'est-ce qu'une pomme ?\n")
    directory = make_faq({"fruit.yaml": text})
    message = the_problem(problems_of(directory), "questions.fr")
    fr_line = line_no(text, "fr:")
    assert message.startswith(f"{directory / 'fruit.yaml'}:"), message
    assert any(message.startswith(f"{directory / 'fruit.yaml'}:{n}, ") for n in (fr_line, fr_line + 1)), message
    assert "entry 'fruit-apple', field 'questions.fr'" in message
    assert "unsupported language 'fr'" in message and "use one of en, zh" in message


@pytest.mark.parametrize("empty", ['""', "'   '", ""], ids=["quotes", "blanks", "nothing"])
def test_empty_phrasing(make_faq, empty):
    text = SMALL_FAQ.replace("      - Tell me about apples\n", f"      - Tell me about apples\n      - {empty}\n")
    directory = make_faq({"fruit.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    empty_line = line_no(text, "Tell me about apples") + 1
    assert message.startswith(f"{directory / 'fruit.yaml'}:{empty_line}, entry 'fruit-apple', "
                              "field 'questions.en': ")
    assert "is empty" in message and "write the text, or remove" in message


def test_empty_answer(make_faq):
    text = SMALL_FAQ.replace("    en: A pear is a sweet fruit with a narrow top.", '    en: ""')
    directory = make_faq({"fruit.yaml": text})
    message = the_problem(problems_of(directory), "field 'answer.en'")
    empty_line = line_no(text, 'en: ""')
    assert message.startswith(f"{directory / 'fruit.yaml'}:{empty_line}, entry 'fruit-pear', ")
    assert "is empty" in message


def test_duplicate_ids_across_two_files_names_both(make_faq):
    other = SMALL_FAQ.split("\n- id: fruit-pear", 1)[1]
    other = "# the pear again\n- id: fruit-pear" + other
    directory = make_faq({"a.yaml": SMALL_FAQ, "b.yaml": other})
    message = the_problem(problems_of(directory), "duplicate id")
    first = f"{directory / 'a.yaml'}:{line_no(SMALL_FAQ, '- id: fruit-pear')}"
    second = f"{directory / 'b.yaml'}:{line_no(other, '- id: fruit-pear')}"
    assert first in message and second in message
    assert "entry 'fruit-pear', field 'id'" in message
    assert "rename one" in message


def test_unknown_related_id(make_faq):
    text = SMALL_FAQ.replace("related: [fruit-pear]", "related: [fruit-peer]")
    directory = make_faq({"fruit.yaml": text})
    (problem,) = problems_of(directory)
    message = str(problem)
    assert problem.line == line_no(text, "related:") != 1, message  # the field's line, not the entry's
    assert f"{directory / 'fruit.yaml'}:{problem.line}, entry 'fruit-apple', field 'related': " in message
    assert "unknown id 'fruit-peer'" in message and "did you mean 'fruit-pear'?" in message


def test_an_entry_with_problems_of_its_own_still_has_its_links_and_id_checked_in_the_same_pass(make_faq):
    text = (SMALL_FAQ.replace("related: [fruit-pear]", "related: [fruit-peer]")
            .replace("    zh: 苹果是一种长在树上的脆水果。\n", "") + SMALL_FAQ.split("\n\n", 1)[1])  # no zh answer
    problems = problems_of(make_faq({"fruit.yaml": text}))
    assert "questions are given in 'zh' but the answer is not" in the_problem(problems, "fruit-apple", "answer")
    assert "did you mean 'fruit-pear'?" in the_problem(problems, "fruit-apple", "unknown id 'fruit-peer'")
    assert "duplicate id" in the_problem(problems, "fruit-pear", "duplicate")


def test_a_link_that_may_be_into_a_file_that_is_not_valid_yaml_says_so(make_faq):
    other = SMALL_FAQ.split("\n- id: fruit-pear", 1)[1]
    broken = "- id: fruit-pear" + other + "  related: [unclosed\n"
    directory = make_faq({"apple.yaml": SMALL_FAQ.split("\n- id: fruit-pear", 1)[0], "pear.yaml": broken})
    problems = problems_of(directory)
    assert [p for p in problems if "not valid YAML" in str(p)]
    assert "(unless it is in pear.yaml, which could not be read)" in the_problem(problems, "unknown id 'fruit-pear'")


def test_entry_related_to_itself(make_faq):
    text = SMALL_FAQ.replace("related: [fruit-pear]", "related: [fruit-apple]")
    message = the_problem(problems_of(make_faq({"fruit.yaml": text})), "related")
    assert "entry 'fruit-apple'" in message and "cannot be related to itself" in message


def test_source_must_be_a_link(make_faq):
    text = SMALL_FAQ.replace('sources: ["https://example.org/apple"]', 'sources: ["the apple book"]')
    directory = make_faq({"fruit.yaml": text})
    message = the_problem(problems_of(directory), "field 'sources'")
    assert message.startswith(f"{directory / 'fruit.yaml'}:{line_no(text, 'sources:')}, entry 'fruit-apple', ")
    assert "'the apple book' is not a link" in message and "http(s) URLs" in message


SYNONYMS = """\
# groups of terms
- [apple, pomme, 苹果]
- [pear, poire]
- [fruit, pomme]
"""


def test_synonym_term_in_two_groups(make_faq):
    directory = make_faq({"fruit.yaml": SMALL_FAQ, "synonyms.yaml": SYNONYMS})
    message = the_problem(problems_of(directory), "'pomme'")
    path = directory / "synonyms.yaml"
    assert f"also in the group at {path}:{line_no(SYNONYMS, '[apple, pomme')}" in message
    assert "a term may belong to one group only" in message
    assert "synonym group #3" in message
    # like every other problem: the full path and the line of the second group, and the field
    assert message.startswith(f"{path}:{line_no(SYNONYMS, '[fruit, pomme]')}, "), message
    assert "field 'terms'" in message, message


def test_synonym_group_needs_two_terms(make_faq):
    text = "- [apple, pomme]\n- [lonely]\n"
    directory = make_faq({"fruit.yaml": SMALL_FAQ, "synonyms.yaml": text})
    (problem,) = problems_of(directory)
    assert str(problem).startswith(f"{directory / 'synonyms.yaml'}:2, entry 'synonym group #2', field 'terms': ")
    assert "at least two terms" in str(problem)


def test_symlink_pointing_outside_the_faq_directory_is_refused(make_faq, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(SMALL_FAQ.replace("fruit-apple", "stolen-apple").replace("fruit-pear", "stolen-pear"),
                      encoding="utf-8")
    directory = make_faq({"fruit.yaml": SMALL_FAQ})
    (directory / "linked.yaml").symlink_to(secret)
    (problem,) = problems_of(directory)
    message = str(problem)
    assert message.startswith(f"{directory / 'linked.yaml'}: ")
    assert "points outside the FAQ directory" in message
    assert "copy the file in instead of linking it" in message


def test_a_relative_dot_dot_link_out_of_the_faq_directory_is_refused(make_faq, tmp_path):
    (tmp_path / "outside.yaml").write_text(SMALL_FAQ.replace("fruit-", "stolen-"), encoding="utf-8")
    directory = make_faq({"fruit.yaml": SMALL_FAQ})
    (directory / "sub").mkdir()
    (directory / "sub" / "escape.yaml").symlink_to("../../outside.yaml")
    (problem,) = problems_of(directory)
    assert str(problem).startswith(f"{directory / 'sub' / 'escape.yaml'}: ")
    assert "points outside the FAQ directory" in str(problem)


def test_symlinked_directory_pointing_outside_is_not_loaded(make_faq, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(SMALL_FAQ.replace("fruit-", "stolen-"), encoding="utf-8")
    directory = make_faq({"fruit.yaml": SMALL_FAQ})
    (directory / "sub").symlink_to(outside, target_is_directory=True)
    try:
        faq = load_faq(directory)
    except FaqError as err:
        assert "points outside the FAQ directory" in str(err)
    else:
        assert faq.get("stolen-apple") is None


def test_symlink_inside_the_faq_directory_is_allowed(make_faq, tmp_path):
    directory = make_faq({"real/fruit.yaml": SMALL_FAQ})
    (directory / "alias.yml").symlink_to(directory / "real" / "fruit.yaml")
    # the same file twice: a duplicate-id problem, not an "outside" problem
    problems = problems_of(directory)
    assert all("outside" not in str(p) for p in problems)
    assert any("duplicate id" in str(p) for p in problems)


def test_empty_directory_and_missing_directory(tmp_path, make_faq):
    (problem,) = problems_of(make_faq({}, name="empty"))
    assert "no FAQ files" in str(problem)
    with pytest.raises(FaqError) as info:
        load_faq(tmp_path / "nope")
    assert "no such folder: pass the folder holding the FAQ's .yaml files" in str(info.value)


def test_several_problems_reported_at_once(make_faq, tmp_path):
    bad_entries = """\
- id: Bad_Id
  questions:
    en: [What?]
  answer:
    en: That.
- id: no-answer
  questions:
    en: [Where?]
- id: typo-field
  questions:
    en: [When?]
  answer:
    en: Now.
  relatd: [fruit-apple]
- id: half-language
  questions:
    en: [Who?]
    zh: [谁？]
  answer:
    en: Them.
  related: [no-such-entry]
"""
    directory = make_faq({
        "fruit.yaml": SMALL_FAQ,
        "bad.yaml": bad_entries,
        "syntax.yaml": "- id: a\n  questions:\n    en: [x]\n   answer: y\n",
        "big.yaml": SMALL_FAQ + "#" * 2000 + "\n",
        "deep.yaml": "- " + "[" * 40 + "]" * 40 + "\n",
    })
    problems = problems_of(directory, Limits(max_file_bytes=2000))
    bad = str(directory / "bad.yaml")
    the_problem(problems, bad, "'Bad_Id' is not a valid id")
    the_problem(problems, bad, "entry 'no-answer'", "missing required field 'answer'")
    the_problem(problems, bad, "entry 'typo-field'", "did you mean 'related'?")
    the_problem(problems, bad, "entry 'half-language'", "add answer.zh")
    the_problem(problems, str(directory / "syntax.yaml") + ":4", "not valid YAML")
    the_problem(problems, str(directory / "big.yaml"), "limits.max_file_bytes")
    the_problem(problems, str(directory / "deep.yaml") + ":1", "nesting is deeper")
    assert len(problems) >= 7
