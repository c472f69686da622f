"""Imported entries into a FAQ folder: YAML files written in a staging folder beside the target, loaded back,
then renamed into place, so that the target is never half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from bot.engine.loading import FaqError, load_faq
from bot.improve.importing.model import CannotImport
from bot.improve.importing.slugs import slug

MAX_FILE_BYTES = 900_000  # below the loader's default 1 MiB a file


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


def write(out: Path, files: dict[str, str], *, force: bool) -> list[Path]:
    """Writes `files` into `out`, which ends up holding them alone, or is left as it was."""
    check_target(out, force)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.importing-", dir=parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        load_faq(staging)  # what is written must load; anything else is a fault of the import
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=parent))
            os.replace(out, old / out.name)
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except FaqError as err:
        raise CannotImport("the imported FAQ would not load, so nothing was written:\n" + str(err)) from None
    except OSError as err:
        raise CannotImport(f"cannot write {out}: {err.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in files]
