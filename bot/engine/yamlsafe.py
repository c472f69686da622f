"""Read a YAML file into nodes (with line numbers) without trusting it.

The file's size is checked before it is read, and its nesting depth and alias count
while libyaml streams its events, before anything is built: PyYAML's C composer
recurses per nesting level (a 50,000-deep file crashes the process) and an alias
bomb of a few hundred bytes stands for megabytes. Only the safe loader is used, and
only the standard tags are accepted, so `!!python/...` never constructs anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)


@dataclass(frozen=True)
class Limits:
    """Caps on what one FAQ file may be; each is a documented setting."""

    max_file_bytes: int = 1_048_576
    max_depth: int = 16
    max_aliases: int = 32


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_nodes(path: Path, limits: Limits) -> yaml.Node | None:
    """The file's root node, or None for an empty file. Raises YamlProblem."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise YamlProblem(
            f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} "
            "(setting limits.max_file_bytes): split it into several files"
        )
    raw = path.read_bytes()[: limits.max_file_bytes + 1]  # the file may grow after stat()
    if len(raw) > limits.max_file_bytes:
        raise YamlProblem(f"the file grew past {limits.max_file_bytes:,} bytes while being read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise YamlProblem("the file is not valid UTF-8: save it as UTF-8", line) from None
    return parse_nodes(text, limits)


def parse_nodes(text: str, limits: Limits) -> yaml.Node | None:
    try:
        _check_shape(text, limits)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        # A scanner error ("while scanning a quoted scalar") is best found where the
        # scalar starts; a parser error where the parser gave up.
        scanning = err.context_mark is not None and (err.context or "").startswith("while scanning")
        mark = err.context_mark if scanning else (err.problem_mark or err.context_mark)
        what = " ".join(x for x in (err.context, err.problem) if x)
        raise YamlProblem(
            f"not valid YAML: {what}; check the indentation and quoting there",
            mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"not valid YAML: {err}") from None
    if node is not None:
        _check_tags(node)
    return node


def _check_shape(text: str, limits: Limits) -> None:
    try:
        _count_events(text, limits)
    except yaml.YAMLError:
        # Some libyaml builds refuse deep flow nesting in their scanner, before a single
        # event is seen; the depth is then ours to find and to word.
        too_deep_at = _flow_too_deep(text, limits.max_depth)
        if too_deep_at is not None:
            raise _too_deep(limits, too_deep_at) from None
        raise


def _too_deep(limits: Limits, line: int) -> YamlProblem:
    return YamlProblem(
        f"nesting is deeper than {limits.max_depth} levels (setting limits.max_depth); "
        "a FAQ entry needs at most 4: flatten the structure",
        line,
    )


def _flow_too_deep(text: str, max_depth: int) -> int | None:
    """The line where [ ] / { } nesting outside quotes and comments passes max_depth."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        char, previous = text[i], text[i - 1] if i else "\n"
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                if quote == "'" and text.startswith("'", i + 1):  # '' is a quote inside '...'
                    i += 1
                else:
                    quote = ""
        elif char in "\"'" and (previous.isspace() or previous in "[{,:"):
            quote = char
        elif char == "#" and previous.isspace():
            i = text.find("\n", i)
            if i < 0:
                break
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return text.count("\n", 0, i) + 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


def _count_events(text: str, limits: Limits) -> None:
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > limits.max_depth:
                raise _too_deep(limits, event.start_mark.line + 1)
        elif isinstance(event, _CLOSE):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.max_aliases:
                raise YamlProblem(
                    f"more than {limits.max_aliases} aliases (*name) (setting limits.max_aliases): "
                    "write the values out instead of referring to anchors",
                    event.start_mark.line + 1,
                )


def _check_tags(root: yaml.Node) -> None:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            raise YamlProblem(
                f"unsupported tag {node.tag.replace(_CORE, '!!')}: FAQ files hold only plain "
                "text, lists and mappings; remove the tag",
                node.start_mark.line + 1,
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1
