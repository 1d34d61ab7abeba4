"""Topic: cases. (placeholder router; filled in by its issue)"""

from __future__ import annotations

from handlers.router import Router

router = Router("cases")
