"""Imported entries into a FAQ folder: YAML files written in a staging folder beside the target, loaded back,
then renamed into place, so that the target is never half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import yaml

from bot.engine.loading import FaqError, Problem, load_faq
from bot.improve.importing.model import CannotImport
from bot.improve.importing.slugs import slug

MAX_FILE_BYTES = 900_000  # below the loader's default 1 MiB a file
FAQ_SUFFIXES = (".yaml", ".yml")  # as the loader reads them


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(entries: list[dict]) -> str:
    return yaml.dump(entries, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, indent=2)


def files_for(groups: dict[str, list[dict]]) -> dict[str, str]:
    """File name -> YAML text, each file under MAX_FILE_BYTES: one per input file, split when it is larger."""
    out: dict[str, str] = {}
    for source, entries in groups.items():
        base = slug(Path(source).stem) or "imported"
        chunk: list[str] = []
        size, part = 0, 1
        for entry in entries:
            text = dump([entry])
            if chunk and size + len(text.encode()) > MAX_FILE_BYTES:
                out[_name(base, part, out)] = "\n".join(chunk)
                chunk, size, part = [], 0, part + 1
            chunk.append(text)
            size += len(text.encode()) + 1
        if chunk:
            out[_name(base, part, out)] = "\n".join(chunk)
    return out


def _name(base: str, part: int, taken: dict[str, str]) -> str:
    name = f"{base}.yaml" if part == 1 else f"{base}-{part}.yaml"
    while name in taken or name == "synonyms.yaml":
        base += "-faq"
        name = f"{base}.yaml" if part == 1 else f"{base}-{part}.yaml"
    return name


def check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise CannotImport(f"{out} is a file: give a folder for the imported FAQ")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise CannotImport(f"{out} already exists and is not empty: import never overwrites it; give a new "
                           "folder, or pass --force to replace it")
    if out.is_dir() and (other := _not_faq(out)) is not None:
        raise CannotImport(f"{out} holds {other}, which is not a FAQ file (.yaml or .yml): --force "
                           "replaces only a folder of FAQ files; move it away, or give another folder")


def _not_faq(folder: Path) -> Path | None:
    """The first path in `folder` (sorted) that --force would delete but is no FAQ .yaml/.yml file or folder of
    them: a `.git` folder, a README, a link."""
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not (path.is_dir() or (path.is_file() and path.suffix in FAQ_SUFFIXES)):
            return path
        if path.is_dir() and (inner := _not_faq(path)) is not None:
            return inner
    return None


def write(out: Path, files: dict[str, str], *, force: bool, origins: Mapping[str, str] | None = None) -> list[Path]:
    """Writes `files` into `out`, which ends up holding them alone, or is left as it was. `origins`: each
    entry's id -> where the import read it (`file:line`), to name it if what is written would not load."""
    check_target(out, force)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.importing-", dir=parent))
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's is private: the folder is made as any other would be
    except OSError as err:
        raise CannotImport(f"cannot write {out} ({err.strerror}): nothing was written") from None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        load_faq(staging)  # what is written must load; anything else is a fault of the import
        if out.exists():
            _replace(out, staging, parent)
        else:
            os.replace(staging, out)
    except FaqError as err:
        raise CannotImport("the imported FAQ would not load, so nothing was written; what fails in it:\n"
                           + "\n".join(_explained(p, staging, origins or {}) for p in err.problems)) from None
    except OSError as err:
        raise CannotImport(f"cannot write {out} ({err.strerror}): it is left as it was") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in files]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(out: Path, staging: Path, parent: Path) -> None:
    """`out` replaced by `staging`; if that fails, `out` moved back, or the message says where it is."""
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=parent))
    try:
        os.replace(out, old / out.name)
    except OSError:
        old.rmdir()
        raise
    try:
        os.replace(staging, out)
    except OSError as err:
        try:
            os.replace(old / out.name, out)
        except OSError:
            raise CannotImport(f"cannot write {out} ({err.strerror}), nor put the previous {out.name} back: it is "
                               f"now {old / out.name}") from None
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def _explained(problem: Problem, staging: Path, origins: Mapping[str, str]) -> str:
    """A problem of the draft, named by where the import read the entry, else by the file as imported: never
    by the staging folder, which is gone by the time anyone reads it."""
    where = origins.get(problem.entry or "")
    if where is None:
        path = Path(problem.file)
        name = path.name if path.parent == staging else "folder" if path == staging else problem.file
        where = f"the imported {name}" + (f":{problem.line}" if problem.line else "")
    where += f", entry '{problem.entry}'" if problem.entry else ""
    where += f", field '{problem.field}'" if problem.field else ""
    return f"  {where}: {problem.message}".replace(f"{staging}{os.sep}", "").replace(str(staging), "the import")
