"""The parsed corpus: `load_corpus()` parses the five sources once (cached) into a Corpus."""

from __future__ import annotations

import os
from functools import cache

from knowledge.catalogue import DOCUMENTS
from knowledge.model import Corpus, Section

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


@cache
def load_corpus() -> Corpus:
    """All five documents as one tree of sections, in document order (000 … 004)."""
    from knowledge.parsing import action_plans, fao_manual, results_report, sdd_manual

    sections: dict[str, Section] = {}
    for parse in (fao_manual.parse, action_plans.parse_001, sdd_manual.parse, results_report.parse,
                  action_plans.parse_004):
        sections.update(parse())
    return Corpus(documents=dict(DOCUMENTS), sections=sections)
