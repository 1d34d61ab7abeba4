"""Normalisation, synonyms and tokenisation (knowledge.text)."""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.text.normalize import (
    fix_keyboard_layout,
    fix_sara_am,
    join_thai_gaps,
    normalize,
    short_be_years,
    strip_tones,
    thai_digits_to_arabic,
)
from knowledge.text.synonyms import expand_synonyms, fix_typos, parse_table, related_pairs, synonyms_in
from knowledge.text.tokenize import STOPWORDS, char_ngrams, is_known_word, terms, word_tokens


def test_thai_digits():
    assert thai_digits_to_arabic("คืนภายใน ๓๐ วัน") == "คืนภายใน 30 วัน"
    assert normalize("๒๕๖๘") == "2568"


def test_short_be_years():
    assert short_be_years("พ.ศ. 2568 และ 2560") == ["68", "60"]
    assert "68" in terms(normalize("แผนปฏิบัติการ พ.ศ. ๒๕๖๘"), parts=True)


def test_tones_and_zero_width():
    assert strip_tones("กี่วัน") == "กีวัน"
    assert normalize("เงิน\u200bยืม") == normalize("เงินยืม")
    # terms are tone-insensitive (the engine also teaches the tokenizer toneless words)
    assert set(terms(normalize("ขั้นตอน"))) == {"ขันตอน"}


def test_sara_am_decomposed():
    decomposed = "ท\u0e4d\u0e32"  # nikhahit + sara aa
    assert fix_sara_am(decomposed) == "ทำ"
    assert normalize("ข\u0e49\u0e4d\u0e32") == normalize("ข้ำ")


def test_spacing_case_and_markup():
    assert normalize("  E-Bidding \t <p>ทดสอบ</p>  ") == "e-bidding ทดสอบ"
    assert join_thai_gaps("สำนักงาน-การเจ้าหน้าที่") == "สำนักงานการเจ้าหน้าที่"
    assert join_thai_gaps("ระยะ เวลา") == "ระยะเวลา"
    assert normalize("ครับบบบ") == "ครับ"


def test_abbreviations_expand_both_ways():
    assert "กรุงเทพมหานคร" in synonyms_in(normalize("กทม. จัดงาน"))
    assert "ผู้ว่าราชการกรุงเทพมหานคร" in synonyms_in(normalize("ผู้ว่าฯ ลงนาม"))
    assert "ผู้ว่าราชการกรุงเทพมหานคร" in synonyms_in(normalize("ผว.กทม. อนุมัติ"))
    assert "สำนักงานเลขานุการปลัดกรุงเทพมหานคร" in synonyms_in(normalize("ฝ่ายการคลัง สนป."))
    assert "สำนักงานการตรวจเงินแผ่นดิน" in synonyms_in(normalize("ส่ง สตง."))
    assert "บันทึกความเข้าใจ" in synonyms_in(normalize("ร่าง MOU"))
    assert "เมืองพี่เมืองน้อง" in synonyms_in(normalize("Sister City"))
    assert "เงินยืมใช้ในราชการ" in synonyms_in(normalize("เงินยืม"))
    assert "ประกวดราคาอิเล็กทรอนิกส์" in synonyms_in(normalize("e-bidding"))
    assert "ระบบจัดซื้อจัดจ้างภาครัฐ" in synonyms_in(normalize("ระบบ e-GP"))
    assert "ขอบเขตของงาน" in synonyms_in(normalize("TOR"))
    assert "ผู้อำนวยการ" in synonyms_in(normalize("ผอ.สกต."))
    # the manuals' names for a foreign delegation are the officers' "คณะต่างประเทศ"
    assert "คณะต่างประเทศ" in synonyms_in(normalize("การจัดการศึกษาดูงานให้กับคณะบุคคลจากต่างประเทศ"))
    assert "คณะต่างประเทศ" in synonyms_in(normalize("การต้อนรับคณะชาวต่างประเทศ ณ ท่าอากาศยาน"))
    # English words need word boundaries
    assert "ขอบเขตของงาน" not in synonyms_in(normalize("director"))
    text = expand_synonyms(normalize("กทม."))
    assert text.startswith("กทม.") and "กรุงเทพมหานคร" in text


def test_everyday_wording_widens_only_the_question():
    table = parse_table("rel\tทาบถาม\tหยั่งท่าที|หยั่งเชิง\nsyn\tกรุงเทพมหานคร\tกทม.\n")
    assert related_pairs(normalize("ต้องหยั่งท่าทีเมืองก่อนไหม"), table) == [("หยั่งท่าที", "ทาบถาม")]
    # the manuals' own text is never rewritten by a "rel" entry
    assert expand_synonyms(normalize("หยั่งท่าที"), table) == normalize("หยั่งท่าที")
    assert related_pairs(normalize("ทาบถามเมือง"), table) == []


def test_e_procurement_spellings_are_one_word():
    for typed in ("ebidding", "e bidding", "E-Bidding"):
        assert fix_typos(normalize(f"{typed} ประกาศกี่วัน")).startswith("e-bidding")
    assert fix_typos(normalize("emarket")) == "e-market"


def test_manual_typos_fixed():
    assert "ทดรอง" in fix_typos(normalize("ยืมเงินทรองราชการ"))
    assert "ทดรอง" in fix_typos(normalize("เงินทศรองราชการ"))
    assert "ยกร่างเอกสาร" in fix_typos(normalize("การยกย่องเอกสารลงนาม"))
    assert "เยี่ยมคารวะ" in fix_typos(normalize("เยี่ยมชมการวะ"))
    assert "เมืองพี่เมืองน้อง" in fix_typos(normalize("เมืองที่เมืองน้อง"))


def test_domain_terms_stay_whole_and_parts_are_indexed():
    for word in ("เงินยืมใช้ในราชการ", "กุญแจเมือง", "เมืองพี่เมืองน้อง"):
        assert word in word_tokens(word)
    t = terms("เงินยืมใช้ในราชการ", parts=True)
    assert strip_tones("เงินยืมใช้ในราชการ") in t and "ยืม" in t and "ราชการ" in t


def test_politeness_and_question_words_dropped():
    t = terms(normalize("ขอทราบขั้นตอนหน่อยครับ อะไรบ้างคะ"))
    assert t == [strip_tones("ขั้นตอน")]
    assert strip_tones("อย่างไร") in STOPWORDS


def test_keyboard_layout():
    known = is_known_word
    assert fix_keyboard_layout("g'bopn,", known) == "เงินยืม"
    assert fix_keyboard_layout("d6Pc0g,nv'", known) == "กุญแจเมือง"
    assert fix_keyboard_layout("MOU", lambda w: w == "mou") == "MOU"
    assert fix_keyboard_layout("เงินยืม", known) == "เงินยืม"


def test_char_ngrams():
    assert char_ngrams("กุญแจ") == ["กุญ", "ุญแ", "ญแจ"]
    assert char_ngrams("ก่ ข") == ["กข"]


def test_the_index_counts_the_same_ngrams_a_question_looks_up():
    """The index packs trigrams into integers for speed; unpacked they must be the very
    n-grams `key_ngrams` gives a question, or a passage could never match."""
    from knowledge.index import _ngram_codes, _ngram_strings
    from knowledge.text.tokenize import key_ngrams, tone_key

    for text in ["กุญแจเมือง", "ก", "กข", "MOU 30 วัน", "e-bidding", "😀ก", ""]:
        key = tone_key(normalize(text))
        assert _ngram_strings(_ngram_codes(key)) == key_ngrams(key)


thai_text = st.text(alphabet=st.sampled_from(list("กขคงจนมยรลวสหอะาิีึืุูเแโใไ่้๊๋็์ำ ๐๑๒๓๔๕๖๗๘๙0123456789abcXYZ\u200b\t")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(thai_text)
def test_normalize_is_idempotent(s):
    once = normalize(s)
    assert normalize(once) == once
    assert not any(c in once for c in "๐๑๒๓๔๕๖๗๘๙\u200b\t")
    assert once == once.strip() and "  " not in once


@settings(max_examples=100, deadline=None)
@given(thai_text)
def test_terms_never_contain_stopwords_or_spaces(s):
    for t in terms(normalize(s)):
        assert t and " " not in t and t not in STOPWORDS


def test_question_spaces_can_stay_word_boundaries():
    # the manuals' gaps inside words are PDF artefacts and are joined; a question's
    # space between two words is kept when asked (the search does so for questions)
    assert normalize("ระยะ เวลา") == "ระยะเวลา"
    assert normalize("เงินยืมราชการ คืนภายใน ๓๐ วัน", join_gaps=False) == "เงินยืมราชการ คืนภายใน 30 วัน"


def test_thai_and_arabic_digits_give_the_same_terms():
    for a, b in (("คืนภายใน ๓๐ วัน", "คืนภายใน 30 วัน"), ("ปี ๒๕๖๐", "ปี 2560"), ("วงเงิน ๕๐๐,๐๐๐ บาท", "วงเงิน 500,000 บาท")):
        assert terms(normalize(a), parts=True) == terms(normalize(b), parts=True)
        assert char_ngrams(normalize(a)) == char_ngrams(normalize(b))


def test_dotted_abbreviations_stay_whole():
    toks = terms(normalize("ผอ.สกต. ส่งเรื่องให้ สกจ."))
    assert "สกต" in toks and "สกจ" in toks and "ต" not in toks and "จ" not in toks
    # dates and other dotted text are left to the tokenizer
    assert "ม.ค" in terms(normalize("ม.ค. 2560"))


@pytest.mark.parametrize("text, not_found", [
    ("ทำยังไงบ้าง", "งบประมาณ"),  # ยังไง|บ้าง
    ("ค่าตั๋วเครื่องบินไปโซล", "งบประมาณ"),  # เครื่อง|บิน
    ("ประชุมทางไกลกับกรุงบูดาเปสต์", "งบประมาณ"),
    ("จัดงานผ่านแพลตฟอร์มออนไลน์", "แบบฟอร์ม"),
    ("ตามหลักพิธีการทูต", "เอกอัครราชทูต"),
])
def test_a_variant_inside_another_word_is_not_that_word(text, not_found):
    assert not_found not in expand_synonyms(normalize(text))


def test_a_variant_after_a_word_is_still_found():
    assert "งบประมาณ" in expand_synonyms(normalize("ปีงบ 68 ได้งบเท่าไร"))
    assert "เงินยืมใช้ในราชการ" in expand_synonyms(normalize("และการยืมเงินทดรองราชการ"))
    assert "ประชุมทางไกล" in expand_synonyms(normalize("จัดการประชุมออนไลน์"))
    # "กต." (the foreign ministry) is no part of "สกต." (the office itself)
    assert not related_pairs(normalize("งานของ สกต. มีอะไรบ้าง"))
    assert related_pairs(normalize("แจ้ง กต. ภายในกี่วัน")) == [("กต.", "กระทรวงการต่างประเทศ")]


@pytest.mark.parametrize("manual, reads", [
    ("กันเงิน หล่อมปี", "เหลื่อมปี"),  # 000's step cells, six times
    ("จพง. ชุรการ", "ธุรการ"),  # 002, with a space after the dot
    ("ข้อบัญญัติ กรุงเทพมหานครเรื่องรตราชาการ", "รถราชการ"),
    ("การเชิญชวน/ เจริญต่อรอง", "เจรจาต่อรอง"),
    ("ทารือในรายละเอียด", "หารือ"),
])
def test_the_manuals_misreadings_read_as_meant(manual, reads):
    from knowledge.text.normalize import normalize
    from knowledge.text.synonyms import fix_typos

    assert reads in fix_typos(normalize(manual)).replace(" ", "")


def test_facts_read_alike_in_the_index_the_search_and_the_answers():
    """One pattern per kind of fact (knowledge/text/facts.py): a length of time, a sum, who
    is in charge and a document are what the index flags, the search asks for and the
    answers quote, written the manuals' ways."""
    import re

    from knowledge.text.facts import BAHT_AMOUNT, DOCUMENT_WORDS, ROLE_WORDS, SUM, TIME_SPAN, TIME_SPAN_OR_YEARS
    from knowledge.text.normalize import normalize, strip_tones

    for text, span in (("คืนภายใน ๓๐ วัน", "30 วัน"), ("๕ วัน ทำการ", "5 วันทำการ"), ("๑ - ๓ วัน", "1 - 3 วัน"),
                       ("๒ ชม. / หน้า", "2 ชม."), ("๑-๒ สัปดาห์", "1-2 สัปดาห์")):
        assert re.search(TIME_SPAN, normalize(text)).group(0) == span, text
        assert re.search(strip_tones(TIME_SPAN), strip_tones(normalize(text)).replace(" ", "")), text
    assert not re.search(TIME_SPAN, "ภายใน 2 ปี") and re.search(TIME_SPAN_OR_YEARS, "ภายใน 2 ปี")
    assert re.search(SUM, "งบประมาณ 23,219,000") and re.search(SUM, "วงเงิน 5 ล้าน")
    assert re.search(BAHT_AMOUNT, "26,000,000.- บาท").group(0) == "26,000,000.- บาท"
    assert re.search(ROLE_WORDS, "ส่วนราชการที่รับผิดชอบ: กลุ่มงานต่างประเทศ")
    assert re.search(DOCUMENT_WORDS, "แบบ ๑ กท") and not re.search(DOCUMENT_WORDS, "แบบ")


def test_amounts_spelt_in_words_are_numbers():
    from knowledge.text.tokenize import number_words_to_digits

    # an officer writes "ห้าแสน"; the manuals write ๕๐๐,๐๐๐
    assert "500000" in terms(number_words_to_digits("ซื้อไม่เกินห้าแสน"))
    assert "500000" in terms(normalize("วงเงินไม่เกิน ๕๐๐,๐๐๐ บาท"))
    assert "500000" in terms("ไม่เกิน 500000 บาท")
    assert "120000" in terms(number_words_to_digits("ค่าใช้จ่ายเกินแสนสองหมื่น"))
    assert "30" in terms(number_words_to_digits("คืนภายในสามสิบวัน"))
    # words that merely hold a magnitude's letters, and a lone digit word, stay words
    assert number_words_to_digits("เรียบร้อยแล้ว ความสัมพันธ์ ขั้นตอนที่สอง") == "เรียบร้อยแล้ว ความสัมพันธ์ ขั้นตอนที่สอง"


def test_a_polite_ending_is_not_read_as_words():
    # PyThaiNLP's word list holds นคะ, which split "ไหนคะ" into ไห + นคะ: two made-up
    # words that outweighed the question's real ones
    assert word_tokens(normalize("ระเบียบฉบับปีไหนคะ"))[-2:] == ("ไหน", "คะ")
    assert terms(normalize("ช่วงไหนคะ")) == [strip_tones("ช่วง")]


def test_synonyms_are_found_without_tone_marks():
    # officers skip tone marks on a phone: "วีซา" is วีซ่า, "ผูวาฯ" is ผู้ว่าฯ
    assert normalize("ตรวจลงตรา") in synonyms_in(normalize("ขอวีซา"))
    assert normalize("ผู้ว่าราชการกรุงเทพมหานคร") in synonyms_in(normalize("ขออนุมัติผูวาฯ"))
