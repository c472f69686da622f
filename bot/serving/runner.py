"""`faqbot run ADAPTER...`: one engine serving every platform named, with the store, metrics, health
endpoints and hot reload, until SIGTERM or SIGINT; then a graceful stop."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.engine.answering import Engine
from bot.engine.semantic import SemanticStage
from bot.serving import logs
from bot.serving.config import Config
from bot.serving.database_settings import StoreConfigError
from bot.serving.events import Keeper, Recorders
from bot.serving.loop import Loop
from bot.serving.metrics import Metrics
from bot.serving.reload import Reloaded, Reloader, faq_version
from bot.serving.service import Service
from bot.serving.shared import Shared
from bot.serving.status import Health, Status, StatusServer

log = logging.getLogger("faqbot")
EXIT_USAGE = 2
# From SIGTERM to exit, inside Docker's 10 s grace: the platforms finish the replies in hand within the first
# STOP_TIMEOUT seconds, the store writes what it holds in the rest of STOP_GRACE (and always gets a second).
STOP_TIMEOUT = 7.0
STOP_GRACE = 9.0
# While the FAQ is embedded at start (a minute for 10,000 entries without an index cache), a question waits this
# long for it, then the words answer it alone: the encoder and a small FAQ are ready well within it
MEANING_PATIENCE = 2.0


class Running(Protocol):
    def stop(self, timeout: float) -> None:
        """Stop taking questions, finish those in hand, close connections."""


class StartError(Exception):
    """An adapter could not start; the message says what to fix."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def unreachable(what: str, host: str, err: Exception) -> StartError:
    """A platform's service could not be reached: which one, and what on this machine to check."""
    return StartError(f"cannot reach {what} at {host} ({type(err).__name__}): check this machine's network, DNS "
                      "and proxy (HTTPS_PROXY) access to it", code=1)


@dataclass(frozen=True)
class Variable:
    """An environment variable an adapter reads, for `faqbot run --help`."""

    name: str
    needed: str  # "always", "for Socket Mode", "no"...
    where: str


@dataclass(frozen=True)
class Adapter:
    """What an adapter's `faqbot.adapters` entry point names."""

    add_options: Callable[[argparse._ArgumentGroup], None]
    start: Callable[[Runtime, argparse.Namespace], Running]
    # every problem that stops the start (a missing variable...), found before anything starts
    check: Callable[[argparse.Namespace], list[str]] = lambda args: []
    serves_status: Callable[[argparse.Namespace], bool] = lambda args: False  # /healthz etc. on its own port
    extra: str = ""  # the pip extra that installs `requires`
    requires: tuple[str, ...] = ()  # modules it needs that faqbot itself does not install
    variables: tuple[Variable, ...] = ()


@dataclass
class Runtime:
    """What a running adapter may use: `loop` is the event loop every platform runs on."""

    service: Service
    config: Config
    health: Health
    status: Status
    loop: Loop
    reload_listeners: list[Callable[[str], None]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    exit_code: int = 0

    def fail(self, message: str, code: int = 1) -> None:
        """A connection was lost for good (a revoked token, a refused intent): stop the process."""
        log.error("%s", message)
        self.exit_code = code
        self.stopping.set()


def run(adapters: dict[str, Adapter], argv: Sequence[str], *, engine: Engine, config: Config, faq_dir: Path,
        load: Callable[[], Engine], lint: Callable[[Engine], list], open_store: Callable[[], Keeper] | None = None,
        open_shared: Callable[[], Shared | None] | None = None, own_logging: bool = True) -> int:
    """Serves until SIGTERM or SIGINT (or an adapter fails for good); returns the exit status. `open_shared`
    gives what replicas share while answering, when there are replicas. `own_logging=False` leaves the
    process's logging set-up as it is."""
    try:
        args = prepare(adapters, argv)
    except StartError as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return err.code
    try:
        shared = open_shared() if open_shared is not None else None
        store = open_store() if open_store is not None else None
    except StoreConfigError as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    if own_logging:
        logs.configure(config.log_level, config.log_format)

    version = faq_version(faq_dir)
    log.info("settings from %s; FAQ from %s (version %s); semantic matching %s", config.source, faq_dir, version,
             "on" if engine.semantic is not None else "off (words alone)")
    # ready once meaning is too (or has failed, and the words answer): a replica behind a load balancer then takes
    # no questions while a large FAQ is being embedded
    health = Health(tuple(adapters) + (("meaning",) if engine.semantic is not None else ()))
    if engine.semantic is not None:  # so that the first uncertain question does not wait for the encoder
        if set(adapters) != {"console"}:  # one person at a terminal waits for the meaning rather than get less
            engine.semantic.patience = MEANING_PATIENCE
        threading.Thread(target=_warm_up, args=(engine.semantic, health), name="faqbot-semantic", daemon=True).start()
    metrics = Metrics()
    metrics.entries.set(len(engine.faq.entries))
    if store is not None:
        metrics.watch_buffer(lambda: store.buffer_depth)
    service = Service(engine, recorder=Recorders([r for r in (store, metrics) if r is not None]),
                      channels=config.channels, flood=config.flood, log_bodies=config.log_bodies, shared=shared,
                      auto_answer=config.auto_answer, most_asked=store.most_asked if store is not None else None,
                      # Discord's need the Message Content intent, so they are followed only when asked for
                      follow_ups=frozenset({"slack", "discord"} if config.discord_follow_ups else {"slack"}))
    threading.Thread(target=_warm_up_completion, args=(service,), name="faqbot-complete", daemon=True).start()
    runtime = Runtime(service, config, health, Status(health, metrics), Loop())
    runtime.status.serving(version)
    reloader = Reloader(service, faq_dir, load, lint=lint, interval=config.reload_interval, watch=config.reload_watch,
                        on_result=lambda result: _reloaded(result, faq_dir, metrics, runtime))
    side = None
    running: list[Running] = []
    restore = _on_signals(runtime, reloader)
    try:
        if config.status_port is not None or not any(a.serves_status(args) for a in adapters.values()):
            side = _status_server(runtime, config)
        for adapter in adapters.values():
            running.append(adapter.start(runtime, args))
        reloader.start()
        runtime.stopping.wait()
        log.info("shutting down: finishing the questions in hand")
    except StartError as err:
        print(f"faqbot: {err}", file=sys.stderr)
        runtime.exit_code = err.code
    finally:
        stopping, exit_by = time.monotonic(), time.monotonic() + STOP_GRACE

        def left() -> float:
            return max(0.0, stopping + STOP_TIMEOUT - time.monotonic())

        health.drain()
        if runtime.service.engine.semantic is not None:  # one a reload replaced was stopped then
            runtime.service.engine.semantic.stop_embedding()
        reloader.stop()
        for part in reversed(running):
            part.stop(left())
        if not service.answering.wait_idle(left()):
            log.warning("stopped with questions still being answered after %.1f s: those askers got no answer "
                        "(a FAQ or a machine this slow needs a longer stop grace)", time.monotonic() - stopping)
        if store is not None:
            store.close(max(1.0, exit_by - time.monotonic()))
        if shared is not None:
            shared.close()
        if side is not None:
            side.stop()
        runtime.loop.close(1.0)
        restore()
    log.info("stopped")
    return runtime.exit_code


def _warm_up_completion(service: Service) -> None:
    try:
        service.warm_up()
    except Exception:  # the first keystroke builds it then
        log.exception("preparing the completion of questions failed")


def _warm_up(semantic: SemanticStage, health: Health) -> None:
    try:
        semantic.warm_up()
    except Exception:  # not one of the failures warm_up expects: the words answer meanwhile
        log.exception("embedding the FAQ failed, the words alone answer: reload the FAQ (SIGHUP) or restart to try "
                      "again, or set matching.semantic to off")
    finally:
        health.ready("meaning")


def prepare(adapters: dict[str, Adapter], argv: Sequence[str]) -> argparse.Namespace:
    """The platforms' options, once every platform's extra is installed and every setting it needs is given;
    else StartError naming everything missing at once. Starts nothing."""
    argv = list(argv)
    parser = run_parser(adapters)
    if "-h" in argv or "--help" in argv:
        parser.parse_args(["--help"])  # prints the help and exits, whatever is installed
    missing = [a.extra for a in adapters.values() if not _importable(a.requires)]
    if missing:
        names = " and ".join(missing)
        raise StartError(f"{names} {'needs its extra' if len(missing) == 1 else 'need their extras'}: "
                         f'pip install "faqbot[{",".join(missing)}]"')
    args = parser.parse_args(argv)
    problems = [problem for adapter in adapters.values() for problem in adapter.check(args)]
    if problems:
        raise StartError("\nfaqbot: ".join(problems))  # one line each, as every line faqbot prints
    return args


def run_parser(adapters: dict[str, Adapter]) -> argparse.ArgumentParser:
    variables = [f"  {v.name} ({v.needed})\n      {v.where}" for a in adapters.values() for v in a.variables]
    epilog = ("Every command's options apply too: --faq DIR, --config FILE, --index-cache DIR, --verbose.\n\n"
              + ("environment variables (secrets are read only from here, never from a file):\n"
                 + "\n".join(variables) if variables else ""))
    parser = argparse.ArgumentParser(prog="faqbot run " + " ".join(adapters), epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Answer FAQ questions in " + " and ".join(adapters) + ".")
    for name, adapter in adapters.items():
        group = parser.add_argument_group(f"{name} (pip install \"faqbot[{adapter.extra}]\")" if adapter.extra
                                          else name)
        adapter.add_options(group)
    return parser


def _importable(modules: tuple[str, ...]) -> bool:
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:
        return False
    return True


def _status_server(runtime: Runtime, config: Config) -> StatusServer:
    port = config.status_port if config.status_port is not None else config.port
    try:
        server = StatusServer(runtime.status, config.host, port, runtime.loop)
    except OSError as err:
        raise StartError(f"cannot serve /healthz and /metrics on {config.host}:{port}: {err.strerror}; "
                         "set http.status_port (FAQBOT_STATUS_PORT)", code=1) from None
    log.info("status on http://%s:%d (/healthz /readyz /metrics)", config.host, server.port)
    return server


def _reloaded(result: Reloaded, faq_dir: Path, metrics: Metrics, runtime: Runtime) -> None:
    metrics.reloaded(result.ok, result.entries)
    if result.ok:
        runtime.status.serving(faq_version(faq_dir))
        log.info("serving FAQ version %s", runtime.status.faq_version)
    if result.ok and not result.findings:
        return
    for tell in runtime.reload_listeners:
        try:
            tell(result.summary(faq_dir))
        except Exception:
            log.exception("could not post the reload result to the maintainers' channel")


def _on_signals(runtime: Runtime, reloader: Reloader) -> Callable[[], None]:
    """SIGTERM and SIGINT stop the process gracefully, and a second one at once; SIGHUP reloads the FAQ."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    received: list[int] = []

    def stop(signum: int, frame: object) -> None:
        received.append(signum)
        if len(received) > 1:
            # not logging: the signal may have come in while this thread held the logging lock
            os.write(2, b"faqbot: stopping at once (a second signal); replies in hand are not sent\n")
            os._exit(128 + signum)
        runtime.stopping.set()

    handlers = {signal.SIGTERM: stop, signal.SIGINT: stop}
    if hasattr(signal, "SIGHUP"):
        handlers[signal.SIGHUP] = lambda *_: reloader.request()
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
