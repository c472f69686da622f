"""Load a FAQ directory into a `Faq`, or say everything that is wrong with it at once.

Every problem names the file, the line, the entry and the field, and says what to fix.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.faq import LANGUAGES, Entry, Faq
from bot.engine.yamlsafe import Limits, YamlProblem, line_of, read_nodes

SYNONYMS_FILE = "synonyms.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELDS = ("id", "questions", "answer", "tags", "related", "sources", "not_questions", "context_only")
_URL = re.compile(r"^https?://\S+$")


def is_link(text: str) -> bool:
    """Whether `text` may be a source: an http(s) URL."""
    return bool(_URL.match(text))
REQUIRED = {
    "id": "add `id:` with a unique name such as azure-openai-billing",
    "questions": "add `questions:` with an `en:` and/or `zh:` list of ways to ask",
    "answer": "add `answer:` with the answer text under `en:` and/or `zh:`",
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.entry:
            parts.append(f"entry '{self.entry}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return f"{', '.join(parts)}: {self.message}"


class FaqError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def faq_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml"))


def digest_files(directory: Path, digest: hashlib._Hash) -> None:
    """Feeds `digest` the FAQ files' names and contents, so that it changes whenever they do. OSError when one
    cannot be read."""
    for path in faq_files(directory):
        digest.update(str(path.relative_to(directory)).encode("utf-8", "surrogatepass") + b"\0")
        if path.is_file():  # anything else is refused by the loader, and a pipe would never end
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def load_faq(directory: Path | str, limits: Limits = Limits()) -> Faq:
    """Raises FaqError listing every problem found."""
    directory = Path(directory)
    if not directory.is_dir():
        what = "not a directory" if directory.exists() else "no such folder"
        raise FaqError([Problem(str(directory), None, f"{what}: pass the folder holding the FAQ's .yaml files")])
    root = directory.resolve()
    problems: list[Problem] = []
    entries: list[Entry] = []
    synonyms: list[tuple[str, ...]] = []
    synonym_owner: dict[str, str] = {}  # term -> where its group is
    named: set[str] = set()  # every valid id given, its entry valid or not
    linked: list[_Links] = []  # every entry's id and links, valid or not, so that one pass names every problem
    files = faq_files(directory)
    unread: list[str] = []  # files whose entries could not be read: the ids in them are unknown
    for path in files:
        name = str(path)
        if not path.resolve().is_relative_to(root):
            problems.append(Problem(name, None, f"points outside the FAQ directory {directory}: "
                                    "FAQ files must live inside it; copy the file in instead of linking it"))
            continue
        if not path.is_file():  # a pipe or device would be waited on for ever; a directory cannot be read
            problems.append(Problem(name, None, "is not a regular file: FAQ files must be plain .yaml files"))
            continue
        try:
            node = read_nodes(path, limits)
        except YamlProblem as err:
            problems.append(Problem(name, err.line, err.message))
            unread.append(path.name)
            continue
        except OSError as err:
            problems.append(Problem(name, None, f"cannot be read ({err.strerror}): check its permissions"))
            unread.append(path.name)
            continue
        reader = _Reader(name, problems, named, linked)
        if path.name == SYNONYMS_FILE:
            synonyms.extend(reader.synonyms(node, synonym_owner))
        else:
            entries.extend(reader.entries(node))
    if not any(p.name != SYNONYMS_FILE for p in files) and not problems:
        problems.append(Problem(str(directory), None, "no FAQ files (*.yaml) found: add at least one file of entries"))
    problems.extend(_cross_check(linked, named, unread=unread))
    if problems:
        raise FaqError(problems)
    return Faq(tuple(entries), tuple(synonyms), directory)


@dataclass(frozen=True)
class _Links:
    """What the checks across entries read of one entry, whether or not it has problems of its own."""

    file: str
    line: int | None
    label: str  # its id, else its position in the file ("#3")
    id: str | None  # None: no valid id
    related: tuple[str, ...]
    context_only: bool
    related_line: int | None = None  # the `related:` field's line


class _Reader:
    """Validates the nodes of one file, recording problems instead of stopping at the first."""

    def __init__(self, file: str, problems: list[Problem], named: set[str], linked: list[_Links]) -> None:
        self.file = file
        self.problems = problems
        self.named = named
        self.linked = linked

    def problem(self, node: yaml.Node | None, message: str, entry: str | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(self.file, line_of(node) if node is not None else None, message, entry, field))

    def entries(self, root: yaml.Node | None) -> list[Entry]:
        if root is None:
            self.problem(None, "the file is empty: it should be a list of entries (`- id: ...`), or be removed")
            return []
        if not isinstance(root, yaml.SequenceNode):
            self.problem(root, "the file should be a list of entries, each starting with `- id: ...`")
            return []
        out = []
        for position, node in enumerate(root.value, start=1):
            entry = self.entry(node, position)
            if entry is not None:
                out.append(entry)
        return out

    def entry(self, node: yaml.Node, position: int) -> Entry | None:
        label = f"#{position}"
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each entry should be a mapping with id, questions and answer", label)
            return None
        fields = self.mapping(node, label, None)
        id_node = fields.get("id")
        entry_id = self.text(id_node, label, "id") if id_node is not None else None
        if entry_id is not None:
            if ID_PATTERN.match(entry_id):
                label = entry_id
                self.named.add(entry_id)
            else:
                self.problem(id_node, f"'{entry_id}' is not a valid id: use lowercase letters, digits "
                             "and single hyphens, e.g. azure-openai-billing", label, "id")
                entry_id = None
        for key, key_node in fields.items():
            if key not in FIELDS:
                hint = difflib.get_close_matches(key, FIELDS, n=1)
                fix = f"did you mean '{hint[0]}'?" if hint else f"the fields are: {', '.join(FIELDS)}"
                self.problem(key_node, f"unknown field '{key}': {fix}", label, key)
        for required, fix in REQUIRED.items():
            if required not in fields:
                self.problem(node, f"missing required field '{required}': {fix}", label, required)
        questions = self.by_language(fields.get("questions"), label, "questions", list_of_text=True)
        answer = self.by_language(fields.get("answer"), label, "answer", list_of_text=False)
        not_questions = self.by_language(fields.get("not_questions"), label, "not_questions", list_of_text=True)
        if questions and answer:
            for lang in questions.keys() - answer.keys():
                self.problem(fields["answer"], f"questions are given in '{lang}' but the answer is not: "
                             f"add answer.{lang}", label, "answer")
            for lang in answer.keys() - questions.keys():
                self.problem(fields["questions"], f"the answer is given in '{lang}' but no question is: "
                             f"add questions.{lang}", label, "questions")
        tags = self.text_list(fields.get("tags"), label, "tags") or []
        related, related_labels = self.related(fields.get("related"), label)
        context_only = self.flag(fields.get("context_only"), label, "context_only")
        sources, source_langs = self.sources(fields.get("sources"), label)
        self.linked.append(_Links(self.file, line_of(node), label, entry_id, tuple(related), bool(context_only),
                                  line_of(fields["related"]) if fields.get("related") is not None else None))
        if entry_id is None or not questions or not answer or questions.keys() != answer.keys():
            return None
        return Entry(
            id=entry_id,
            questions={k: tuple(v) for k, v in questions.items()},
            answer={k: v.strip() for k, v in answer.items()},
            tags=tuple(tags),
            related=tuple(related),
            sources=tuple(sources),
            not_questions={k: tuple(v) for k, v in (not_questions or {}).items()},
            file=self.file,
            line=line_of(node),
            source_langs=source_langs,
            related_labels=related_labels,
            context_only=context_only,
        )

    def related(self, node: yaml.Node | None, entry: str) -> tuple[list[str], dict[str, str]]:
        """The related ids in order, each given as an id or as `{id: ..., label: ...}`; and the labels given."""
        if node is None:
            return [], {}
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, "expected a list of entry ids, or of `{id: ..., label: ...}`", entry, "related")
            return [], {}
        ids: list[str] = []
        labels: dict[str, str] = {}
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                fields = self.mapping(item, entry, "related")
                for key, key_node in fields.items():
                    if key not in ("id", "label"):
                        self.problem(key_node, f"unknown key '{key}': a follow-up has `id` and `label`", entry,
                                     "related")
                if "id" not in fields:
                    self.problem(item, "a follow-up needs `id:`, the entry it leads to", entry, "related")
                    continue
                target = self.text(fields["id"], entry, "related.id")
                label = self.text(fields["label"], entry, "related.label") if "label" in fields else None
                if target and label:
                    labels[target] = label
            else:
                target = self.text(item, entry, "related")
            if target is None:
                continue
            if target in ids:
                self.problem(item, f"'{target}' is listed twice: keep one", entry, "related")
                continue
            ids.append(target)
        return ids, labels

    def flag(self, node: yaml.Node | None, entry: str, field: str) -> bool:
        if node is None:
            return False
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on")
        self.problem(node, "expected true or false", entry, field)
        return False

    def sources(self, node: yaml.Node | None, entry: str) -> tuple[list[str], dict[str, str]]:
        """The links, as a list, or by language (`en: [...]`, `zh: [...]`); and the language of each given so."""
        if isinstance(node, yaml.MappingNode):
            by_language = self.by_language(node, entry, "sources", list_of_text=True) or {}
            links = {url: lang for lang, urls in by_language.items() for url in urls}
            sources, langs = list(links), links
        else:
            sources, langs = self.text_list(node, entry, "sources") or [], {}
        for source in sources:
            if not _URL.match(source):
                self.problem(node, f"'{source}' is not a link: sources are http(s) URLs", entry, "sources")
        return sources, langs

    def mapping(self, node: yaml.Node, entry: str | None, field: str | None) -> dict[str, yaml.Node]:
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be plain text", entry, field)
                continue
            key = key_node.value
            name = f"{field}.{key}" if field else key
            if key in out:
                self.problem(key_node, f"'{name}' is given twice: keep one", entry, name)
            out[key] = value_node
        return out

    def by_language(self, node: yaml.Node | None, entry: str, field: str, *, list_of_text: bool) -> dict | None:
        if node is None:
            return None
        what = "a list of questions" if list_of_text else "the answer text"
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"expected languages as keys, e.g. `en:` and `zh:`, each with {what}", entry, field)
            return None
        out = {}
        for lang, value in self.mapping(node, entry, field).items():
            name = f"{field}.{lang}"
            if lang not in LANGUAGES:
                self.problem(value, f"unsupported language '{lang}': use one of {', '.join(LANGUAGES)}", entry, name)
                continue
            got = self.text_list(value, entry, name, required=True) if list_of_text else self.text(value, entry, name)
            if got:
                out[lang] = got
        if not out and field != "not_questions":
            self.problem(node, f"give at least one language (en or zh) with {what}", entry, field)
        return out

    def text(self, node: yaml.Node, entry: str, field: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, "expected text, got a " + ("list" if isinstance(node, yaml.SequenceNode) else "mapping"),
                         entry, field)
            return None
        value = node.value.strip() if not node.tag.endswith(":null") else ""
        if not value:
            self.problem(node, "is empty: write the text, or remove the field", entry, field)
            return None
        return value

    def text_list(self, node: yaml.Node | None, entry: str, field: str, required: bool = False) -> list[str] | None:
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, 'expected a list, e.g. ["first", "second"] or one "- item" per line', entry, field)
            return None
        items = [self.text(item, entry, field) for item in node.value]
        items = [i for i in items if i]
        if required and not items and not node.value:
            self.problem(node, "the list is empty: add at least one item", entry, field)
        return items

    def synonyms(self, root: yaml.Node | None, owner: dict[str, str]) -> list[tuple[str, ...]]:
        if root is None:
            return []
        if not isinstance(root, yaml.SequenceNode):
            self.problem(root, "the synonyms file should be a list of groups, e.g. `- [azure openai, aoai]`")
            return []
        groups = []
        for position, node in enumerate(root.value, start=1):
            group = self.text_list(node, f"synonym group #{position}", "terms")
            if group is None:
                continue
            label = f"synonym group #{position}"
            if len(group) < 2:
                self.problem(node, "a synonym group needs at least two terms", label, "terms")
                continue
            here = f"{self.file}:{line_of(node)}"
            for term in group:
                key = " ".join(term.casefold().split())
                if owner.setdefault(key, here) != here:
                    self.problem(node, f"'{term}' is also in the group at {owner[key]}: a term may belong to "
                                 "one group only; merge the groups or drop it from one", label, "terms")
            groups.append(tuple(group))
        return groups


def _cross_check(entries: list[_Links], named: set[str], *, unread: Sequence[str] = ()) -> list[Problem]:
    """Duplicate ids, and links to no entry, of every entry, its other fields valid or not. A link to an entry
    that is there but has problems of its own is no problem: those are reported at that entry. `unread`: the files
    that could not be read, where an id linked to may be (said so), and a link to a context-only entry (it waits)."""
    problems: list[Problem] = []
    first: dict[str, _Links] = {}
    for entry in entries:
        if entry.id is None:
            continue
        if entry.id in first:
            other = first[entry.id]
            problems.append(Problem(entry.file, entry.line, f"duplicate id, first defined at {other.file}:{other.line}: "
                                    "ids must be unique across all FAQ files; rename one", entry.id, "id"))
        else:
            first[entry.id] = entry
    reached = {target for entry in entries for target in entry.related}
    for entry in entries:
        if not unread and entry.context_only and entry.id is not None and entry.id not in reached:
            problems.append(Problem(entry.file, entry.line, "is context-only but no entry lists it under `related`, "
                                    "so nobody can reach it: link it from an entry, or remove `context_only`",
                                    entry.label, "context_only"))
        for related in entry.related:
            if related == entry.id:
                problems.append(Problem(entry.file, entry.related_line or entry.line,
                                        "an entry cannot be related to itself", entry.label, "related"))
            elif related not in named:
                hint = difflib.get_close_matches(related, list(first), n=1)
                fix = f"did you mean '{hint[0]}'?" if hint else "name an existing entry id"
                if unread:
                    fix += f" (unless it is in {', '.join(unread)}, which could not be read)"
                problems.append(Problem(entry.file, entry.related_line or entry.line, f"unknown id '{related}': {fix}",
                                        entry.label, "related"))
    return problems
