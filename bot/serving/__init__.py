"""What a running bot needs around the engine: the service adapters talk to, the runner, settings,
reload, metrics and health, logs, the flood limit."""

from bot.serving.events import Where
from bot.serving.service import Service

__all__ = ["Service", "Where"]
