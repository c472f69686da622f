"""Keep a built index on disk, so a large FAQ starts in a fraction of a second.

A cache is a directory named after a fingerprint of everything the index depends on:
the FAQ files' paths and contents, the matcher's weights and faqbot's own code. Change
any of them and the fingerprint changes, so a stale index is never used. Inside:

- terms.marshal: the term table (IDF and weight per term), the vocabulary, the synonyms,
  the entry ids and those of the context-only entries;
- postings.npy, offsets.npy: which entries hold each term, as one flat array;
- entries.bin, entry-offsets.npy: one marshal record per entry (the entry, its analysed
  phrasings, its term index), decoded only when that entry is needed;
- semantic-<encoder>-<its paraphrase cosine>/: the semantic stage's embeddings (bot.engine.semantic), written on its
  first use.

Beside the indexes, encoder-<version>/ keeps the sentence encoder ready to load (bot.engine.encoder).
Only the KEPT most recently used indexes stay.

marshal, unlike pickle, cannot run code while loading. The arrays and entries.bin are
memory-mapped, so loading reads almost nothing. A cache is written to a temporary
directory and renamed into place, and anything unreadable is treated as no cache.
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from bot.engine.faq import Entry, Faq
from bot.engine.loading import digest_files
from bot.engine.matcher import ArrayPostings, Index, Matcher, Phrasing, Weights

FORMAT = 2
_CODE = Path(__file__).parent
DECODED_KEPT = 20_000  # decoded entries kept in memory
KEPT = 4  # indexes kept in one cache directory: several FAQs, or a FAQ and its last edits
_FINGERPRINT = re.compile(r"[0-9a-f]{32}")


class IndexCache:
    """A directory that keeps built indexes, one per fingerprint. `status` says what the last build did with
    it: "hit" (the index was read from it), "saved" (built and written), "unwritable" (built, not written)
    or "changed" (built, not written: a FAQ file changed while it was read)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.status = "unused"
        self.path: Path | None = None  # the last index restored or kept; other stages keep theirs inside
        self._before: str | None = None

    def restore(self, faq_dir: Path, weights: Weights) -> tuple[Faq, Matcher] | None:
        self._before = fingerprint(faq_dir, weights)
        path = self.directory / self._before
        restored = load(path, faq_dir, weights)
        if restored is not None:
            self.status, self.path = "hit", path
            _touch(path)
        return restored

    def keep(self, matcher: Matcher, faq: Faq, faq_dir: Path, weights: Weights) -> None:
        """Saved under the files' fingerprint only when they did not change while being loaded (after
        `restore` found nothing): an index of other contents must never be found under it."""
        after = fingerprint(faq_dir, weights)
        if self._before not in (None, after):
            self.status, self.path = "changed", None
            return
        path = self.directory / after
        saved = save(matcher, faq, path)
        self.status, self.path = ("saved", path) if saved else ("unwritable", None)
        if saved:
            _prune(self.directory, path)


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(directory: Path, kept: Path) -> None:
    """Only the KEPT most recently used indexes stay, so that a cache does not grow with every edit of a FAQ.
    A process still serving a removed index keeps its memory-mapped files."""
    try:
        indexes = [p for p in directory.iterdir() if _FINGERPRINT.fullmatch(p.name) and p.is_dir()]
        indexes.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in indexes[KEPT:]:
        if old != kept:
            shutil.rmtree(old, ignore_errors=True)


def fingerprint(directory: Path, weights: Weights) -> str:
    digest = hashlib.sha256(f"faqbot index {FORMAT}\n{_describe(weights)}\n".encode())
    for source in sorted([*_CODE.glob("*.py"), *_CODE.glob("data/*.tsv"), *_CODE.glob("data/*.yaml")]):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    digest_files(directory, digest)
    return digest.hexdigest()[:32]


def _describe(weights: Weights) -> str:
    scorer = weights.fuzzy_scorer
    return repr({**vars(weights), "fuzzy_scorer": f"{scorer.__module__}.{scorer.__qualname__}"})


def save(matcher: Matcher, faq: Faq, path: Path) -> bool:
    """Write the index of `faq` to `path`, atomically, replacing whatever is there.
    False when it cannot be written (a read-only or full disk): faqbot then runs without."""
    import numpy

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".faqbot-index-", dir=path.parent))
    except OSError:
        return False
    try:
        terms = list(matcher.idf)
        postings = [matcher.postings.ids_of(t) for t in terms]
        offsets = numpy.zeros(len(terms) + 1, dtype=numpy.int64)
        numpy.cumsum([len(p) for p in postings], out=offsets[1:])
        flat = numpy.fromiter((i for p in postings for i in p), dtype=numpy.int32, count=int(offsets[-1]))
        numpy.save(staging / "postings.npy", flat)
        numpy.save(staging / "offsets.npy", offsets)
        table = (
            FORMAT, tuple(terms), tuple(matcher.idf[t] for t in terms), tuple(matcher.term_weight[t] for t in terms),
            matcher.unknown_idf, tuple(sorted(matcher.vocabulary)), tuple(map(tuple, faq.synonyms)),
            tuple(e.id for e in faq.entries), tuple(sorted(faq.context_only)),
        )
        (staging / "terms.marshal").write_bytes(marshal.dumps(table))
        entry_offsets = [0]
        with open(staging / "entries.bin", "wb") as out:
            for index, entry in enumerate(faq.entries):
                record = marshal.dumps((_entry_record(entry, faq.root), _phrasing_records(matcher.phrasings[index]),
                                        matcher.holders[index]))
                out.write(record)
                entry_offsets.append(entry_offsets[-1] + len(record))
        numpy.save(staging / "entry-offsets.npy", numpy.array(entry_offsets, dtype=numpy.int64))
        shutil.rmtree(path, ignore_errors=True)  # an unreadable cache of the same fingerprint
        os.replace(staging, path)
        return True
    except OSError:
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load(path: Path, directory: Path, weights: Weights, *, shortlist: int = 12) -> tuple[Faq, Matcher] | None:
    """The FAQ in `directory` and its matcher as stored at `path`, or None when there is no
    usable cache there."""
    try:
        return _load(path, directory, weights, shortlist)
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError):
        return None


def _load(path: Path, directory: Path, weights: Weights, shortlist: int) -> tuple[Faq, Matcher] | None:
    import numpy

    table = marshal.loads((path / "terms.marshal").read_bytes())
    if table[0] != FORMAT:
        return None
    _, terms, idf, weight, unknown_idf, vocabulary, synonyms, ids, context_only = table
    flat = numpy.load(path / "postings.npy", mmap_mode="r")
    offsets = numpy.load(path / "offsets.npy", mmap_mode="r")
    entry_offsets = numpy.load(path / "entry-offsets.npy", mmap_mode="r")
    blob_size = (path / "entries.bin").stat().st_size
    if len(offsets) != len(terms) + 1 or len(entry_offsets) != len(ids) + 1 or entry_offsets[-1] != blob_size:
        return None
    with open(path / "entries.bin", "rb") as blob:
        mapped = mmap.mmap(blob.fileno(), 0, access=mmap.ACCESS_READ) if blob_size else b""

    @lru_cache(maxsize=DECODED_KEPT)
    def record(index: int) -> tuple[Entry, list[Phrasing], dict]:
        raw = marshal.loads(mapped[int(entry_offsets[index]) : int(entry_offsets[index + 1])])
        return _entry(raw[0], directory), [Phrasing(*p) for p in raw[1]], raw[2]

    if ids:
        record(0), record(len(ids) - 1)  # a damaged file fails here, not in the middle of a question
    entries = _Lazy(len(ids), lambda i: record(i)[0])
    faq = Faq(entries, synonyms, directory, ids=ids, context_only=frozenset(context_only))
    rows = {t: r for r, t in enumerate(terms)}
    index = Index(
        postings=ArrayPostings(rows, offsets, flat, len(ids)),
        idf=dict(zip(terms, idf)),
        term_weight=dict(zip(terms, weight)),
        unknown_idf=unknown_idf,
        vocabulary=frozenset(vocabulary),
        phrasings=_Lazy(len(ids), lambda i: record(i)[1]),
        holders=_Lazy(len(ids), lambda i: record(i)[2]),
    )
    return faq, Matcher(faq, weights=weights, shortlist=shortlist, index=index)


class _Lazy(Sequence):
    """A read-only sequence whose items are made on first access."""

    def __init__(self, length: int, make: Callable[[int], object]) -> None:
        self._length, self._make = length, make

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(self._length))]
        if not -self._length <= index < self._length:
            raise IndexError(index)
        return self._make(index % self._length)


def _entry_record(e: Entry, root: Path | None) -> tuple:
    # Files are kept relative to the FAQ directory, which may have moved since.
    file = os.path.relpath(e.file, root) if root else e.file
    return (e.id, tuple((k, tuple(v)) for k, v in e.questions.items()), tuple(e.answer.items()), e.tags,
            e.related, e.sources, tuple((k, tuple(v)) for k, v in e.not_questions.items()), file, e.line,
            tuple(e.source_langs.items()), tuple(e.related_labels.items()), e.context_only)


def _entry(record: tuple, directory: Path) -> Entry:
    (entry_id, questions, answer, tags, related, sources, not_questions, file, line, source_langs, related_labels,
     context_only) = record
    return Entry(entry_id, dict(questions), dict(answer), tags, related, sources, dict(not_questions),
                 str(directory / file), line, dict(source_langs), dict(related_labels), context_only)


def _phrasing_records(phrasings: list[Phrasing]) -> tuple:
    return tuple((p.text, frozenset(p.terms), p.weight, p.surface, p.negative) for p in phrasings)
