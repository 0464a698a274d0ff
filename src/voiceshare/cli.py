"""The `voiceshare` command: a thin layer over the library.

Heavy libraries are imported inside the commands that need them, so `voiceshare --help` is fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from voiceshare import __version__
from voiceshare.errors import VoiceshareError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# When a folder is given, these files beside the transcripts are not meetings.
_SKIP_NAMES = ("readme", "license", "licence", "changelog", "metadata")
_SKIP_SUFFIXES = (".md", ".rst", ".py", ".sh", ".yaml", ".yml", ".toml", ".html", ".pdf")


def _stderr(message: str, style: str = "") -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(message, style=style, markup=False)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="voiceshare")
def cli() -> None:
    """voiceshare: how inclusive are your meetings?

    Reads meeting transcripts, measures who got heard (speaking-time balance, quiet voices,
    and more as analyses land) and writes a report per meeting. Everything runs on this
    machine; nothing is uploaded.

    \b
    Example:
      voiceshare analyze meeting.vtt -o reports/ --format json,md
    """


def expand_inputs(inputs: tuple[str, ...]) -> Iterator[Path]:
    """Files named directly, and the files inside named folders (recursively, sorted)."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                lower = child.name.lower()
                if lower.startswith(_SKIP_NAMES) or child.suffix.lower() in _SKIP_SUFFIXES:
                    continue
                yield child
        else:
            yield path


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _unique(stem: str, used: set[str]) -> str:
    candidate, number = stem, 2
    while candidate in used:
        candidate, number = f"{stem}-{number}", number + 1
    used.add(candidate)
    return candidate


@cli.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder to write the reports into (OUTDIR/<input stem>.<ext>).",
)
@click.option(
    "-f",
    "--format",
    "formats",
    default="json,md",
    show_default=True,
    help="Comma-separated report formats: json, md, html, csv.",
)
@click.option(
    "--attendees",
    default="",
    help='Comma-separated names of everyone present, e.g. "Sam Lee,Priya Nair": people who '
    "never spoke count as silent attendees.",
)
@click.option(
    "--speaker-map",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML or CSV file mapping `alias -> person` to merge labels into people.",
)
@click.option(
    "--pseudonymize/--no-pseudonymize",
    default=False,
    help="Replace every participant name with a pseudonym, everywhere in the report.",
)
@click.option(
    "--pseudonym-key",
    envvar="VOICESHARE_PSEUDONYM_KEY",
    help="Secret that makes pseudonyms stable across meetings (implies --pseudonymize). "
    "Also read from VOICESHARE_PSEUDONYM_KEY.",
)
@click.option(
    "--input-format",
    help="Skip format detection and read every input as this format (see `voiceshare formats`).",
)
def analyze(
    inputs: tuple[str, ...],
    outdir: Path,
    formats: str,
    attendees: str,
    speaker_map: Path | None,
    pseudonymize: bool,
    pseudonym_key: str | None,
    input_format: str | None,
) -> None:
    """Analyze meeting transcripts and write one report per meeting.

    INPUT is a transcript file or a folder of them (WebVTT, SRT, text, ASR JSON, CHAT, STM,
    RTTM, CSV, Teams .docx...: run `voiceshare formats`). The format is detected from the
    content. A file that cannot be read is reported in one line and the others go on; the exit
    status is non-zero if any failed.

    \b
    Examples:
      voiceshare analyze standup.vtt
      voiceshare analyze exports/ -o reports/ --format json,md --attendees "Ana Ruiz,Ben Ode"
      voiceshare analyze call.json --speaker-map people.yaml --pseudonymize
    """
    from voiceshare.identity import load_speaker_map
    from voiceshare.pipeline import Options, output_stem, report_for_file
    from voiceshare.report.render import parse_formats

    renderers = parse_formats(formats)
    options = Options(
        attendees=tuple(a.strip() for a in attendees.split(",") if a.strip()),
        speaker_map=load_speaker_map(speaker_map) if speaker_map else None,
        pseudonymise=pseudonymize,
        pseudonym_key=pseudonym_key,
        input_format=input_format,
    )
    files = list(expand_inputs(inputs))
    if not files:
        raise VoiceshareError("no input files found in " + ", ".join(inputs) + ".")

    failures = 0
    used: set[str] = set()
    for path in files:
        try:
            meeting, report = report_for_file(path, options)
            stem = _unique(output_stem(path, meeting, options), used)
            written = []
            for renderer in renderers:
                for suffix, text in renderer.outputs(report):
                    target = outdir / f"{stem}.{suffix}"
                    write_atomic(target, text)
                    written.append(str(target))
        except VoiceshareError as exc:
            failures += 1
            _stderr(f"error: {exc}", "red")
            continue
        except Exception as exc:  # a bug on one file must not stop the others
            if os.environ.get("VOICESHARE_DEBUG"):
                raise
            failures += 1
            _stderr(
                f"error: {path}: internal error ({type(exc).__name__}: {exc}); "
                "please report it (VOICESHARE_DEBUG=1 shows the traceback).",
                "red",
            )
            continue
        for warning in meeting.warnings:
            _stderr(f"warning: {path}: {warning}", "yellow")
        _stderr(f"{path} -> {', '.join(written)}")
    if failures:
        noun = "file" if len(files) == 1 else "files"
        raise click.exceptions.Exit(_fail(f"{failures} of {len(files)} {noun} failed."))


@cli.group(context_settings=CONTEXT, name="eval")
def eval_group() -> None:
    """Measure voiceshare's analyses against annotated meetings.

    \b
    Example:
      voiceshare eval interruptions --mrda ../shared/data/mrda
    """


@eval_group.command("interruptions", context_settings=CONTEXT)
@click.option(
    "--mrda",
    "mrda",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of the ICSI MRDA corpus (dadb/, transcripts/, metadata/).",
)
@click.option(
    "--split",
    default="val",
    show_default=True,
    type=click.Choice(["train", "val", "test"]),
    help="Which meetings to score (the model was tuned on train).",
)
@click.option(
    "--no-punctuation",
    is_flag=True,
    help="Lowercase the text and strip punctuation and cut-off marks first, like raw ASR.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_interruptions(mrda: Path, split: str, no_punctuation: bool, as_json: bool) -> None:
    """Precision, recall and F1 of interruption detection against the MRDA annotators.

    Gold: units labelled interrupted (`%-`); abandoned units (`%--`) are not interruptions.
    The two simple baselines run on the same meetings for comparison.

    \b
    Examples:
      voiceshare eval interruptions --mrda ../shared/data/mrda
      voiceshare eval interruptions --mrda ../shared/data/mrda --no-punctuation --json
    """
    import json

    from voiceshare.evaluation.interruptions import evaluate, format_text

    result = evaluate(mrda, split=split, punctuation=not no_punctuation)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(format_text(result))


def _fail(message: str) -> int:
    _stderr(message, "red")
    return 1


@cli.command(context_settings=CONTEXT)
def formats() -> None:
    """List the transcript formats voiceshare reads.

    Formats are detected from the content; the extension is only a hint.

    \b
    Example:
      voiceshare formats
    """
    from voiceshare.readers import available_readers

    for spec in available_readers():
        extensions = ", ".join(f".{e}" for e in spec.extensions)
        click.echo(f"{spec.name:<12} {extensions:<22} {spec.description}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors print one sentence and exit 1, never a traceback."""
    try:
        result = cli.main(args=argv, prog_name="voiceshare", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        _stderr("Aborted.")
        return 130
    except VoiceshareError as exc:
        _stderr(f"error: {exc}", "red")
        return 1
    except Exception as exc:  # a bug: still one line, with a way to see the details
        if os.environ.get("VOICESHARE_DEBUG"):
            raise
        _stderr(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set VOICESHARE_DEBUG=1 for the traceback, and please report it).",
            "red",
        )
        return 70
    # Without standalone mode, click returns the code of an `Exit` raised inside a command.
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
