"""Which kind of case a line describes, from its words.

Kinds follow the case types in the manuals' reading notes (section e of 000, 002,
003/004): visits and events, advances (E25), translation and interpreting (E8),
ceremonies (E1, E7, E11), conferences and meetings (E9, E19, E21), correspondence
(E27), procurement (E26). Each keyword has a weight; the highest total wins, ties go
to the more specific kind (the order of `KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.extract.words import squash

KINDS = (
    "advance", "visit", "interpreting", "translation", "ceremony",
    "conference", "procurement", "correspondence", "other",
)

# Kinds that happen at a time (an event date, group notices, checklists), not by a due date.
EVENT_KINDS = frozenset({"visit", "ceremony", "conference", "interpreting"})

KIND_LABELS = {
    "visit": "การเยือน/รับคณะ",
    "advance": "เงินยืมราชการ",
    "translation": "งานแปล",
    "interpreting": "ล่าม",
    "ceremony": "พิธีการ",
    "conference": "ประชุม/สัมมนา",
    "correspondence": "หนังสือราชการ",
    "procurement": "จัดซื้อจัดจ้าง",
    "other": "เรื่องทั่วไป",
}

# Words people type for a kind (Thai or English), for "เปลี่ยนประเภท" answers.
KIND_ALIASES = {
    "visit": ("เยือน", "คณะ", "รับคณะ", "visit"),
    "advance": ("เงินยืม", "ยืมเงิน", "advance"),
    "translation": ("แปล", "งานแปล", "translation"),
    "interpreting": ("ล่าม", "interpreting", "interpreter"),
    "ceremony": ("พิธี", "พิธีการ", "ceremony"),
    "conference": ("ประชุม", "สัมมนา", "conference", "meeting"),
    "correspondence": ("หนังสือ", "หนังสือราชการ", "correspondence", "letter"),
    "procurement": ("จัดซื้อ", "จัดจ้าง", "จัดซื้อจัดจ้าง", "procurement"),
    "other": ("อื่น", "อื่นๆ", "ทั่วไป", "other"),
}

_KEYWORDS: dict[str, tuple[tuple[str, int], ...]] = {
    "advance": (("ยืมเงิน", 5), ("เงินยืม", 5), ("ยืมใช้ในราชการ", 5), ("ทดรองราชการ", 4), ("advance", 4), ("borrow", 4)),
    "visit": (
        ("คณะ", 2), ("เยือน", 4), ("เข้าพบ", 3), ("เยี่ยมคารวะ", 4), ("คารวะ", 3), ("ศึกษาดูงาน", 3),
        ("ดูงาน", 2), ("ต้อนรับ", 2), ("รับรอง", 1), ("แขกของกรุงเทพ", 4), ("เอกอัครราชทูต", 2),
        ("delegation", 4), ("visit", 3), ("courtesy", 3),
    ),
    "interpreting": (("ล่าม", 5), ("interpret", 5)),
    "translation": (("แปล", 4), ("translat", 4)),
    "ceremony": (
        ("พิธี", 3), ("มอบกุญแจ", 3), ("ลงนาม", 3), ("mou", 2), ("ดอกไม้วันชาติ", 4), ("วันชาติ", 2),
        ("ceremony", 4), ("signing", 3),
    ),
    "conference": (
        ("ประชุม", 3), ("สัมมนา", 4), ("ประชุมทางไกล", 4), ("conference", 4), ("meeting", 3),
        ("workshop", 3), ("อบรม", 2), ("webinar", 3),
    ),
    "procurement": (("จัดซื้อ", 4), ("จัดจ้าง", 4), ("พัสดุ", 3), ("e-bidding", 4), ("procure", 4), ("ครุภัณฑ์", 3)),
    "correspondence": (
        ("หนังสือ", 2), ("จดหมาย", 2), ("บันทึกข้อความ", 3), ("ตอบกลับ", 1), ("letter", 2), ("หนังสือเวียน", 3),
    ),
}


@dataclass(frozen=True, slots=True)
class KindGuess:
    kind: str
    score: int
    words: tuple[str, ...]  # the keywords that decided it


def recognise_kind(text: str, hint: str | None = None) -> KindGuess:
    """The most likely kind; `hint` (from the command, e.g. "ยืมเงิน …") adds weight."""
    lowered = text.lower()
    scores: dict[str, int] = {}
    words: dict[str, list[str]] = {}
    for kind, keywords in _KEYWORDS.items():
        for word, weight in keywords:
            if word in lowered:
                scores[kind] = scores.get(kind, 0) + weight
                words.setdefault(kind, []).append(word)
    if hint in KIND_LABELS:
        scores[hint] = scores.get(hint, 0) + 10
    if not scores:
        return KindGuess("other", 0, ())
    best = max(KINDS, key=lambda k: (scores.get(k, 0), -KINDS.index(k)))
    return KindGuess(best, scores[best], tuple(words.get(best, ())))


def kind_from_answer(answer: str) -> str | None:
    """"ล่าม" or "interpreting" or "3" (position in the list) → the kind, else None."""
    squashed = squash(answer)
    for kind, label in KIND_LABELS.items():
        if squashed in {kind, squash(label)}:
            return kind
    for kind, aliases in KIND_ALIASES.items():
        if squashed in aliases:
            return kind
    return None
