"""Parsers that turn the five source manuals into a tree of Sections with provenance.

Public entry point: `knowledge.corpus.load_corpus()`. Modules:

- `text`: display-text cleaning (HTML/mermaid → text, wrap hyphens, sara am, Indic debris,
  leader dots, NBSP) and `read_lines`.
- `duration`: Thai free-text durations → `Duration{raw,min,max,unit,anchor}`.
- `steps`: the BMA step tables (columns mapped by header keywords, page-break
  continuation rows joined to the previous step).
- `blocks`: the generic parser (headings → parts, prose → paragraphs, TSV → table rows,
  "(ต่อ)" joined, repeated headers dropped, tables of contents non-searchable).
- `fao_manual` (000), `sdd_manual` (002): procedures merged from their five parts.
- `action_plans` (001, 004), `results_report` (003): generic blocks + catalogue overlay.
- `registry`: the catalogue of every procedure/project/KPI (keys, names, line anchors).

Key convention "<doc>:<code>" is documented in `registry`.
"""
