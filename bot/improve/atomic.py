"""Replace a file so that readers see the old bytes or the new ones, never a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Writes a temporary file next to `path`, flushes it to disk, then renames it over `path`.
    On any error the temporary file is removed and `path` is as it was."""
    path = Path(path)
    # an existing file keeps its mode; a new one gets the usual one, not mkstemp's owner-only 0600
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
