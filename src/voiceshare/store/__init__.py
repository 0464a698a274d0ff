"""The store of analysed meetings (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL for a
shared server. See `database.py` for the API and `tables.py` for the schema."""

from voiceshare.store.database import (
    ENV_VAR,
    AttendanceRow,
    MeetingRecord,
    MeetingSummary,
    PersonRow,
    Store,
    StoredMeeting,
    StoreError,
    Upload,
    UploadStatus,
    default_store_url,
    display_url,
    resolve_store_url,
)

__all__ = [
    "ENV_VAR",
    "AttendanceRow",
    "MeetingRecord",
    "MeetingSummary",
    "PersonRow",
    "Store",
    "StoreError",
    "StoredMeeting",
    "Upload",
    "UploadStatus",
    "default_store_url",
    "display_url",
    "resolve_store_url",
]
