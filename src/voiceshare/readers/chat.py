"""TalkBank CHAT (`.cha`): CHILDES, CABNC, AphasiaBank and other TalkBank transcripts.

A CHAT file is headers (`@Participants:`, `@Date:`, `@Media:`...), main tiers `*CODE:<tab>text`
(one utterance each, continued on lines that start with a tab), dependent tiers `%xxx:` about the
main tier above (ignored here), and `@End`. A main tier may carry a media bullet
`\\x15start_end\\x15` in milliseconds. The text is cleaned of CHAT markup for display: overlap
markers, pauses, retrace and error codes, word-level codes are dropped; what was said is kept
(`&-uh` becomes "uh", `(es)cucha` becomes "escucha"), and the utterance terminators become
ordinary punctuation (`+/.`, interrupted, becomes "--"; `+...`, trailing off, becomes "...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voiceshare.model import Speaker, Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, parse_clock
from voiceshare.readers._source import Source

_MAIN_TIER = re.compile(r"^\*(?P<code>[^:\s]{1,20}):[ \t]*(?P<text>.*)$")
_HEADER = re.compile(r"^@(?P<name>[^:\t]+?)(?::[ \t]*(?P<value>.*))?$")
# A media bullet: `\x15123_456\x15`, the older `\x15%snd:"name"_123_456\x15`, or (in some exports
# that lost the control character) a bare `123_456` or `•123_456•` at the end of the tier.
_BULLET = re.compile(r"\x15(?:%(?:snd|mov):\"[^\"]*\"_)?(?P<start>\d+)_(?P<end>\d+)\x15")
_BARE_BULLET = re.compile(r"(?:^|\s)[\u2022\u00b7]?(?P<start>\d+)_(?P<end>\d+)[\u2022\u00b7]?\s*$")
_STRAY_BULLET = re.compile(r"\x15[^\x15]*\x15")

# Utterance terminators and what they mean in ordinary punctuation.
_TERMINATORS = {
    ".": ".",
    "?": "?",
    "!": "!",
    "+...": "...",
    "+..?": "...?",
    "+!?": "?!",
    "+/.": "--",
    "+/?": "--?",
    "+//.": "--",
    "+//?": "--?",
    "+/??": "--?",
    "+.": ".",
    '+"/.': ".",
    '+".': ".",
    "+..": "...",
    "+=.": ".",
    "+=?": "?",
}
# Words that stand for speech nobody could transcribe, or no speech at all.
_UNTRANSCRIBED = frozenset({"xxx", "yyy", "www", "xx", "yy"})
# Pauses: `(.)`, `(..)`, `(...)`, `(1.5)`, `(1:02.5)`.
_PAUSE = re.compile(r"^\((?:\.{1,3}|\d*:?\d*\.?\d*)\)$")
# Conversation-analysis marks (intonation, overlap, voice quality) and other non-word symbols.
_CA_MARKS = re.compile(
    "[\u2191\u2193\u2197\u2192\u2198\u2196\u21d7\u21d8\u2308\u2309\u230a\u230b\u00b0\u2206\u2207"
    "\u2248\u224b\u25c9\u263a\u204e\u2594\u2581\u222c\u03ab\u222e\u21bb\u2047\u2232\u00a7\u223e"
    "\u2051\u2907\u2219\u1f29\u21ab\u2039\u203a\u3014\u3015\u2021\u201e\u02c8\u02cc\u2260\u2261"
    "\u2022\u0015^]"
)
_WORD_CODE = re.compile(r"(?<=\w)@[^\s]*$")


@dataclass(frozen=True)
class _Participant:
    code: str
    name: str | None  # the participant's name, when the header gives one
    role: str | None


def sniff(source: Source) -> float:
    head = source.head
    lines = head.split("\n")
    headers = {line.split(":", 1)[0].split("\t", 1)[0].strip() for line in lines if line[:1] == "@"}
    main_tiers = sum(1 for line in lines if _MAIN_TIER.match(line) and "\t" in line[:24])
    if "@Begin" in headers and ("@Participants" in headers or main_tiers):
        return 1.0
    if "@Participants" in headers and main_tiers:
        return 0.95
    if "@UTF8" in headers and main_tiers:
        return 0.9
    if headers and main_tiers >= 2 and main_tiers >= len(lines) // 3:
        return 0.6
    return 0.0


def read(source: Source) -> Parsed:
    lines = _logical_lines(source.text)
    headers: dict[str, str] = {}
    tiers: list[tuple[int, str, str]] = []  # line number, speaker code, raw text
    ended = False
    for number, line in lines:
        if line.startswith("@"):
            match = _HEADER.match(line)
            if match is None:
                continue
            name = match["name"].strip()
            if name == "End":
                ended = True
            headers.setdefault(name, (match["value"] or "").strip())
        elif line.startswith("*"):
            tier = _MAIN_TIER.match(line)
            if tier is None:
                raise source.fail(f"line {number} is a main tier without `*CODE:` before its text")
            tiers.append((number, tier["code"], tier["text"]))
        # `%xxx:` dependent tiers and anything else are not utterances.
    if not tiers:
        raise source.fail("has no `*SPEAKER:` main tiers, so no utterances")
    if not ended:
        source.warn("the file has no @End line, so it may be cut off; kept the tiers it has")

    participants = _participants(headers.get("Participants", ""))
    names = _display_names(participants)
    speakers = [Speaker(names[p.code], label=p.code, role=p.role) for p in participants]
    unknown: list[str] = []
    utterances: list[Utterance] = []
    for number, code, raw in tiers:
        if code not in names:
            names[code] = code
            unknown.append(code)
        start_s, end_s, rest = _bullets(raw)
        if start_s is not None and end_s is not None and end_s < start_s:
            source.warn(f"line {number}: the media bullet ends before it starts; ignored its times")
            start_s = end_s = None
        text = clean_chat(rest)
        if not text and (start_s is None or _is_no_speech(rest)):
            continue  # `0 .` (an action without speech), or nothing transcribed and untimed
        utterances.append(Utterance("", names[code], text, start_s, end_s))
    if unknown:
        source.warn(f"speakers {', '.join(unknown)} are not listed in @Participants")
    return Parsed(
        utterances=utterances,
        speakers=speakers,
        date=headers.get("Date") or None,
        stated_duration_s=_duration(headers.get("Time Duration", "")),
        attendees=[s.name for s in speakers],
        has_speaker_names=bool(participants),
    )


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with their tab-started continuations joined on, and their first line's number."""
    result: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t") and result:
            first, joined = result[-1]
            result[-1] = (first, joined + " " + line.strip())
        elif line.strip():
            result.append((number, line.rstrip()))
    return result


# Names and roles that say nobody knows (CABNC writes `PS6TB None Unidentified`).
_PLACEHOLDERS = frozenset({"none", "unknown", "unidentified"})


def _participants(value: str) -> list[_Participant]:
    """`FAT Father, CHI Ross Target_Child` -> code, name (if given) and role of each."""
    result = []
    for entry in value.split(","):
        parts = entry.split()
        if not parts:
            continue
        name = " ".join(parts[1:-1]) or None
        role = parts[-1] if len(parts) > 1 else None
        result.append(
            _Participant(
                parts[0],
                None if name is None or name.lower() in _PLACEHOLDERS else name,
                None if role is None or role.lower() in _PLACEHOLDERS else role,
            )
        )
    return result


def _display_names(participants: list[_Participant]) -> dict[str, str]:
    """Each code's display name: the participant's name, else their role, else the code.

    Two participants with the same name or role (two `Brother`s) are told apart by their code.
    """
    wanted = {p.code: _readable(p.name or p.role or p.code) for p in participants}
    counts: dict[str, int] = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    return {
        code: name if counts[name] == 1 or name == code else f"{name} ({code})"
        for code, name in wanted.items()
    }


def _readable(name: str) -> str:
    return name.replace("_", " ").strip()


def _bullets(raw: str) -> tuple[float | None, float | None, str]:
    """The utterance's media times in seconds (first start, last end) and the text without them."""
    spans = [(int(m["start"]), int(m["end"])) for m in _BULLET.finditer(raw)]
    rest = _BULLET.sub(" ", raw)
    if not spans:
        bare = _BARE_BULLET.search(rest)
        if bare is not None:
            spans = [(int(bare["start"]), int(bare["end"]))]
            rest = rest[: bare.start()]
    rest = _STRAY_BULLET.sub(" ", rest)
    if not spans:
        return None, None, rest
    return spans[0][0] / 1000, spans[-1][1] / 1000, rest


def _is_no_speech(raw: str) -> bool:
    words = [w for w in re.sub(r"\[[^\]]*\]", " ", raw).split() if w not in _TERMINATORS]
    return words == ["0"]


def clean_chat(raw: str) -> str:
    """Readable text from a CHAT main tier: the words said, with ordinary punctuation."""
    text = re.sub(r"\[[^\]]*\]", " ", raw)  # [>] [<1] [/] [//] [: target] [* err] [+ bch] [- spa]
    text = text.replace("<", " ").replace(">", " ")  # scope of the codes just removed
    words: list[str] = []
    for token in text.split():
        mark = _terminator(token)
        if mark is not None:
            if words:
                words[-1] += mark
            continue
        if token in (",", ";", ":"):
            if words:
                words[-1] += token
            continue
        word = _word(token)
        if not word:
            continue
        if words and (word.startswith("'") or word.lower() == "n't"):
            words[-1] += word  # CABNC splits contractions: `I 've`, `have n't`
        else:
            words.append(word)
    return " ".join(words)


def _terminator(token: str) -> str | None:
    if token in _TERMINATORS:
        return _TERMINATORS[token]
    if not token.startswith("+") or len(token) < 2 or token[1].isalnum():
        return None
    # Linkers at the start of an utterance (`+<`, `+,`, `++`, `+"`, `+^`) and other codes.
    if token[-1] in ".?!" and len(token) > 2:
        incomplete = "--" if "/" in token else "..." if ".." in token else ""
        return incomplete + ("?" if token.endswith("?") else "!" if token.endswith("!") else "")
    return ""


def _word(token: str) -> str:
    """One main-tier token as the word said, or "" when it is a code, pause or event."""
    if _PAUSE.match(token):
        return ""
    if token.startswith("&"):
        kind, body = token[1:2], token[2:]
        if kind in ("-", "~"):  # filled pause `&-uh`, nonword `&~gaga`
            token = body
        elif kind == "+":  # phonological fragment `&+fr`: the start of a word, cut off
            token = body + "-" if body else ""
        else:  # `&=laughs` events, `&*MOT:mhm` another speaker's interposed word
            return ""
    if token.startswith("0"):  # `0` no speech, `0is` an omitted word
        return ""
    token = _WORD_CODE.sub("", token)  # `fiu@s:hun`, `d@u`, `gaga@b`
    token = _CA_MARKS.sub("", token)
    token = token.replace("(", "").replace(")", "")  # `(es)cucha`: sounds not pronounced
    token = token.replace(":", "")  # `hm:` lengthened sound
    token = token.replace("_", " ").replace("+", " ").strip(" =")  # `ice+cream`, `=latched`
    if token.lower() in _UNTRANSCRIBED:
        return ""
    if token in ("-", "--"):
        return ""
    return token


def _duration(value: str) -> float | None:
    """`@Time Duration`: a length (`00:14:48`) or a span of clock times (`17:30-18:00`)."""
    value = value.strip()
    if not value:
        return None
    if "-" in value:
        start, _, end = value.partition("-")
        start_s, end_s = _time_of_day(start), _time_of_day(end)
        if start_s is None or end_s is None:
            return None
        return (end_s - start_s) % (24 * 3600)
    return parse_clock(value)


def _time_of_day(value: str) -> float | None:
    parts = value.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = int(parts[2]) if len(parts) == 3 else 0
    return float(hours * 3600 + minutes * 60 + seconds)


SPEC = ReaderSpec(
    name="chat",
    description="TalkBank CHAT transcript (.cha)",
    extensions=("cha",),
    sniff=sniff,
    read=read,
)
