"""What `--force` keeps of the FAQ folder it replaces. No import format holds a synonyms file or an entry's
not_questions, so an export, an edit and an import back over the same folder would drop them silently."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.loading import SYNONYMS_FILE, FaqError, load_faq
from bot.improve.importing.model import Finding, counted


@dataclass(frozen=True)
class Kept:
    synonyms: str | None = None  # the synonyms file's text
    not_questions: Mapping[str, dict[str, list[str]]] = field(default_factory=dict)  # entry id -> language -> texts
    unreadable: bool = False  # the folder did not load: nothing of it could be kept
    ids: tuple[str, ...] = ()  # the entries it held

    def files(self) -> dict[str, str]:
        """The files kept whole: name -> text."""
        return {} if self.synonyms is None else {SYNONYMS_FILE: self.synonyms}


def kept_from(folder: Path) -> Kept:
    if not folder.is_dir() or not any(folder.iterdir()):
        return Kept()
    try:
        faq = load_faq(folder)
    except FaqError:
        return Kept(unreadable=True)
    synonyms = folder / SYNONYMS_FILE
    return Kept(synonyms.read_text(encoding="utf-8") if synonyms.is_file() else None,
                {e.id: {lang: list(texts) for lang, texts in e.not_questions.items()}
                 for e in faq.entries if e.not_questions}, ids=tuple(e.id for e in faq.entries))


def carry(kept: Kept, entries: list[dict], folder: Path) -> list[Finding]:
    """Gives each entry imported again under its id the not_questions it had in `folder` (unless the import gives
    it some), and says what is kept of `folder` and what is not."""
    said = []
    if kept.unreadable:
        said.append(Finding(str(folder), None, "the folder replaced did not load, so nothing of it was kept "
                            "(its synonyms.yaml and not_questions are gone with it): if you need them, take them from "
                            "version control or a backup"))
    if kept.synonyms is not None:
        said.append(Finding(str(folder / SYNONYMS_FILE), None, "kept from the folder replaced"))
    by_id = {entry["id"]: entry for entry in entries}
    carried = [i for i in kept.not_questions if i in by_id and "not_questions" not in by_id[i]]
    for entry_id in carried:
        by_id[entry_id]["not_questions"] = kept.not_questions[entry_id]
    if carried:
        total = sum(len(texts) for i in carried for texts in kept.not_questions[i].values())
        said.append(Finding(str(folder), None, f"kept {counted(total, 'not_question')} of "
                            f"{counted(len(carried), 'entry', 'entries')} imported again under the same id"))
    if replaced := [i for i in kept.ids if i not in by_id]:
        said.append(Finding(str(folder), None, f"{counted(len(replaced), 'entry', 'entries')} of the folder replaced "
                            f"({', '.join(repr(i) for i in replaced[:5])}{', …' if len(replaced) > 5 else ''}) "
                            "are not in the import and are gone: if you need them, take them from version control"))
    if gone := [i for i in kept.not_questions if i not in by_id]:
        said.append(Finding(str(folder), None, f"the not_questions of {', '.join(repr(i) for i in gone[:5])}"
                            + (f" and {len(gone) - 5:,} more" if len(gone) > 5 else "")
                            + " went with their entries, which the import does not hold"))
    return said
