"""Suggestions for the facilitator, each tied to a finding and drawn from practice.

The practices are the ones the psychological-safety literature and MISSION.md point to: invite
quieter voices by name, give everyone a turn (round-robin), acknowledge and credit ideas,
follow up unanswered questions, and name the norm on interruptions. They are written to be
kind and specific: they describe what to try next time, never who was at fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceshare.report.model import Finding


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One thing to try next time, the practice behind it, and the finding it answers."""

    title: str
    text: str
    practice: str
    finding_kind: str


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _first(names: tuple[str, ...]) -> str:
    """How a facilitator would address someone: the first name, unless it is a label."""
    if not names:
        return "them"
    name = names[0]
    if name.startswith(("Participant ", "Person ", "Speaker ", "SPEAKER")):
        return name
    parts = [p for p in name.split() if p.rstrip(".").lower() not in ("dr", "mr", "mrs", "ms")]
    return parts[0] if parts else name


def suggestions_for(findings: tuple[Finding, ...]) -> list[Suggestion]:
    """One suggestion per finding that calls for one, in the findings' order."""
    result: list[Suggestion] = []
    for finding in findings:
        suggestion = _suggest(finding)
        if suggestion is not None and all(s.title != suggestion.title for s in result):
            result.append(suggestion)
    return result


def _suggest(finding: Finding) -> Suggestion | None:
    people = _names(finding.speakers)
    if finding.kind in ("quiet_voices", "quiet_interrupted"):
        return Suggestion(
            "Invite the quieter voices in by name",
            f"Early in the next meeting, ask {people} an open question about something they "
            'know well ("What did you see when you tried it?"), and leave a pause after it. '
            "A quick round where everyone gives their view before open discussion also helps "
            "people who will not fight for the floor.",
            "Inviting by name and round-robin turns",
            finding.kind,
        )
    if finding.kind == "silent_attendees":
        return Suggestion(
            "Give silent attendees a way in",
            f"{people} did not speak. Check whether they were there to listen; if not, "
            "ask for their view directly next time, or collect written input before or "
            "after the meeting for those who think better on paper.",
            "Multiple channels for contribution",
            finding.kind,
        )
    if finding.kind == "dominance":
        return Suggestion(
            "Share the floor",
            f"{people} held the floor for much of the meeting. Agree a time box per agenda "
            "item, and ask whoever leads to speak last on open questions, so others' views "
            "come out first. The aim is more voices, not fewer ideas.",
            "Time boxes and speaking last",
            finding.kind,
        )
    if finding.kind == "interrupted":
        interrupted = _first(finding.speakers)
        return Suggestion(
            "Name the norm: let people finish",
            "Agree as a team that people finish their point before others come in. When "
            f'someone is cut off, bring the conversation back to them ("{interrupted}, you '
            'were saying..."). Facilitators can model it by pausing before they reply.',
            "An explicit norm on interruptions",
            finding.kind,
        )
    if finding.kind == "unanswered_questions":
        return Suggestion(
            "Follow up the unanswered questions",
            f"Questions from {people} were left hanging. Go back to them at the start of the "
            "next meeting or in writing, and when a question is passed over in the moment, "
            f"park it out loud (\"let's come back to {_first(finding.speakers)}'s question\") "
            "so it is not lost.",
            "Following up unanswered questions",
            finding.kind,
        )
    if finding.kind == "uncredited_echo":
        original = _first(finding.speakers)
        return Suggestion(
            "Credit ideas to the people who first raised them",
            f"When an idea comes back later in someone else's words, name where it started "
            f'("that builds on what {original} suggested earlier"). Credit is cheap to give '
            "and it tells people their contributions land.",
            "Acknowledging and crediting ideas",
            finding.kind,
        )
    if finding.kind == "dismissed":
        return Suggestion(
            "Explore before rejecting",
            f"Some of {people}'s contributions were turned down or moved past quickly. Before "
            'saying no, ask one question about the idea ("what would that change?"), and '
            "when time is short, say when it will be picked up rather than just moving on.",
            "Psychological safety: responding productively to ideas",
            finding.kind,
        )
    if finding.kind == "not_invited":
        return Suggestion(
            "Invite the quieter voices in by name",
            f"{people} spoke little and nobody asked for their view. A direct, open "
            'invitation ("what\'s your take on this?") early in the meeting makes it much '
            "easier to speak up.",
            "Inviting by name",
            "quiet_voices",
        )
    if finding.kind == "balance":
        return Suggestion(
            "Keep what worked",
            "Talk was evenly shared. Notice what made that happen in this meeting (the "
            "agenda, invitations, a smaller group) and keep doing it.",
            "Reinforcing good practice",
            finding.kind,
        )
    return None
