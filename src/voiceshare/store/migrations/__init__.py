"""Alembic migrations of the store. `voiceshare.store.Store` runs them on open; developers add
one with `alembic -x url=sqlite:///dev.db revision --autogenerate` from this folder's parent
(see `env.py`)."""
