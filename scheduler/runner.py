"""The tick, run every few seconds by APScheduler inside `serve`. (Interface stub.)"""

from __future__ import annotations

from bot.app import Application
from bot.sender import Sender


class Ticker:
    def __init__(self, app: Application, sender: Sender) -> None:
        self.app = app
        self.sender = sender

    def start(self) -> None:
        """Start ticking on the running event loop."""

    async def shutdown(self) -> None:
        """Stop ticking; a tick in progress finishes first."""
