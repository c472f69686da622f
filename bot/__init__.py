"""faqbot's answer engine: a curated bilingual FAQ in, one platform-neutral reply per question out."""

from .engine import Context, Engine, Thresholds
from .events import Where
from .service import Service
from .reply import EntryRef, Reply

__all__ = ["Context", "Engine", "EntryRef", "Reply", "Service", "Thresholds", "Where"]
