"""Building meetings by hand for tests: `meeting(("Ana", 0, 5, "hello"), ...)`."""

from __future__ import annotations

from voiceshare.model import Meeting, Utterance, speakers_in_order


def meeting(
    *rows: tuple[str, float | None, float | None, str],
    attendees: tuple[str, ...] = (),
    metadata: dict[str, str] | None = None,
) -> Meeting:
    """A meeting from `(speaker, start_s, end_s, text)` rows, ids 1..N in order."""
    utterances = tuple(
        Utterance(str(i), speaker, text, start, end)
        for i, (speaker, start, end, text) in enumerate(rows, start=1)
    )
    return Meeting(
        id="test",
        title="Test meeting",
        speakers=speakers_in_order(utterances),
        utterances=utterances,
        attendees=attendees,
        metadata=metadata or {},
    )
