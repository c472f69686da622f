"""Add a phrasing to an entry's `questions.<lang>` by inserting one line of text, so every comment,
blank line and quote style in the file stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.engine.yamlsafe import Limits, YamlProblem, parse_nodes
from bot.improve.atomic import write_atomically


class EditError(Exception):
    pass


def add_phrasing(path: Path, entry_id: str, lang: str, phrasing: str, limits: Limits = Limits()) -> None:
    """Appends `phrasing` to the entry's questions.<lang> list in `path`, replacing the file atomically."""
    raw = Path(path).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    edited = with_phrasing(text, entry_id, lang, phrasing, limits)
    write_atomically(path, (b"\xef\xbb\xbf" if bom else b"") + edited.encode("utf-8"))


def with_phrasing(text: str, entry_id: str, lang: str, phrasing: str, limits: Limits = Limits()) -> str:
    phrasing = " ".join(phrasing.split())
    if not phrasing:
        raise EditError("the phrasing is empty")
    items = _questions_node(text, entry_id, lang, limits)
    if items.flow_style:
        at = items.end_mark.index - 1  # the closing bracket
        before = text[:at].rstrip()
        separator = "" if before.endswith("[") else ", "
        edited = before + separator + _quoted(phrasing) + text[len(before):]
    else:
        edited = _append_block_item(text, items, phrasing)
    after = _questions_node(edited, entry_id, lang, limits)
    if [n.value for n in after.value] != [n.value for n in items.value] + [phrasing]:
        raise EditError(f"could not add the phrasing to entry '{entry_id}' safely: add it by hand")
    return edited


def _questions_node(text: str, entry_id: str, lang: str, limits: Limits) -> yaml.SequenceNode:
    try:
        root = parse_nodes(text, limits)
    except YamlProblem as err:
        raise EditError(f"line {err.line or 1}: {err.message}; fix the file first (`faqbot lint` lists every "
                        "problem)") from None
    for entry in root.value if isinstance(root, yaml.SequenceNode) else ():
        fields = _mapping(entry)
        if getattr(fields.get("id"), "value", None) != entry_id:
            continue
        items = _mapping(fields.get("questions")).get(lang)
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            raise EditError(f"entry '{entry_id}' has no questions.{lang} list to add to")
        return items
    raise EditError(f"no entry '{entry_id}' in this file")


def _mapping(node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _append_block_item(text: str, items: yaml.SequenceNode, phrasing: str) -> str:
    lines = text.splitlines(keepends=True)
    last = items.value[-1]
    first_line = lines[last.start_mark.line]
    dash = first_line.rfind("-", 0, last.start_mark.column)
    indent = first_line[:dash] if dash >= 0 else " " * max(0, last.start_mark.column - 2)
    end = last.end_mark
    # The item ends on the line of its end mark, unless the mark sits at the start of the next line.
    after = end.line + 1 if end.column > 0 else end.line
    newline = "\r\n" if first_line.endswith("\r\n") else "\n"
    if after > 0 and not lines[after - 1].endswith(("\n", "\r")):
        lines[after - 1] += newline
    lines.insert(after, f"{indent}- {_quoted(phrasing, block=True)}{newline}")
    return "".join(lines)


def _quoted(phrasing: str, *, block: bool = False) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted (JSON's escapes are YAML's)."""
    if block:
        try:
            if yaml.safe_load(f"- {phrasing}") == [phrasing] and "#" not in phrasing:
                return phrasing
        except yaml.YAMLError:
            pass
    return json.dumps(phrasing, ensure_ascii=False)
