"""The plain-language findings a report leads with, chosen by what stands out in this meeting."""

from __future__ import annotations

from voiceshare.language.dialog import LanguageAnalysis
from voiceshare.report.model import (
    BalanceReport,
    Finding,
    InterruptionReport,
    QuestionReport,
    SpeakerReport,
)

# What a facilitator most needs to hear first; a report leads with at most MAX_FINDINGS.
PRIORITY = (
    "dominance",
    "quiet_interrupted",
    "quiet_voices",
    "unanswered_questions",
    "interrupted",
    "uncredited_echo",
    "dismissed",
    "not_invited",
    "silent_attendees",
    "balance",
)
MAX_FINDINGS = 4


def lead_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    """The findings in order of what matters most for who gets heard, at most MAX_FINDINGS."""
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    ordered = sorted(findings, key=lambda f: rank.get(f.kind, len(PRIORITY)))
    return tuple(ordered[:MAX_FINDINGS])


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _pct(share: float) -> str:
    percent = share * 100
    return f"{percent:.0f}%" if percent >= 1 or percent == 0 else "under 1%"


def speaking_findings(speakers: tuple[SpeakerReport, ...], balance: BalanceReport) -> list[Finding]:
    """Findings about who held the floor: dominance, quiet voices, silent attendees, balance."""
    if balance.basis is None or balance.equal_share is None or not speakers:
        return []
    findings: list[Finding] = []
    unit = "of the speaking time" if balance.basis == "speaking_time" else "of the words"
    equal = balance.equal_share
    ranked = sorted(speakers, key=lambda s: s.share, reverse=True)
    top = ranked[0]
    if len(speakers) > 1 and top.share >= 2 * equal and top.share >= 0.35:
        findings.append(
            Finding(
                "dominance",
                f"{top.name} spoke {_pct(top.share)} {unit}, "
                f"{top.share / equal:.1f} times an equal share ({_pct(equal)}).",
                speakers=(top.name,),
            )
        )
    silent = [s.name for s in speakers if not s.spoke]
    quiet = [s for s in speakers if s.quiet and s.spoke]
    if quiet:
        detail = "; ".join(f"{s.name} {_pct(s.share)}" for s in quiet)
        findings.append(
            Finding(
                "quiet_voices",
                f"{len(quiet)} of {balance.present} people spoke under half an equal share "
                f"({_pct(equal / 2)}): {detail}.",
                speakers=tuple(s.name for s in quiet),
            )
        )
    if silent:
        verb = "was" if len(silent) == 1 else "were"
        findings.append(
            Finding(
                "silent_attendees",
                f"{_names(silent)} {verb} present but did not speak.",
                speakers=tuple(silent),
            )
        )
    if balance.gini is not None and len(speakers) > 1 and not quiet and not silent:
        findings.append(
            Finding(
                "balance",
                f"Talk was evenly shared: everyone spoke at least half an equal share "
                f"(Gini {balance.gini:.2f}).",
            )
        )
    return findings


def interruption_findings(
    speakers: tuple[SpeakerReport, ...], interruptions: tuple[InterruptionReport, ...]
) -> list[Finding]:
    """Who was interrupted most, and whether the quiet voices were among them."""
    if not interruptions:
        return []
    received: dict[str, list[InterruptionReport]] = {}
    for interruption in interruptions:
        received.setdefault(interruption.interrupted, []).append(interruption)
    quiet = {s.name for s in speakers if s.quiet}
    ranked = sorted(received.items(), key=lambda item: len(item[1]), reverse=True)
    findings = []
    name, items = ranked[0]
    if len(items) >= 2 or name in quiet:
        by: dict[str, int] = {}
        for interruption in items:
            by[interruption.interrupter] = by.get(interruption.interrupter, 0) + 1
        top, count = max(by.items(), key=lambda item: item[1])
        times = "once" if len(items) == 1 else f"{len(items)} times"
        detail = f", {count} of them by {top}" if len(items) > 1 and len(by) > 1 else f" by {top}"
        quiet_note = " and was already one of the quiet voices" if name in quiet else ""
        findings.append(
            Finding(
                "interrupted",
                f"{name} was interrupted {times}{detail}{quiet_note}.",
                speakers=(name, top),
                utterance_ids=tuple(i.utterance_id for i in items),
            )
        )
    others = [n for n, items in ranked[1:] if n in quiet and n != name]
    if others:
        findings.append(
            Finding(
                "quiet_interrupted",
                f"Quiet voices were interrupted too: {_names(others)}.",
                speakers=tuple(others),
                utterance_ids=tuple(i.utterance_id for n in others for i in received[n]),
            )
        )
    return findings


def _clock(seconds: float | None) -> str:
    from voiceshare.report._format import clock

    return clock(seconds)


def language_findings(
    speakers: tuple[SpeakerReport, ...],
    questions: tuple[QuestionReport, ...],
    language: LanguageAnalysis | None,
) -> list[Finding]:
    """Unanswered questions, ideas restated without credit, dismissals, and whether the quiet
    voices were invited in."""
    if language is None:
        return []
    findings: list[Finding] = []
    unanswered = [q for q in questions if q.answered_by is None and q.question_type != "rhetorical"]
    if unanswered:
        askers = list(dict.fromkeys(q.asker for q in unanswered))
        first = unanswered[0]
        when = f" at {_clock(first.time_s)}" if first.time_s is not None else ""
        if len(unanswered) == 1:
            text = f"{first.asker}'s question{when} went unanswered."
        else:
            text = (
                f"{len(unanswered)} of {len(questions)} questions went unanswered "
                f"(asked by {_names(askers)})."
            )
        findings.append(
            Finding(
                "unanswered_questions",
                text,
                speakers=tuple(askers),
                utterance_ids=tuple(q.utterance_id for q in unanswered),
            )
        )
    uncredited = [e for e in language.echoes if not e.credited]
    if uncredited:
        echo = uncredited[0]
        more = f" ({len(uncredited)} such restatements in all)" if len(uncredited) > 1 else ""
        findings.append(
            Finding(
                "uncredited_echo",
                f"{echo.by} restated an idea {echo.original_speaker} had put forward earlier, "
                f"without naming them{more}.",
                speakers=(echo.original_speaker, echo.by),
                utterance_ids=(echo.original_utterance_id, echo.utterance_id),
            )
        )
    received: dict[str, list[str]] = {}
    for dismissal in language.dismissals:
        received.setdefault(dismissal.dismissed, []).append(dismissal.utterance_id)
    if received:
        name, ids = max(received.items(), key=lambda item: len(item[1]))
        times = "once" if len(ids) == 1 else f"{len(ids)} times"
        findings.append(
            Finding(
                "dismissed",
                f"{name}'s contributions were dismissed (rejected or moved on from) {times}.",
                speakers=(name,),
                utterance_ids=tuple(ids),
            )
        )
    quiet = [s for s in speakers if s.quiet and s.spoke]
    if quiet:
        not_invited = [s.name for s in quiet if s.invitations_received == 0]
        if not_invited:
            findings.append(
                Finding(
                    "not_invited",
                    f"Nobody invited {_names(not_invited)} in by name, though they spoke "
                    "under half an equal share.",
                    speakers=tuple(not_invited),
                )
            )
    return findings
