"""Regenerate the single initial migration from the models (pre-release only).

Until the first production deployment the schema is one migration, 0001_initial.
Run `python tools/regen_initial_migration.py` after changing bot/db/models.py.
After release, write ordinary incremental migrations instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from bot.db.migrate import MIGRATIONS, alembic_config

VERSIONS = MIGRATIONS / "versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        config = alembic_config(f"sqlite:///{Path(tmp) / 'empty.sqlite3'}")
        command.revision(config, message="initial", autogenerate=True, rev_id="0001")
    generated = next(VERSIONS.glob("0001_*.py"))
    generated.rename(VERSIONS / "0001_initial.py")
    print(f"wrote {VERSIONS / '0001_initial.py'}")


if __name__ == "__main__":
    main()
