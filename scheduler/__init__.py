"""Deadlines and notifications that are never lost and never sent twice.

Reminders are rows (bot.db.models.Reminder): the database is the truth, APScheduler
only beats the interval. Modules:

- rules      the advance rule (30 days, cited to the manual's line)
- workdays   working days and the Holiday table (seeded from data/holidays.csv)
- store      idempotent planning by dedupe_key; a retry key fixed at planning time
- planning   plan_case(ctx, case, change): what each case owes, called by the cases chat
- advances   ladder, overdue repeats and escalation, clearing and snoozing
- visits     group notices for visits and events (logged, 7/1 days before, morning)
- checklist  manual procedures → ChecklistItems scheduled backwards from the event
- digest     the Monday digest for registered groups
- messages   rendering at send time (a stale reminder renders to nothing)
- tick       one pass: claim (SKIP LOCKED / conditional UPDATE … RETURNING), push
             with X-Line-Retry-Key, mark sent; backoff, leases, quiet hours
- runner     the Ticker that `serve` starts
- cli, groups_cli, holidays_cli   `python -m bot tick | groups | holidays`
"""
