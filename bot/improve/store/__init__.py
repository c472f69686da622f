"""Where questions and votes are kept: SQLite or PostgreSQL, written off the answering path.

SQLAlchemy is imported only when a store is opened, so commands that never touch one start as fast as before.
"""

from bot.serving.database_settings import StoreConfigError, StoreSettings

__all__ = ["Store", "StoreConfigError", "StoreSettings", "open_store"]


def __getattr__(name: str):
    if name in ("Store", "open_store"):
        from bot.improve.store import store

        return getattr(store, name)
    raise AttributeError(f"module 'bot.improve.store' has no attribute '{name}'")
