"""Hot reload: when the FAQ's files change (or on SIGHUP), load it in the background and swap it in
if it is valid; otherwise keep serving the last good FAQ and say what is wrong."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.engine.answering import Engine
from bot.engine.loading import FaqError, digest_files, faq_files
from bot.engine.semantic import SemanticStage
from bot.serving.service import Service

log = logging.getLogger("faqbot.reload")


@dataclass(frozen=True)
class Reloaded:
    ok: bool
    entries: int  # in the FAQ now being served
    problems: tuple[str, ...] = ()  # why the new files were refused, each naming file, line, entry and field
    findings: tuple[str, ...] = ()  # what lint found in files that were accepted

    def summary(self, directory: Path) -> str:
        if self.ok:
            found = f"; lint found {len(self.findings)} thing(s) to fix:\n" + "\n".join(self.findings)
            return f"reloaded the FAQ in {directory}: {self.entries} entries" + (found if self.findings else "")
        return (f"the FAQ in {directory} was not reloaded; still serving the last good one ({self.entries} "
                f"entries). Fix these and save again:\n" + "\n".join(self.problems))


def signature(directory: Path) -> tuple:
    """Changes whenever a FAQ file is added, removed, renamed or written."""
    try:
        return tuple((str(p), s.st_mtime_ns, s.st_size) for p in faq_files(directory) for s in [p.stat()])
    except OSError as err:
        return (f"unreadable: {err}",)


def faq_version(directory: Path) -> str:
    """12 hex digits that differ whenever the FAQ's files do (names and contents): what a replica serves, so
    that a rollout can be watched (/readyz, faqbot_faq_version_info)."""
    digest = hashlib.sha256()
    try:
        digest_files(directory, digest)
    except OSError:
        digest.update(b"unreadable")
    return digest.hexdigest()[:12]


class Reloader:
    def __init__(self, service: Service, directory: Path, load: Callable[[], Engine], *,
                 lint: Callable[[Engine], list] = lambda engine: [], interval: float = 2.0, watch: bool = True,
                 on_result: Callable[[Reloaded], None] = lambda result: None) -> None:
        self.service = service
        self.directory = directory
        self.load = load
        self.lint = lint
        self.interval = interval
        self.watch = watch
        self.on_result = on_result
        self._seen = signature(directory)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._embedding: SemanticStage | None = None  # the new FAQ's, while it is embedded
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="faqbot-reload", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Reload soon, whether or not the files changed. Safe to call from a signal handler."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if (embedding := self._embedding) is not None:
            embedding.stop_embedding()
        if self._thread is not None:
            # a reload still linting or embedding is abandoned: the FAQ it swapped in is whole, and caches are
            # written to a temporary directory first
            self._thread.join(timeout=2)

    def reload(self) -> Reloaded:
        with self._lock:
            self._seen = signature(self.directory)
            try:
                engine = self.load()
            except FaqError as err:
                result = Reloaded(False, len(self.service.engine.faq.entries), tuple(map(str, err.problems)))
            except Exception as err:  # a reload must never take the bot down
                log.exception("reloading the FAQ failed")
                result = Reloaded(False, len(self.service.engine.faq.entries), (f"{type(err).__name__}: {err}",))
            else:
                try:
                    if not self._swap(engine):
                        log.info("stopping: the FAQ that was being reloaded is not swapped in")
                        return Reloaded(False, len(self.service.engine.faq.entries), ("stopped while reloading",))
                except Exception as err:  # the last good FAQ goes on answering
                    log.exception("reloading the FAQ failed")
                    result = Reloaded(False, len(self.service.engine.faq.entries), (f"{type(err).__name__}: {err}",))
                else:
                    result = Reloaded(True, len(engine.faq.entries))
        if result.ok and not self._stop.is_set():  # after the swap and outside the lock: lint may take a while
            result = replace(result, findings=tuple(map(str, self._lint(engine))))
        (log.info if result.ok else log.error)("%s", result.summary(self.directory))
        try:
            self.on_result(result)
        except Exception:
            log.exception("reporting the reload failed")
        return result

    def _swap(self, engine: Engine) -> bool:
        """Embeds the new FAQ and serves it; False when stopped first."""
        if engine.semantic is not None:
            self._embedding = engine.semantic
            if self._stop.is_set():  # stop() came while the FAQ was loading
                engine.semantic.stop_embedding()
            try:
                engine.semantic.warm_up()  # in this thread, before any question reaches the new FAQ
            finally:
                self._embedding = None
        if self._stop.is_set():
            return False
        replaced = self.service.engine
        self.service.replace(engine)
        if replaced.semantic is not None:  # still embedding the FAQ at start, say: nobody will ask it now
            try:
                replaced.semantic.stop_embedding()
            except Exception:  # the new FAQ is served: this reload succeeded
                log.exception("stopping the embedding of the FAQ replaced failed")
        return True

    def _lint(self, engine: Engine) -> list:
        try:
            return self.lint(engine)
        except Exception as err:
            return [f"lint could not run: {type(err).__name__}: {err}"]

    def _loop(self) -> None:
        while not self._stop.is_set():
            asked = self._wake.wait(self.interval if self.watch else None)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if asked or self._settled_change():
                    self.reload()
            except Exception:  # the reloader goes on watching: the next change may well load
                log.exception("reloading the FAQ failed")

    def _settled_change(self) -> bool:
        """A change, once the files have stopped changing: an editor may save in several writes."""
        now = signature(self.directory)
        if now == self._seen:
            return False
        while not self._stop.wait(min(0.25, self.interval)):
            now, before = signature(self.directory), now
            if now == before:
                return True
        return False
