"""The `faqbot` command line."""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import sys
from dataclasses import replace
from pathlib import Path

from bot.engine import Context, Engine, IndexCache, build_engine, embedding
from bot.engine.encoder import SemanticUnavailable
from bot.engine.loading import FaqError, Problem
from bot.improve import browse, import_command, scaffold
from bot.improve.confusion import confusion, confusion_lines
from bot.improve.evaluate import evaluate, load_cases
from bot.improve.lint import check, near_duplicates, same_words
from bot.improve.spelling import spelling_notes
from bot.improve.thin import thin_notes
from bot.improve.why import explain
from bot.serving.config import (
    Config,
    ConfigError,
    cache_setting,
    default_cache_dir,
    load_config,
)
from bot.serving.database_settings import duration_argument
from bot.serving.flood import FloodRule
from bot.serving.progress import progress_reporter
from bot.serving.reload import faq_version
from bot.serving.runner import StartError, prepare

EXIT_USAGE = 2


def shipped_faq_dir() -> Path:
    """The FAQ that comes with faqbot: packaged inside a wheel, or `faq/` in a source checkout."""
    packaged = Path(__file__).parent / "_faq"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "faq"


def unread_faq(here: Path) -> str | None:
    """What in `here` looks like the user's own FAQ, when nothing names one: a `faq` folder, YAML files, or a
    settings file in a folder above (faqbot reads ./faqbot.yaml only)."""
    if (here / "faq").is_dir() and not _same_faq(here / "faq", shipped_faq_dir()):
        return "./faq"
    if any(p.suffix in (".yaml", ".yml") and p.is_file() and _holds_entries(p) for p in here.iterdir()):
        return "the FAQ files here"
    above = next((p / "faqbot.yaml" for p in list(here.parents)[:3] if (p / "faqbot.yaml").is_file()), None)
    return None if above is None else f"the FAQ {above} names (settings are read from ./faqbot.yaml only)"


def _same_faq(one: Path, other: Path) -> bool:
    """The same folder, or one holding the same FAQ files (a source checkout's `faq` beside an installed copy)."""
    return one.resolve() == other.resolve() or faq_version(one) == faq_version(other)


def _holds_entries(path: Path) -> bool:
    """A YAML file that starts a list of FAQ entries (`- id:`) near its top."""
    try:
        with path.open(encoding="utf-8", errors="replace") as text:
            return any(line.startswith("- id:") for line in itertools.islice(text, 200))
    except OSError:
        return False


def positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--faq", type=Path, default=None, metavar="DIR",
                        help="FAQ directory (default: the FAQ shipped with faqbot)")
    common.add_argument("--index-cache", default=None, metavar="DIR",
                        help="keep the built index and the encoder here, reused while the FAQ is unchanged, or off "
                        "(default: $FAQBOT_INDEX_CACHE, else $XDG_CACHE_HOME/faqbot or ~/.cache/faqbot)")
    common.add_argument("--config", type=Path, default=None, metavar="FILE",
                        help="settings file (default: $FAQBOT_CONFIG, else ./faqbot.yaml if there is one); "
                        "see README, Configuration")
    common.add_argument("--verbose", "-v", action="store_true", default=None,
                        help="say where the settings and the FAQ come from")
    return common


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("faqbot")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "unknown (not installed: python -m pip install .)"


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(prog="faqbot", description="Answer questions from a curated bilingual FAQ.")
    parser.add_argument("--version", action="version", version=f"faqbot {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create a folder for your own FAQ: settings, example entries, cases")
    init.add_argument("directory", type=Path, nargs="?", default=Path("."), metavar="DIR",
                      help="the folder to create it in (default: this one); nothing in it is overwritten")

    import_command.add_import(commands)
    import_command.add_export(commands, common)

    ask = commands.add_parser("ask", parents=[common], help="answer one question")
    ask.add_argument("question", nargs="+", help="the question; quotes are optional")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--lang", choices=("en", "zh"), help="reply in this language")

    chat = commands.add_parser("chat", parents=[common], help="talk to the bot in this terminal")
    chat.add_argument("--lang", choices=("en", "zh"), help="reply in this language")
    chat.add_argument("--record", action="store_true",
                      help="record the questions and picks in the database, as `faqbot run` does (to try report "
                           "and learn)")

    listing = commands.add_parser("list", parents=[common], help="list the FAQ's entries")
    listing.add_argument("--tag", help="only entries with this tag (any case)")
    listing.add_argument("--lang", choices=("en", "zh"), default="en")
    listing.add_argument("--json", action="store_true", help="print one JSON list of {id, question, tags}")

    show = commands.add_parser("show", parents=[common], help="show one entry")
    show.add_argument("id")
    show.add_argument("--lang", choices=("en", "zh"), default=None, help="only this language")

    why = commands.add_parser("why", parents=[common], help="show how a question was matched")
    why.add_argument("question", nargs="+", help="the question; quotes are optional")
    why.add_argument("--top", type=positive, default=5)

    lint = commands.add_parser("lint", parents=[common], help="check the FAQ; exit 1 if anything is wrong")
    lint.add_argument("--alike", action="store_true",
                      help="also note phrasings of different entries that mean nearly the same (semantic matching)")

    run = commands.add_parser("run", parents=[common], add_help=False,
                              help="answer in chat: `faqbot run slack discord`; `faqbot run --help` lists "
                              "every platform's options and variables")
    run.add_argument("words", nargs=argparse.REMAINDER, metavar="PLATFORM... [OPTION...]",
                     help="the platforms (slack, discord, or all), then their options, e.g. --port N")

    ev = commands.add_parser("eval", parents=[common], help="score the engine on a set of cases")
    ev.add_argument("cases", type=Path, nargs="?", default=None,
                    help="the cases file (default: eval.cases in the settings)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--confusion", action="store_true",
                    help="also show which entries are mistaken for which, and the entries recalled worst")

    stored = argparse.ArgumentParser(add_help=False, parents=[common])
    stored.add_argument("--db", metavar="URL", help="the store to read (default: $FAQBOT_DB_URL, else "
                        "~/.local/share/faqbot/faqbot.db)")
    stored.add_argument("--since", type=duration_argument, default="7d",
                        help="the period, ending now: 12h, 7d, 2w (default 7d)")
    stored.add_argument("--top", type=positive, default=20, help="at most this many unanswered groups (default 20)")
    report = commands.add_parser("report", parents=[stored], help="questions, answer rate, unanswered, feedback")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument("--html", type=Path, metavar="FILE", help="write the report as one self-contained page")
    report.add_argument("--purge-older-than", type=duration_argument, metavar="AGE",
                        help="first delete rows older than this, e.g. 90d")
    commands.add_parser("learn", parents=[stored], help="add unanswered questions to entries as phrasings, "
                        "one at a time")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C in a one-off command: what it writes is written whole or not at all
        print("\nfaqbot: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    embedding.allow_helpers()  # a large FAQ is embedded on every core
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "run":  # `faqbot run --help` is the platforms' help; elsewhere, usage
        parser.parse_args(argv)
    if args.command == "init":
        return _init(args.directory)
    if args.command != "run" and hasattr(signal, "SIGPIPE"):
        # `faqbot list | head` ends quietly. Never for a server: a client that hangs up would end it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if args.command == "import":  # makes a FAQ; reads no settings and no FAQ
        return import_command.run_import(args)
    if args.command == "run":  # `faqbot run slack --config FILE` as well as `faqbot run --config FILE slack`
        late, args.words = common_options().parse_known_args(args.words + unknown)
        for name, value in vars(late).items():
            setattr(args, name, value if value is not None else getattr(args, name))
    try:
        config = load_config(args.config)
    except ConfigError as err:
        print("faqbot: the settings have problems:\n" + str(err), file=sys.stderr)
        return EXIT_USAGE
    if not (args.faq or config.faq) and (mine := unread_faq(Path.cwd())) is not None:
        print(f"faqbot: answering from the example FAQ that comes with faqbot, not {mine}: give yours with --faq DIR, "
              "`faq:` in faqbot.yaml or FAQBOT_FAQ", file=sys.stderr)
    args.faq = faq_dir = args.faq or config.faq or shipped_faq_dir()
    args.index_cache, explicit = index_cache_dir(args.index_cache, config)
    args.config = config
    for note in config.notes:
        print(f"faqbot: {note}", file=sys.stderr)
    if args.verbose:
        print(f"faqbot: settings from {config.source}; FAQ from {faq_dir}", file=sys.stderr)
    if args.command == "run":  # every platform's extra and settings are checked before anything loads or starts
        try:
            args.platforms, args.options = _platforms(args.words)
        except StartError as err:
            print(f"faqbot: {err}", file=sys.stderr)
            return err.code
    args.cache = cache = IndexCache(args.index_cache) if args.index_cache else None
    try:
        engine = load_engine(faq_dir, config, cache=cache)
    except SemanticUnavailable as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    except FaqError as err:
        if args.command == "lint":
            return _findings(faq_dir, err.problems, [])
        print(f"faqbot: the FAQ in {faq_dir} has problems (run `faqbot lint --faq {faq_dir}`):", file=sys.stderr)
        print(err, file=sys.stderr)
        return EXIT_USAGE
    if cache is not None and cache.status == "unwritable" and explicit:
        print(f"faqbot: could not write the index cache in {args.index_cache}: make it a writable directory "
              "(--index-cache or FAQBOT_INDEX_CACHE); running without it", file=sys.stderr)
    return COMMANDS[args.command](engine, args)


def _ask(engine: Engine, args: argparse.Namespace) -> int:
    reply = engine.answer(" ".join(args.question), Context(lang=args.lang))
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False))
    else:
        print(reply.text)
    return 0


def _chat(engine: Engine, args: argparse.Namespace) -> int:
    # adapters are found by name, never imported by bot/
    from importlib.metadata import entry_points

    (console,) = entry_points(group="faqbot.adapters", name="console")
    # One person at a terminal floods nobody, and what they try out is no analytics unless they say so: no
    # limit, no store without --record, no status port (a running bot may hold it), and only warnings on stderr.
    config = replace(args.config, flood=FloodRule(questions=1_000_000_000), log_level="warning", status_port=None)
    return _serve({"console": console.load()}, ["--lang", args.lang] if args.lang else [], engine, args, config,
                  recording=args.record)


def _run(engine: Engine, args: argparse.Namespace) -> int:
    return _serve(args.platforms, args.options, engine, args, args.config, recording=True)


def _platforms(words: list[str]) -> tuple[dict, list[str]]:
    """The adapters named, and their options once `prepare` has found nothing missing; else StartError."""
    # adapters are found by name, never imported by bot/
    from importlib.metadata import entry_points

    installed = {e.name: e for e in entry_points(group="faqbot.adapters") if e.name != "console"}
    names = list(itertools.takewhile(lambda word: not word.startswith("-"), words))
    options = words[len(names):]
    if names == ["all"] or (not names and {"-h", "--help"} & set(options)):
        names = sorted(installed)
    if not names:
        raise StartError(f"name the platforms to serve: {', '.join(sorted(installed))} or all "
                         "(`faqbot run --help` lists their options)")
    adapters = {}
    for name in dict.fromkeys(names):
        if name not in installed:
            raise StartError(f"no chat adapter '{name}' is installed{browse.did_you_mean(name, installed)} "
                             "(`faqbot chat` runs the console)")
        try:
            adapters[name] = installed[name].load()
        except ImportError as err:
            raise StartError(f"the {name} adapter needs its extra: pip install \"faqbot[{name}]\" ({err})") from None
    prepare(adapters, options)
    return adapters, options


def _serve(adapters: dict, options: list[str], engine: Engine, args: argparse.Namespace, config: Config, *,
           recording: bool) -> int:
    from bot.serving.runner import run

    faq_dir = args.faq

    def store():
        # SQLAlchemy is loaded by the commands that use a store only
        from bot.improve.store import open_store

        settings = config.store_settings()
        return open_store(settings.url, keep_text=settings.keep_text, user_salt=settings.user_salt,
                          retention_seconds=settings.retention_seconds)

    def shared():
        from bot.improve.store.shared import open_shared

        settings = config.store_settings()
        return open_shared(settings.url, user_salt=settings.user_salt, rule=config.flood)

    return run(adapters, options, engine=engine, config=config, faq_dir=faq_dir,
               open_store=store if recording else None, open_shared=shared if recording else None,
               load=lambda: load_engine(faq_dir, config, cache=args.cache),
               lint=check)


def _report(engine: Engine, args: argparse.Namespace) -> int:
    from bot.improve import report_command

    return report_command.main(engine, args)


def _learn(engine: Engine, args: argparse.Namespace) -> int:
    from bot.improve import learn

    faq_dir = args.faq
    if faq_dir.name == "_faq":  # inside an installed faqbot: its copy of the FAQ is no place for edits
        print("faqbot: learn edits your FAQ's files: give its directory with --faq DIR", file=sys.stderr)
        return EXIT_USAGE
    return learn.main(engine, args, faq_dir)


def _list(engine: Engine, args: argparse.Namespace) -> int:
    entries = browse.tagged(engine.faq.entries, args.tag)
    if args.tag is not None and not entries:
        tags = {t for e in engine.faq.entries for t in e.tags}
        print(f"faqbot: no entry has the tag '{args.tag}'{browse.did_you_mean(args.tag, tags)} "
              f"(the tags: {', '.join(sorted(tags)) or 'none'})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(browse.rows(entries, args.lang), ensure_ascii=False))
    else:
        print("\n".join(browse.columns(entries, args.lang)))
    return 0


def _show(engine: Engine, args: argparse.Namespace) -> int:
    entry = engine.faq.get(args.id) or engine.faq.get(args.id.casefold())
    if entry is None:
        ids = [e.id for e in engine.faq.entries]
        print(f"faqbot: no entry '{args.id}'{browse.did_you_mean(args.id, ids)} (`faqbot list` shows the ids)",
              file=sys.stderr)
        return 1
    print(f"{entry.id}  ({entry.file}:{entry.line})")
    if entry.context_only:
        print("context only: never matched directly; reached only as a follow-up of another entry")
    for lang in [args.lang] if args.lang else list(entry.questions):
        if lang not in entry.questions:
            continue
        print(f"\n[{lang}] questions:")
        print("\n".join(f"  - {q}" for q in entry.questions[lang]))
        print(f"[{lang}] answer:")
        print("\n".join(f"  {line}" for line in entry.answer[lang].splitlines()))
    if entry.tags:
        print(f"\ntags: {', '.join(entry.tags)}")
    if entry.related:
        print(f"\nrelated: {browse.related_line(entry)}")
    if entry.sources:
        print(f"\nsources: {', '.join(entry.sources)}")
    return 0


def _why(engine: Engine, args: argparse.Namespace) -> int:
    print("\n".join(explain(engine, " ".join(args.question), args.top)))
    return 0


def index_cache_dir(option: str | None, config: Config) -> tuple[Path | None, bool]:
    """Where the index cache is, and whether it was asked for (a default that cannot be written is no news)."""
    chosen = cache_setting(option)  # the option's words are the setting's
    if chosen is not None:
        return (chosen or None), True
    if config.index_cache_off:
        return None, True
    if config.index_cache is not None:
        return config.index_cache, True
    return default_cache_dir(), False


def load_engine(faq_dir: Path, config: Config, *, cache: IndexCache | None) -> Engine:
    return build_engine(faq_dir, limits=config.limits, cache=cache, semantic=config.semantic,
                        progress=progress_reporter("embedding the FAQ's phrasings"),
                        thresholds=config.thresholds, language=config.language)


def _lint(engine: Engine, args: argparse.Namespace) -> int:
    notes = same_words(engine) + spelling_notes(engine) + thin_notes(engine)
    notes += near_duplicates(engine) if args.alike else []
    return _findings(args.faq, check(engine), notes)


def _findings(faq_dir: Path, problems: list[Problem], notes: list[Problem]) -> int:
    for finding in problems + notes:
        print(finding)
    noted = f"; {len(notes)} note(s)" if notes else ""
    if problems:
        print(f"{len(problems)} problem(s) in {faq_dir}{noted}", file=sys.stderr)
        return 1
    print(f"ok: {faq_dir} has no problems{noted}")
    return 0


def _eval(engine: Engine, args: argparse.Namespace) -> int:
    args.cases = args.cases or args.config.eval_cases
    if args.cases is None:
        print("faqbot: name the cases file (`faqbot eval cases.yaml`), or set eval.cases in the settings",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        cases = load_cases(args.cases, {e.id for e in engine.faq.entries})
    except FaqError as err:
        print(f"faqbot: cannot read the cases:\n{err}", file=sys.stderr)
        return EXIT_USAGE
    result = evaluate(engine, cases)
    if args.confusion:
        result |= confusion(cases, result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for failure in result["failures"]:
        print(f"FAIL  expect {_null(failure['expect'])}  got {failure['kind']} {_null(failure['got'])}  "
              f"q: {failure['q']}")
    print(
        f"\n{result['cases']} cases ({result['in_scope']} in scope, {result['out_of_scope']} out of scope)\n"
        f"top-1 accuracy        {result['top1_accuracy']:.3f}\n"
        f"wrong answers         {result['wrong_answer_rate']:.3f}\n"
        f"suggestion hit rate   {result['suggest_hit_rate']:.3f}\n"
        f"out-of-scope answered {result['oos_false_answer_rate']:.3f}"
    )
    if args.confusion:
        print("\n" + "\n".join(confusion_lines(result)))
    return 0


def _null(value: object) -> object:
    """None as the cases file writes it."""
    return "null" if value is None else value


def _init(directory: Path) -> int:
    try:
        written = scaffold.create(directory)
    except scaffold.Refused as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:
        print(f"faqbot: cannot create the FAQ project in {directory}: {err.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(scaffold.next_steps(directory, written), end="")
    return 0


COMMANDS = {"ask": _ask, "chat": _chat, "run": _run, "list": _list, "show": _show, "why": _why, "eval": _eval,
            "lint": _lint, "report": _report, "learn": _learn, "export": import_command.run_export}

if __name__ == "__main__":
    sys.exit(main())
