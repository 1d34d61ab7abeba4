"""The engine every request shares: corpus + index, cached on disk by content hash."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.index import HIT_TEXT_CHARS, REPO_ROOT, SOURCES_DIR, Index, build_index, load_any_corpus
from knowledge.model import Corpus, Section
from knowledge.search import Scored, analyse, prepare, score, smalltalk_kind

CACHE_VERSION = "1"
CODE_GLOBS = ("knowledge/*.py", "knowledge/text/*.py", "knowledge/parsing/*.py", "knowledge/data/*")


@dataclass(frozen=True, slots=True)
class Hit:
    section_id: str
    title: str
    text: str
    source: str
    lines: tuple[int, int]
    score: float
    key: str | None
    doc: str


@dataclass(slots=True)
class SearchResult:
    query: str
    took_ms: float
    confident: bool
    hits: list[Hit] = field(default_factory=list)


# --- confidence -----------------------------------------------------------------------
# Calibrated on tests/data/questions.jsonl vs tests/data/unanswerable.jsonl
# (benchmarks/search_bench.py prints the rates).
# Features: the top passage's final score and the idf-weighted share of the typed words
# it contains (words the manuals never use weigh the most, so "ขั้นตอนขอวีซ่าเชงเก้น"
# is not answered by a passage that only matches "ขั้นตอน").
MIN_SCORE = 0.57
# 0.20 -> 0.30 (ninth session): two confident wrong answers on the own set and one unanswerable
# question of the fresh set became "not sure", and no confident right answer on any set was
# lost (0.33 and above began to lose them).
MIN_WCOV = 0.30
# Off: requiring the top passage to hold the question's rare words (found in <= RARE_DF
# passages) made 10 right answers unsure for 2 wrong ones on the question set.
REQUIRE_RARE = False
# On: a passage that states no quantity of the kind asked ("กี่วัน" and no length of time) is
# not a sure answer (on the question sets it took back 3 wrong answers and no right one).
REQUIRE_SHAPE = True
# On: "งบ ... ปี 2569" answered from the 2568 plan is not a sure answer.
REQUIRE_YEAR = True


def is_confident(results: list[Scored]) -> bool:
    if not results:
        return False
    top = results[0]
    if top.fuzzy_only or (REQUIRE_RARE and top.missing_rare):
        return False
    if REQUIRE_SHAPE and top.shaped is False:
        return False
    if REQUIRE_YEAR and top.other_year:
        return False
    return top.score >= MIN_SCORE and top.wcov >= MIN_WCOV


def cache_key() -> str:
    """Sources, code and the segmenter in use (nlpO3 or, without it, newmm: their tokens
    differ in a few pieces, so an index is only reused with the one that built it)."""
    from knowledge.text.tokenize import segmenter

    h = hashlib.sha256(CACHE_VERSION.encode())
    h.update(segmenter().encode())
    for path in sorted(SOURCES_DIR.glob("*.txt")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for pattern in CODE_GLOBS:
        for path in sorted(REPO_ROOT.glob(pattern)):
            if path.is_file():
                h.update(str(path.relative_to(REPO_ROOT)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:24]


def cache_dir() -> Path:
    env = os.environ.get("KNOWLEDGE_CACHE_DIR")
    return Path(env) if env else REPO_ROOT / "var" / "cache" / "knowledge"


# one of each kind the search and the answers treat apart (duties, money, a count, a time
# limit, steps, who, which rule, a definition, a misspelt name, a year); see Engine.warm_up
WARM_UP_QUESTIONS = (
    "ผอ.สกต. มีหน้าที่อะไร", "งบโครงการ MIB ปี 68 เท่าไหร่", "คู่มือมีทั้งหมดกี่กระบวนงาน",
    "เงินยืม คืนกี่วัน", "ขั้นตอนมอบกุญแจเมืองมีอะไรบ้าง", "ใครเซ็นหนังสือตอบรับคณะต่างประเทศ",
    "ระเบียบที่เกี่ยวกับการรับรองชาวต่างประเทศ", "เมืองพี่เมืองน้อง หมายถึงอะไร", "กุญแจเมีอง",
    "ตัวชี้วัดได้กี่เปอร์เซ็นต์", "e-bidding ประกาศกี่วันทำการ",
)


class Engine:
    def __init__(self, corpus: Corpus, index: Index):
        self.corpus = corpus
        self.index = index
        self._by_key = {}
        for s in corpus.sections.values():
            if s.key and s.kind in {"procedure", "project", "kpi"}:
                self._by_key.setdefault(s.key, s)
        from knowledge.text.tokenize import add_dictionary_words, add_domain_words, word_tokens

        add_domain_words(index.extra.get("domain_words", ()))
        add_dictionary_words(index.extra.get("toneless_words", ()))
        word_tokens("ก")  # load the segmenter's dictionary now, not on the first question
        prepare(index)

    def warm_up(self) -> None:
        """Answer one question of each kind once, so that what the first real questions would
        otherwise wait for is done at start: patterns compiled on first use, the module numpy
        loads for the duties path (20 ms), per-pattern tables. The first question of a kind
        took 12-30 ms on this session's machine, a repeated kind 2-4 ms."""
        for question in WARM_UP_QUESTIONS:
            self.answer(question)

    # --- construction ---
    @classmethod
    def build(cls, corpus: Corpus | None = None) -> "Engine":
        corpus = corpus or load_any_corpus()
        from knowledge.text.tokenize import add_domain_words

        from knowledge.text.tokenize import collect_toneless

        words = mine_domain_words(corpus)
        add_domain_words(words)
        collect_toneless(True)
        try:
            index = build_index(corpus)
        finally:
            toneless = collect_toneless(False)
        index.extra["domain_words"] = sorted(words)
        index.extra["toneless_words"] = sorted(toneless)
        return cls(corpus, index)

    @classmethod
    def load(cls, use_cache: bool = True) -> "Engine":
        """Load the cached engine; without a valid cache, build it (in a child process
        when possible, so that the serving process never carries the build's peak memory)
        and write the cache for the next start."""
        if not use_cache:
            return cls.build()
        path = cache_dir() / f"engine-{cache_key()}.pickle"
        engine = cls._read(path)
        if engine is not None:
            return engine
        if os.environ.get("KNOWLEDGE_BUILD_INPROCESS") != "1" and _build_in_child(path):
            engine = cls._read(path)
            if engine is not None:
                return engine
        engine = cls.build()
        engine.save(path)
        return engine

    @classmethod
    def _read(cls, path: Path) -> "Engine | None":
        if not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                corpus, index = pickle.load(fh)
        except Exception:  # a stale or partial cache is rebuilt
            return None
        return cls(corpus, index)

    def save(self, path: Path) -> bool:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as fh:
                pickle.dump((self.corpus, self.index), fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
            for old in path.parent.glob("engine-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            return False
        return True

    # --- lookups ---
    def section(self, section_id: str) -> Section:
        return self.corpus.sections[section_id]

    def procedure(self, key: str) -> Section | None:
        return self._by_key.get(key)

    def document(self, doc: str):
        return self.corpus.documents.get(doc)

    def steps_text(self, section_id: str) -> str:
        from knowledge.answer import format_steps

        section = self.section(section_id)
        steps = section.steps
        if not steps and section.key:
            owner = self.procedure(section.key)
            steps = owner.steps if owner else []
            if not steps and owner:
                for child in self.corpus.children(owner):
                    if child.steps:
                        steps = child.steps
                        break
        return "\n".join(format_steps(steps))

    # --- search ---
    def _rank(self, query: str, top: int, unit: str | None = None):
        q = analyse(self.index, query, unit)
        return q, score(self.index, q, top=top)

    def search(self, query: str, top: int = 5, unit: str | None = None) -> SearchResult:
        """The passages answering `query`, best first. `unit`: the asker's unit, whose
        documents answer first when the question names none."""
        t0 = time.perf_counter()
        if smalltalk_kind(query):
            return SearchResult(query, (time.perf_counter() - t0) * 1000, False, [])
        _, ranked = self._rank(query, max(top, 1), unit)
        hits = [self._hit(s) for s in ranked[:top]]
        return SearchResult(query, (time.perf_counter() - t0) * 1000, is_confident(ranked), hits)

    def _hit(self, s: Scored) -> Hit:
        matched = section = self.corpus.sections[s.unit.sid]
        text = s.unit.display
        if s.cite_section:  # cited by the part or passage stating the fact: show that one
            from knowledge.answer import display_text

            section = self.corpus.sections[s.cite_section]
            text = display_text(section, HIT_TEXT_CHARS)
        return Hit(
            section_id=section.id, title=section.title, text=text, source=s.unit.source,
            lines=s.cite or s.unit.lines, score=round(s.score, 4), key=matched.key, doc=section.doc,
        )

    def find_procedure(self, query: str) -> Section | None:
        """The best procedure/project/KPI for a short description (sum of passage scores per key)."""
        _, ranked = self._rank(query, 20)
        totals: dict[str, float] = {}
        for rank, s in enumerate(ranked):
            if s.unit.key and s.unit.key in self._by_key:
                totals[s.unit.key] = totals.get(s.unit.key, 0.0) + s.score / (1 + 0.3 * rank)
        if not totals:
            return None
        return self._by_key[max(totals, key=totals.get)]

    def answer(self, query: str, unit: str | None = None):
        from knowledge.answer import build_answer

        return build_answer(self, query, unit)


def _build_in_child(path: Path) -> bool:
    """Build and save the engine in a child Python process; True when it wrote `path`."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from knowledge.engine import Engine; "
        "sys.exit(0 if Engine.build().save(Path(sys.argv[1])) else 1)"
    )
    env = dict(os.environ, KNOWLEDGE_BUILD_INPROCESS="1")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO_ROOT, env=env,
                              capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and path.exists()


def mine_domain_words(corpus: Corpus) -> set[str]:
    """Procedure / project titles and aliases that are single Thai runs become dictionary words."""
    import re

    from knowledge.text.normalize import normalize

    words = set()
    for s in corpus.sections.values():
        if s.kind not in {"procedure", "project", "kpi"}:
            continue
        for name in [s.title, *s.aliases]:
            n = normalize(name)
            n = re.sub(r"^[\d.\s]*(กระบวนการ|กระบวนงาน)?\s*", "", n)
            # whole runs of Thai letters only (a slice could cut a word in half)
            for chunk in re.findall(r"[\u0e01-\u0e4e]+", n):
                if chunk.startswith("การ") and len(chunk) > 9:
                    chunk = chunk[3:]
                if 6 <= len(chunk) <= 24:
                    words.add(chunk)
    return words


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The shared engine, built (or loaded from the cache) and warmed up once per process."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                engine = Engine.load()
                engine.warm_up()
                # The index is some 200,000 objects that live as long as the process: a full
                # collection walked them all (78 ms here, a pause in whatever question was
                # being answered). Frozen, the collector leaves them be.
                gc.collect()
                gc.freeze()
                _engine = engine
    return _engine
