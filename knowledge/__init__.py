"""Manual knowledge base: parsing, search and answers for the LINE assistant.

PyThaiNLP must never download anything at run time: it is set offline and read-only
(PYTHAINLP_OFFLINE, PYTHAINLP_READ_ONLY) before any import of it. The public names are
imported lazily so that `import knowledge.model` stays light.
"""

import os as _os

_os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
_os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

__all__ = ["Answer", "Engine", "Hit", "SearchResult", "Suggestion", "get_engine"]


def __getattr__(name):
    if name in ("Answer", "Suggestion"):
        from knowledge import answer

        return getattr(answer, name)
    if name in ("Engine", "Hit", "SearchResult", "get_engine"):
        from knowledge import engine

        return getattr(engine, name)
    raise AttributeError(name)
