"""The store's tables (SQLAlchemy Core): meetings, people, their aliases, per-meeting per-person
metrics, and each meeting's JSON report.

Migrations in `voiceshare/store/migrations` create exactly these tables; a test compares the
migrated schema with this module, so a change here needs a new migration.
"""

from __future__ import annotations

import sqlalchemy as sa

# Names for constraints and indexes, so migrations (and SQLite's batch mode) can refer to them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

NAME = sa.String(500)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # `name_key` of the name: people are matched case- and whitespace-insensitively.
    sa.Column("key", NAME, nullable=False, unique=True),
    sa.Column("name", NAME, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

aliases = sa.Table(
    "aliases",
    metadata,
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("alias", NAME, primary_key=True),
    # "speaker map" (declared in an alias file), "source label" (the label the source used,
    # merged into this person), or "as written" (the name spelled differently in a meeting).
    sa.Column("origin", sa.String(20), nullable=False),
)

meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # SHA-256 of the file's bytes: a file already stored with the same settings is skipped.
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("report_id", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=True),
    sa.Column("team", NAME, nullable=True, index=True),
    sa.Column("date", sa.Date, nullable=True, index=True),
    # "metadata", "file name" or "file modified": where the date came from.
    sa.Column("date_origin", sa.String(20), nullable=True),
    sa.Column("duration_s", sa.Float, nullable=True),
    sa.Column("format", sa.String(40), nullable=False),
    sa.Column("timed", sa.Boolean, nullable=False),
    # "speaking_time" or "words"; NULL when shares could not be measured.
    sa.Column("basis", sa.String(20), nullable=True),
    sa.Column("present", sa.Integer, nullable=False),
    sa.Column("equal_share", sa.Float, nullable=True),
    sa.Column("gini", sa.Float, nullable=True),
    sa.Column("entropy", sa.Float, nullable=True),
    sa.Column("quiet_voices", sa.Integer, nullable=False),
    sa.Column("utterances", sa.Integer, nullable=False),
    sa.Column("pseudonymised", sa.Boolean, nullable=False),
    # The analyses that ran on this meeting (comma-separated names, e.g.
    # "speaking_time,interruptions"): a count from an analysis that did not run is not a 0.
    sa.Column("measured", sa.Text, nullable=False),
    # Hash of the options that shape the analysis (speaker map, attendees, pseudonyms, team):
    # the same file with other settings is analysed again and replaces this row.
    sa.Column("settings_hash", sa.String(64), nullable=False),
    # The file name stem the batch wrote this meeting's reports under.
    sa.Column("report_stem", sa.Text, nullable=True),
    sa.Column("generator", sa.String(100), nullable=False),
    sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=False),
)

meeting_people = sa.Table(
    "meeting_people",
    metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True, index=True),
    # The name as this meeting's report has it, and the source's own label when it differs.
    sa.Column("name", NAME, nullable=False),
    sa.Column("label", NAME, nullable=True),
    sa.Column("speaking_time_s", sa.Float, nullable=True),
    sa.Column("share", sa.Float, nullable=False),
    sa.Column("equal_share", sa.Float, nullable=True),
    sa.Column("quiet", sa.Boolean, nullable=False),
    sa.Column("spoke", sa.Boolean, nullable=False),
    sa.Column("turns", sa.Integer, nullable=False),
    sa.Column("utterances", sa.Integer, nullable=False),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("interruptions_made", sa.Integer, nullable=False),
    sa.Column("interruptions_received", sa.Integer, nullable=False),
    sa.Column("interruptions_made_per_10min", sa.Float, nullable=True),
    sa.Column("interruptions_received_per_10min", sa.Float, nullable=True),
    sa.Column("talked_over", sa.Integer, nullable=False),
    sa.Column("questions_asked", sa.Integer, nullable=False),
    sa.Column("questions_unanswered", sa.Integer, nullable=False),
    sa.Column("dismissals_received", sa.Integer, nullable=False),
    sa.Column("dismissals_made", sa.Integer, nullable=False),
)

meeting_reports = sa.Table(
    "meeting_reports",
    metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("schema_version", sa.String(20), nullable=False),
    # The report exactly as `MeetingReport.to_dict()` gives it, as compact JSON text.
    sa.Column("report_json", sa.Text, nullable=False),
)

# Meetings uploaded through the web service (`voiceshare serve`): the job's status, which the
# pages show, lives here; the task queue only runs the work. The analysed meeting itself is a
# `meetings` row like any other (matched by `content_hash`), so trends include uploads.
uploads = sa.Table(
    "uploads",
    metadata,
    # A random hex id: the only name the upload has in URLs and on disk.
    sa.Column("id", sa.String(32), primary_key=True),
    # "queued", "running", "done" or "failed".
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("progress", sa.Float, nullable=False),
    # One sentence saying why the analysis failed.
    sa.Column("error", sa.Text, nullable=True),
    # What the uploader typed (title, team, comma-separated attendees) and the file's name on
    # their machine, shown on the pages but never used as a path.
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("team", NAME, nullable=True),
    sa.Column("attendees", sa.Text, nullable=False),
    sa.Column("original_name", sa.Text, nullable=True),
    # The uploaded file, relative to the service's data folder.
    sa.Column("stored_path", sa.Text, nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    # Set when the analysis is done: the report's title and the stem of its report files.
    sa.Column("meeting_title", sa.Text, nullable=True),
    sa.Column("report_stem", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # Also the running job's heartbeat: a worker touches it while it works, so a `running`
    # upload left untouched for the lease (`voiceshare.web.jobs`) lost its worker.
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # How many times a worker has taken the job (a job whose worker died is queued again).
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
)
