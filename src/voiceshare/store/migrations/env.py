"""Alembic environment. The store passes its open connection in `config.attributes`; run by
hand, the database URL comes from `-x url=...` or `sqlalchemy.url`."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from voiceshare.store.tables import metadata

config = context.config


def _configure_and_run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot alter most things in place; batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if isinstance(given, sa.Connection):
    _configure_and_run(given)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database URL: alembic -x url=sqlite:///dev.db ...")
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        _configure_and_run(connection)
    engine.dispose()
