"""The answering engine: load and validate the FAQ, normalise, match, decide, and build one
platform-neutral reply per question. Pure and synchronous: it reads the FAQ, and writes nothing but the
index cache a caller hands to build_engine."""

from bot.engine.answering import Context, Engine, Thresholds
from bot.engine.build import build_engine
from bot.engine.index_cache import IndexCache
from bot.engine.reply import EntryRef, Reply

__all__ = ["Context", "Engine", "EntryRef", "IndexCache", "Reply", "Thresholds", "build_engine"]
