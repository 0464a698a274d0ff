"""The first schema: meetings, people, aliases, per-meeting per-person metrics, JSON reports.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("team", sa.String(length=500), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("date_origin", sa.String(length=20), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("timed", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=True),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("equal_share", sa.Float(), nullable=True),
        sa.Column("gini", sa.Float(), nullable=True),
        sa.Column("entropy", sa.Float(), nullable=True),
        sa.Column("quiet_voices", sa.Integer(), nullable=False),
        sa.Column("utterances", sa.Integer(), nullable=False),
        sa.Column("pseudonymised", sa.Boolean(), nullable=False),
        sa.Column("measured", sa.Text(), nullable=False),
        sa.Column("settings_hash", sa.String(length=64), nullable=False),
        sa.Column("report_stem", sa.Text(), nullable=True),
        sa.Column("generator", sa.String(length=100), nullable=False),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_meetings_content_hash")),
    )
    op.create_index(op.f("ix_meetings_date"), "meetings", ["date"])
    op.create_index(op.f("ix_meetings_team"), "meetings", ["team"])

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("key", name=op.f("uq_people_key")),
    )
    op.create_table(
        "aliases",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=500), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_aliases_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "alias", name=op.f("pk_aliases")),
    )
    op.create_table(
        "meeting_people",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=True),
        sa.Column("speaking_time_s", sa.Float(), nullable=True),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("equal_share", sa.Float(), nullable=True),
        sa.Column("quiet", sa.Boolean(), nullable=False),
        sa.Column("spoke", sa.Boolean(), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("utterances", sa.Integer(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("interruptions_made", sa.Integer(), nullable=False),
        sa.Column("interruptions_received", sa.Integer(), nullable=False),
        sa.Column("interruptions_made_per_10min", sa.Float(), nullable=True),
        sa.Column("interruptions_received_per_10min", sa.Float(), nullable=True),
        sa.Column("talked_over", sa.Integer(), nullable=False),
        sa.Column("questions_asked", sa.Integer(), nullable=False),
        sa.Column("questions_unanswered", sa.Integer(), nullable=False),
        sa.Column("dismissals_received", sa.Integer(), nullable=False),
        sa.Column("dismissals_made", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_people_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_meeting_people_person_id_people")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person_id", name=op.f("pk_meeting_people")),
    )
    op.create_index(op.f("ix_meeting_people_person_id"), "meeting_people", ["person_id"])

    op.create_table(
        "meeting_reports",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("schema_version", sa.String(length=20), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_reports_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_reports")),
    )


def downgrade() -> None:
    op.drop_table("meeting_reports")
    op.drop_index(op.f("ix_meeting_people_person_id"), "meeting_people")
    op.drop_table("meeting_people")
    op.drop_table("aliases")
    op.drop_table("people")
    op.drop_index(op.f("ix_meetings_team"), "meetings")
    op.drop_index(op.f("ix_meetings_date"), "meetings")
    op.drop_table("meetings")
