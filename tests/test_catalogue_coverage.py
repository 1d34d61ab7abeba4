"""Every catalogued procedure / project / KPI is a findable, keyed Section with a matching span."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from knowledge.corpus import load_corpus

KEYS = json.loads((Path(__file__).parent / "data" / "catalogue_keys.json").read_text(encoding="utf-8"))


def test_catalogue_file_is_well_formed():
    assert len(KEYS) >= 250
    assert len({k["key"] for k in KEYS}) == len(KEYS)
    for k in KEYS:
        assert set(k) == {"key", "doc", "name", "lines"}
        assert k["key"].startswith(k["doc"] + ":") and k["key"].isascii()
        assert k["name"].strip()
        first, last = k["lines"]
        assert 1 <= first <= last


def test_catalogue_counts_match_the_notes():
    per_doc = Counter(k["doc"] for k in KEYS)
    assert per_doc["000"] == 77  # 67 numbered procedures + 10 sub-processes
    codes = {k["key"] for k in KEYS}
    assert {f"000:P{i}" for i in range(1, 18)} <= codes
    assert {f"000:C{i}" for i in range(1, 16)} <= codes
    assert {f"000:A{i}" for i in range(1, 26)} <= codes
    assert {"000:C3.1", "000:C3.2", "000:PL1.1", "000:PL1.2", "000:PL4.3", "000:PL5.3"} <= codes
    assert {f"001:PRJ{i}" for i in range(1, 39)} <= codes
    assert {f"001:K{i}" for i in range(1, 15)} <= codes
    assert {f"004:KR{i}" for i in range(1, 19)} <= codes
    assert {f"004:B{i}" for i in range(1, 12)} <= codes


@pytest.mark.parametrize("entry", KEYS, ids=[k["key"] for k in KEYS])
def test_key_exists_with_overlapping_span(entry):
    corpus = load_corpus()
    section = corpus.by_key(entry["key"])
    assert section is not None, entry["key"]
    assert section.doc == entry["doc"]
    assert section.searchable and section.text.strip()
    first, last = entry["lines"]
    source = corpus.documents[entry["doc"]].source
    assert any(sp.source == source and sp.first <= last and first <= sp.last for sp in section.spans)
