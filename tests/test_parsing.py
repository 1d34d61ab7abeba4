"""Parser quirks, checked against the line numbers the reading notes give."""

from __future__ import annotations

import re

import pytest

from knowledge.corpus import load_corpus
from knowledge.model import Corpus, Section
from knowledge.parsing.duration import parse_duration
from knowledge.parsing.text import clean_cell, mermaid_labels, read_lines

FAO = "knowledge/sources/fao_operations_manual_2564.txt"
SDD = "knowledge/sources/sdd_policy_planning_manual_2564.txt"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus()


def covering(corpus: Corpus, source: str, line: int, kinds: set[str] | None = None) -> list[Section]:
    return [
        s
        for s in corpus.sections.values()
        if (kinds is None or s.kind in kinds) and any(sp.source == source and sp.first <= line <= sp.last for sp in s.spans)
    ]


# ---- whole-corpus invariants -------------------------------------------------------------


def test_load_is_cached():
    """Parsed once per process (how long it takes is the benchmark's business, not a test's)."""
    load_corpus.cache_clear()
    corpus = load_corpus()
    assert load_corpus() is corpus


def test_documents_and_order(corpus):
    assert list(corpus.documents) == ["000", "001", "002", "003", "004"]
    docs = [s.doc for s in corpus.sections.values()]
    assert docs == sorted(docs), "sections are in document order"
    for doc in corpus.documents:
        assert corpus.sections[doc].kind == "document"


def test_every_span_is_inside_its_file(corpus):
    sizes = {d.source: len(read_lines(d.source)) for d in corpus.documents.values()}
    for s in corpus.sections.values():
        assert s.spans, s.id
        for sp in s.spans:
            assert sp.source in sizes, s.id
            assert 1 <= sp.first <= sp.last <= sizes[sp.source], (s.id, sp)


def test_every_section_but_roots_has_text_and_title(corpus):
    for s in corpus.sections.values():
        if s.kind == "document":
            continue
        assert s.text.strip(), s.id
        assert s.title.strip(), s.id
        assert "....." not in s.title and "**" not in s.title and "<" not in s.title, s.id


def test_tree_links_are_consistent(corpus):
    for s in corpus.sections.values():
        if s.parent is not None:
            assert s.id in corpus.sections[s.parent].children
        for c in s.children:
            assert corpus.sections[c].parent == s.id


def test_text_is_clean(corpus):
    for s in corpus.sections.values():
        blob = s.title + "\n" + s.text
        assert not re.search("[\u0900-\u0dff]", blob), s.id  # stray Devanagari/Tamil
        assert "\u0e4d\u0e32" not in blob, s.id  # decomposed sara am
        assert "&gt;" not in blob and "graph TD" not in blob and "graph LR" not in blob, s.id
        assert not re.search(r"<(?:div|p|li|ul|b|br|pre)\b", blob), s.id
        assert "\u00a0" not in blob, s.id
        assert "....." not in blob, s.id


# ---- 000: procedures merged from five parts -------------------------------------------------


def test_p4_key_to_the_city_has_16_steps_from_the_step_table(corpus):
    p4 = corpus.by_key("000:P4")
    assert p4 is not None and p4.id == "000/P4" and p4.kind == "procedure"
    assert [s.no for s in p4.steps] == [str(i) for i in range(1, 17)]
    for s in p4.steps:
        assert 3010 <= s.span.first <= s.span.last <= 3041
    # primary citation is the step table, then scope/framework/requirements/flowchart
    assert p4.span.first == 3010 and 3036 <= p4.span.last <= 3041
    lines = [sp.first for sp in p4.spans[1:]]
    assert 589 in lines and 800 in lines and 1197 in lines and any(1525 <= x <= 1530 for x in lines)
    assert p4.facets["regulations"].count("กุญแจเมือง") >= 1
    assert "ก่อนวันพิธี" in p4.facets["requirements"]
    assert "ประมุขรัฐ" in p4.facets["stakeholders"]
    kinds = {corpus.sections[c].kind for c in p4.children}
    assert kinds == {"steps", "scope", "framework", "requirements", "flowchart"}
    for c in p4.children:
        assert corpus.sections[c].key == "000:P4"
    assert corpus.sections["000/P4/step/3"].key == "000:P4"
    assert corpus.sections["000/P4/steps"].span.first == 3010


def test_p4_event_relative_durations(corpus):
    steps = {s.no: s for s in corpus.by_key("000:P4").steps}
    d12 = steps["12"].duration
    assert (d12.min, d12.max, d12.unit, d12.anchor) == (3, 4, "hour", "before_event")
    d8 = steps["8"].duration
    assert (d8.min, d8.max, d8.unit) == (30, 30, "minute")


def test_page_headers_are_not_steps(corpus):
    for s in corpus.sections.values():
        for step in s.steps:
            assert "รายละเอียดของงาน" not in step.text
            assert not step.text.startswith(("ที่", "ขั้นตอนการปฏิบัติงาน"))
    p4 = corpus.by_key("000:P4")
    assert len({s.no for s in p4.steps}) == len(p4.steps)


def test_continuation_rows_join_the_previous_step(corpus):
    # 3071 and 3092 are continuation rows (empty first cell) after page breaks in P6
    (s3071,) = covering(corpus, FAO, 3071, {"step"})
    assert s3071.span.first < 3071
    (s3092,) = covering(corpus, FAO, 3092, {"step"})
    assert s3092.span.first < 3092
    assert "๒ ชั่วโมง" in s3092.text


def test_tables_of_contents_are_not_searchable(corpus):
    for line in (30, 126, 440, 1392):
        toc = covering(corpus, FAO, line, {"toc"})
        assert toc and not toc[0].searchable
        others = [s for s in covering(corpus, FAO, line) if s.searchable]
        assert others == []


def test_wrap_hyphens_are_joined_but_real_hyphens_kept(corpus):
    texts = "\n".join(s.text for s in corpus.sections.values())
    assert "สำนักงาน-การต่างประเทศ" not in texts and "สำนักงาน- การต่างประเทศ" not in texts
    assert "ผู้อำนวยการ- ส่วน" not in texts
    (s3302,) = covering(corpus, FAO, 3302, {"step"})
    assert "สำนักงานการต่างประเทศ" in s3302.text
    assert "จัดซื้อ-จัดจ้าง" in texts
    assert clean_cell("สำนักนายก- รัฐมนตรี") == "สำนักนายกรัฐมนตรี"
    assert clean_cell("การจัดซื้อ-จัดจ้าง") == "การจัดซื้อ-จัดจ้าง"


def test_mermaid_labels_are_extracted(corpus):
    raw = read_lines(FAO)[2338 - 1]
    assert "--&gt;" in raw
    labels = mermaid_labels(raw)
    assert any("ประสานเทศกาลกิจ" in x for x in labels)
    flow = [s for s in covering(corpus, FAO, 2338) if s.kind == "flowchart"]
    assert flow and "ประสานเทศกาลกิจ" in flow[0].text and "Box1" not in flow[0].text


def test_html_lists_and_divs_become_text():
    raw = '<ul style="list-style-type: none"> <li>- ก</li> <li>- ข</li> </ul>'
    assert clean_cell(raw) == "- ก\n- ข"
    div = '<div style="border: 1px solid black;">  รับเรื่อง </div> <div>↓</div>'
    assert clean_cell(div) == "รับเรื่อง"
    assert clean_cell("พัสดुकงเหลือ") == "พัสดงเหลือ"
    assert clean_cell("สํานัก") == "สำนัก"
    assert clean_cell("ชื่อ.....\t๙๕").startswith("ชื่อ")


@pytest.mark.parametrize(
    ("raw", "lo", "hi", "unit", "anchor"),
    [
        ("๑๕ – ๓๐ วัน", 15, 30, "day", None),
        ("๑๕ - ๓๐ วัน", 15, 30, "day", None),
        ("๓๐ นาที", 30, 30, "minute", None),
        ("๑ ชม.", 1, 1, "hour", None),
        ("๑ ช.ม.", 1, 1, "hour", None),
        ("๓๐ นาที/หน้า", 30, 30, "minute/page", None),
        ("๑/๒ - ๑ วัน", 0.5, 1, "day", None),
        ("๑ - ๒ สัปดาห์", 1, 2, "week", None),
        ("๕ วันทำการ", 5, 5, "workday", None),
        ("๓ เดือน", 3, 3, "month", None),
        ("ก่อนงานเริ่ม ประมาณ ๓-๔ ชั่วโมง", 3, 4, "hour", "before_event"),
    ],
)
def test_durations(raw, lo, hi, unit, anchor):
    d = parse_duration(raw)
    assert (d.min, d.max, d.unit, d.anchor) == (lo, hi, unit, anchor)
    assert d.raw


def test_vague_and_empty_durations():
    assert parse_duration("") is None and parse_duration("-") is None
    d = parse_duration("ขึ้นอยู่กับปริมาณของงาน")
    assert d.raw == "ขึ้นอยู่กับปริมาณของงาน" and d.min is None


def test_advance_rule_is_findable_with_a_tight_span(corpus):
    rule = "คืนภายใน ๓๐ วัน นับแต่วันที่ได้รับเงินยืม".replace(" ", "")
    hits = [s for s in corpus.sections.values() if s.searchable and rule in re.sub(r"\s+", "", s.text)]
    assert hits
    tight = [s for s in hits if s.kind == "step" and s.span.last - s.span.first <= 6]
    assert {s.key for s in tight} >= {"000:P13", "000:P15", "000:P16"}
    assert any(s.span.first <= 3251 <= s.span.last for s in tight)


def test_thirty_days_after_return_rule_is_in_the_standard_column(corpus):
    (step,) = covering(corpus, FAO, 3421, {"step"})
    assert step.key == "000:C2"
    assert "ภายใน ๓๐ วัน" in step.steps[0].standard


def test_grouped_admin_framework_fans_out(corpus):
    for code in ("A1", "A2", "A23", "A24"):
        fr = corpus.sections[f"000/{code}/framework"]
        assert fr.key == f"000:{code}"
        assert fr.span.first >= 1105 and fr.span.last <= 1115
        assert "จัดซื้อ" in fr.text
    a25 = corpus.by_key("000:A25")
    assert "ระเบียบ" in a25.facets.get("regulations", "")


def test_sub_processes_hang_under_their_parent(corpus):
    for parent, subs in {"C3": ["C3.1", "C3.2"], "PL4": ["PL4.1", "PL4.2", "PL4.3"], "PL5": ["PL5.1", "PL5.2", "PL5.3"]}.items():
        p = corpus.sections[f"000/{parent}"]
        for sub in subs:
            assert f"000/{sub}" in p.children
            assert corpus.sections[f"000/{sub}"].steps


def test_aliases_hold_the_other_names(corpus):
    p5 = corpus.by_key("000:P5")
    assert any("ยกย่อง" in a for a in p5.aliases)
    c3 = corpus.by_key("000:C3.1")
    assert "พัฒนาบุคลากร" in c3.title and any("คูคลอง" in a for a in c3.aliases)


def test_non_procedure_content_is_covered(corpus):
    # foreword, executive summary, definitions, duties, references
    for line in (9, 534, 1317, 1360, 4608):
        found = [s for s in covering(corpus, FAO, line) if s.kind in {"paragraph", "table_row", "part"}]
        assert found, line


# ---- 002, 001, 003, 004 ----------------------------------------------------------------------


def test_sdd_procedures_and_sara_am(corpus):
    e_bidding = corpus.by_key("002:1.4.4")
    assert e_bidding.kind == "procedure" and e_bidding.steps
    assert e_bidding.span.first == 1280
    footer = [s for s in covering(corpus, SDD, 2049) if s.kind != "document"]
    assert footer and "สำนักพัฒนาสังคม" in footer[0].text
    assert corpus.sections["002/1.1.1"].parent == "002/1.1"


def test_budget_rows_are_readable(corpus):
    b1 = corpus.by_key("004:B1")
    assert "3,584,000" in b1.text and "บาท" in b1.text
    assert "ส่งเสริมศักยภาพของเมืองในเวทีระดับโลก" in b1.title
    prj1 = corpus.by_key("001:PRJ1")
    assert "งบประมาณ ๕๐๐,๐๐๐ บาท" in prj1.text
    rows = [corpus.sections[c] for c in prj1.children]
    assert any("ช่วงเวลา" in r.text for r in rows)  # Gantt rows read as schedules


def test_ids_are_stable(corpus):
    for sid in ("000/P4", "000/P4/steps", "000/P4/step/3", "000/A25", "002/1.4.3", "001/PRJ7", "003/K1", "004/KR3"):
        assert sid in corpus.sections


def test_reporters_names_are_masked(corpus):
    texts = "\n".join(s.text for s in corpus.sections.values() if s.doc == "003")
    assert "ชื่อผู้รับผิดชอบการรายงาน" in texts
    assert "สุนิสา" not in texts and "ชุตานา" not in texts


def test_page_break_splits_inside_a_word_are_glued(corpus):
    step = corpus.sections["000/P15/step/7"]
    assert "ก่อนกิจกรรมเริ่ม" in step.text
    assert "(ต่อ)" not in step.steps[0].flow_label


def test_tor_continuation_rows_join_their_section(corpus):
    # 002 duties table: "สำนักงานการพัฒนาชุมชน (ต่อ)" (2034) continues the row at 2031
    rows = [s for s in covering(corpus, SDD, 2034) if s.kind == "table_row"]
    assert len(rows) == 1 and rows[0].span.first == 2031
    assert "(ต่อ)" not in rows[0].title


def test_plain_label_lines_title_the_next_paragraph(corpus):
    # 001 has no markdown headings: "วิสัยทัศน์" (24) titles the vision paragraph (26)
    (vision,) = [s for s in covering(corpus, "knowledge/sources/fad_action_plan_2560.txt", 26) if s.kind == "paragraph"]
    assert vision.title == "วิสัยทัศน์" and vision.searchable
    (label,) = [s for s in covering(corpus, "knowledge/sources/fad_action_plan_2560.txt", 24) if s.kind == "paragraph"]
    assert not label.searchable


def test_total_rows_stand_alone(corpus):
    rows = [s for s in covering(corpus, "knowledge/sources/fad_action_plan_2560.txt", 258) if s.kind == "table_row"]
    assert len(rows) == 1 and rows[0].span.first == 258 and "๒๖,๐๐๐,๐๐๐" in rows[0].text


def test_post_names_broken_by_the_pdf_read_whole(corpus):
    """"นักวิเทศ สัมพันธ์" (135 steps), "เจ้า พนักงาน ธุรการ", "จพง. ชุรการ": a step's responsible
    column names a post, and the answer shows it as one word."""
    from knowledge.parsing.steps import join_broken_posts

    cells = [st.responsible for s in corpus.sections.values() for st in s.steps if st.responsible]
    assert cells and not any(re.search(r"นักวิเทศ\s+สัมพันธ์|เจ้า\s+พนักงาน|พนักงาน\s+ธุรการ|ชุรการ", c) for c in cells)
    assert join_broken_posts("นักวิเทศสัมพันธ์ และ คณะทำงาน") == "นักวิเทศสัมพันธ์ และ คณะทำงาน"  # a phrase break stays


def test_result_rows_name_their_indicator_and_the_total_row_stands_alone(corpus):
    report = "knowledge/sources/fao_performance_report_2564.txt"
    # L25 prints only "1." in the indicator cell: it reads by the criteria table's name (L18)
    (row,) = [s for s in covering(corpus, report, 25) if s.kind == "table_row"]
    assert "พหุวัฒนธรรม" in row.text and "ระดับ 4" in row.text
    # L28 is component 1's total (weight 50, score 47), not a continuation of indicator 3
    (ind3,) = [s for s in covering(corpus, report, 27) if s.kind == "table_row"]
    assert ind3.span.last == 27 and "47" not in ind3.text
    (total,) = [s for s in covering(corpus, report, 28) if s.kind == "table_row"]
    assert "รวม" in total.text and "50" in total.text and "47" in total.text


def test_sdd_framework_tables_split_at_their_header_rows(corpus):
    # 002's ตารางที่ ๒ holds stakeholders, requirements with indicators, and laws: each its own
    # passage, so a question about the laws is answered by the laws (L451-452), whatever the order
    (laws,) = [s for s in covering(corpus, SDD, 452) if s.kind == "framework"]
    assert laws.id == "002/3.1/t2/laws" and "ค่าใช้จ่ายในการฝึกอบรม" in laws.text
    (reqs,) = [s for s in covering(corpus, SDD, 236) if s.kind == "requirements"]
    assert "ข้อกำหนดที่สำคัญ" in reqs.text and "ร้อยละ" in reqs.text and "ระเบียบสำนักนายกรัฐมนตรี" not in reqs.text


def test_sdd_indicators_are_not_listed_as_laws(corpus):
    # 3.1 (L450-461): laws, then the indicators, then the laws' column continued after the page
    # break; the regulations an answer lists are the laws, all of them, and no indicator
    laws = corpus.sections["002/3.1"].facets["regulations"]
    assert "ร้อยละ" not in laws and "ตัวชี้วัด" not in laws
    assert "ค่าใช้จ่ายในการฝึกอบรม" in laws and "กท ๐๔๖๑/๓๑๑" in laws


def test_sdd_laws_headers_broken_by_a_space_are_read(corpus):
    # "ข้อกำหนด ด้านกฎหมาย" (L511, L538, L566): the IT procedures' laws are their regulations
    for key in ("002/4.1", "002/4.2", "002/4.3"):
        assert "พระราชบัญญัติว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์" in corpus.sections[key].facets["regulations"]


PLAN_2568 = "knowledge/sources/fao_action_plan_2568.txt"


def test_plain_part_lines_and_broken_bold_titles_open_parts(corpus):
    # "ส่วนที่ 1" (L83) is a plain line, and L264-265 a bold title broken over two lines: the
    # paragraphs after them belong to them, not to the KR list heading at L61
    (after_part_1,) = covering(corpus, PLAN_2568, 85, {"paragraph"})
    assert after_part_1.title.startswith("ส่วนที่ 1")
    (evaluation,) = covering(corpus, PLAN_2568, 269, {"paragraph"})
    assert evaluation.title.startswith("การประเมินผลการปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. 2568")


def test_a_numbered_list_broken_by_a_blank_line_is_one_passage(corpus):
    (kr_list,) = covering(corpus, PLAN_2568, 72, {"paragraph"})
    assert (kr_list.span.first, kr_list.span.last) == (63, 81)
    # definitions stay one passage each, numbered or not
    (definition,) = covering(corpus, FAO, 1319, {"paragraph"})
    assert definition.span.first == definition.span.last == 1319


def test_a_tables_caption_titles_its_rows_when_it_has_no_header():
    """002's org chart (L83-L106) has no header row: "โครงสร้างและกรอบอัตรากำลัง" above it
    says its numbers are posts, so each row is titled by it."""
    from knowledge.corpus import load_corpus

    corpus = load_corpus()
    row = next(s for s in corpus.sections.values() if s.doc == "002" and s.kind == "table_row" and s.span.first == 83)
    assert row.title == "โครงสร้างและกรอบอัตรากำลัง – กองนโยบายและแผนงาน"


def test_a_framework_table_over_a_page_break_keeps_only_its_laws(corpus):
    # 002's สารบรรณ framework continues after "กระบวนการ ๑.๑ … (ต่อ)" and "ตารางที่ ๒"
    laws = corpus.sections["002/1.1"].facets["regulations"].split("\n")
    assert laws and not any("(ต่อ)" in x or x.startswith("ตารางที่") for x in laws)
    assert any("งานสารบรรณ" in x for x in laws)
