"""The `voiceshare` command: a thin layer over the library.

Heavy libraries are imported inside the commands that need them, so `voiceshare --help` is fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voiceshare import __version__
from voiceshare.errors import VoiceshareError
from voiceshare.files import expand_inputs, write_atomic

if TYPE_CHECKING:
    from voiceshare.audio.recording import AudioOptions

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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


def audio_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say how recordings are diarized (and transcribed), shared by
    `analyze`, `batch` and `diarize`; they gather into one `audio` argument."""
    from voiceshare.audio.recording import (
        BACKENDS,
        DEFAULT_PYANNOTE_PIPELINE,
        DEFAULT_WHISPER_MODEL,
    )

    options = [
        click.option(
            "--backend",
            type=click.Choice(BACKENDS),
            default="builtin",
            show_default=True,
            help="Diarizer for recordings: the offline built-in one, or pyannote.audio "
            "(needs the pyannote extra, and HF_TOKEN or a local pipeline folder).",
        ),
        click.option("--num-speakers", type=click.IntRange(1), help="Exact number of speakers."),
        click.option("--min-speakers", type=click.IntRange(1), help="At least this many speakers."),
        click.option("--max-speakers", type=click.IntRange(1), help="At most this many speakers."),
        click.option(
            "--pyannote-pipeline",
            default=DEFAULT_PYANNOTE_PIPELINE,
            show_default=True,
            help="pyannote pipeline: a Hugging Face name or a local folder "
            "(see models/README-pyannote.md).",
        ),
        click.option(
            "--voices",
            "voices_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Enrolled voices file (default: VOICESHARE_VOICES or voices.json in the user "
            "data folder); matching speakers are named.",
        ),
    ]
    if command.__name__ != "diarize":
        options += [
            click.option(
                "--transcribe/--no-transcribe",
                default=False,
                help="Transcribe recordings with Whisper so questions, dismissals and credit "
                "can be analysed (accuracy depends on the model).",
            ),
            click.option(
                "--whisper-model",
                default=DEFAULT_WHISPER_MODEL,
                show_default=True,
                help="Whisper model for --transcribe: a Hugging Face name or a local folder.",
            ),
            click.option(
                "--language", help="Spoken language for Whisper, e.g. en (default: detect)."
            ),
        ]

    def gather(**kwargs: Any) -> Any:
        from voiceshare.audio.recording import AudioOptions

        audio = AudioOptions(
            backend=kwargs.pop("backend"),
            num_speakers=kwargs.pop("num_speakers"),
            min_speakers=kwargs.pop("min_speakers"),
            max_speakers=kwargs.pop("max_speakers"),
            pyannote_pipeline=kwargs.pop("pyannote_pipeline"),
            voices=kwargs.pop("voices_file"),
            transcribe=kwargs.pop("transcribe", False),
            whisper_model=kwargs.pop("whisper_model", DEFAULT_WHISPER_MODEL),
            language=kwargs.pop("language", None),
        )
        return command(audio=audio, **kwargs)

    import functools

    wrapped = functools.update_wrapper(gather, command)
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


class _StageBar:
    """A rich progress bar for the slow stages of one recording (diarizing, transcribing);
    it appears only once a stage reports, so reading a transcript prints nothing."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _StageBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, stage: str, fraction: float) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(f"{self._label}: {stage}", total=1.0)
        self._progress.update(self._tasks[stage], completed=min(1.0, fraction))


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
@audio_options
def analyze(
    inputs: tuple[str, ...],
    outdir: Path,
    formats: str,
    attendees: str,
    speaker_map: Path | None,
    pseudonymize: bool,
    pseudonym_key: str | None,
    input_format: str | None,
    audio: AudioOptions,
) -> None:
    """Analyze meeting transcripts or recordings and write one report per meeting.

    INPUT is a transcript file, a recording, or a folder of them (WebVTT, SRT, text, ASR JSON,
    CHAT, STM, RTTM, CSV, Teams .docx...: run `voiceshare formats`; recordings in any format
    FFmpeg reads). The format is detected from the content. A recording is diarized (speaking
    time, turns and timing-based interruptions) and, with --transcribe, transcribed so the
    language analysis runs too. A file that cannot be read is reported in one line and the
    others go on; the exit status is non-zero if any failed.

    \b
    Examples:
      voiceshare analyze standup.vtt
      voiceshare analyze retro.m4a --num-speakers 5 --format json,html
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
        audio=audio,
    )
    files = list(expand_inputs(inputs))
    if not files:
        raise VoiceshareError("no input files found in " + ", ".join(inputs) + ".")

    failures = 0
    used: set[str] = set()
    for path in files:
        try:
            with _StageBar(path.name) as bar:
                meeting, report = report_for_file(path, options, bar)
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


def mrda_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every `eval` command shares: the corpus, the split, the text variant."""
    options = (
        click.option(
            "--mrda",
            "mrda",
            required=True,
            type=click.Path(path_type=Path),
            help="Folder of the ICSI MRDA corpus (dadb/, transcripts/, metadata/).",
        ),
        click.option(
            "--split",
            default="val",
            show_default=True,
            type=click.Choice(["train", "val", "test"]),
            help="Which meetings to score (the models were trained on train).",
        ),
        click.option(
            "--no-punctuation",
            is_flag=True,
            help="Lowercase the text and strip punctuation and cut-off marks first, like raw ASR.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


@cli.group(context_settings=CONTEXT, name="eval")
def eval_group() -> None:
    """Measure voiceshare's analyses against annotated meetings.

    \b
    Example:
      voiceshare eval interruptions --mrda ../shared/data/mrda
    """


@eval_group.command("interruptions", context_settings=CONTEXT)
@mrda_options
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


@eval_group.command("acts", context_settings=CONTEXT)
@mrda_options
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default=None,
    help="Dialog-act tier (default: accurate when its models are available, else fast).",
)
@click.option(
    "--targets",
    is_flag=True,
    help="Score both tiers (or the --tier given) on punctuated and raw text and print the "
    "targets table: target, best baseline and each tier's figure. Four runs, a few minutes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_acts(
    mrda: Path, split: str, no_punctuation: bool, tier: str | None, targets: bool, as_json: bool
) -> None:
    """Precision, recall and F1 of question and rejection detection against MRDA.

    Also per question type, with the baselines ('?' in the text, tf-idf + logistic
    regression trained on MRDA train, a refusal rule) and answered-question accuracy against
    the adjacency pairs (the analysis run with the tier scored), all on the same meetings.
    Unlabelled (`z`) units are not scored.

    \b
    Examples:
      voiceshare eval acts --mrda ../shared/data/mrda
      voiceshare eval acts --mrda ../shared/data/mrda --no-punctuation --tier fast --json
      voiceshare eval acts --mrda ../shared/data/mrda --targets
    """
    import json

    from voiceshare.evaluation.acts import evaluate, format_targets, format_text, target_rows

    if not targets:
        result = evaluate(mrda, split=split, punctuation=not no_punctuation, tier=tier)
        click.echo(json.dumps(result.as_dict(), indent=2) if as_json else format_text(result))
        return
    if no_punctuation:
        raise click.UsageError("--targets scores punctuated and raw text: drop --no-punctuation.")
    from voiceshare.errors import ConfigError
    from voiceshare.language.acts import load_act_classifier

    results = []
    for chosen in [tier] if tier else ["fast", "accurate"]:
        if tier is None and chosen == "accurate":
            try:
                load_act_classifier("accurate")
            except ConfigError:
                raise
            except VoiceshareError as exc:
                _stderr(f"The accurate tier is left out: {exc}", "yellow")
                continue
        for punctuated in (True, False):
            variant = "punctuated" if punctuated else "raw"
            _stderr(f"scoring the {chosen} tier on {variant} text...", "dim")
            results.append(evaluate(mrda, split=split, punctuation=punctuated, tier=chosen))
    rows = target_rows(results)
    if as_json:
        payload = {
            "targets": [row.as_dict() for row in rows],
            "runs": [result.as_dict() for result in results],
        }
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(format_targets(rows, results))


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


# -- batch, people, trends: the store of meetings ---------------------------------------------


def store_option(func: Any) -> Any:
    """`--store URL`, shared by the commands that use the store of meetings."""
    return click.option(
        "--store",
        "store_url",
        envvar="VOICESHARE_STORE",
        metavar="URL",
        help="Database of analysed meetings: sqlite:///FILE or postgresql://USER@HOST/DB. "
        "Also read from VOICESHARE_STORE; default: voiceshare.db in your data folder.",
    )(func)


def team_option(help_text: str) -> Callable[[Any], Any]:
    return click.option("--team", metavar="NAME", help=help_text)


@cli.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, metavar="DIR...")
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for the reports (OUTDIR/<input stem>.<ext>) and the index of all meetings "
    "(index.html, index.csv).",
)
@click.option(
    "-f",
    "--format",
    "formats",
    default="json,md",
    show_default=True,
    help="Comma-separated report formats (as for `analyze`).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes analysing in parallel; 0 (the default) means one per CPU.",
)
@store_option
@team_option("Team or meeting series these meetings belong to (trends can be per team).")
@click.option(
    "--speaker-map",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML or CSV file mapping `alias -> person` to merge labels into people across "
    "meetings; `FILE::ALIAS` as the alias applies to one file only (e.g. "
    '"standup-2024-01-24::SPEAKER_02: Sam Lee").',
)
@click.option(
    "--attendees",
    default="",
    help="Comma-separated names of people present at every meeting of this batch.",
)
@click.option(
    "--pseudonymize/--no-pseudonymize",
    default=False,
    help="Replace every participant name with a pseudonym, in the reports and the store.",
)
@click.option(
    "--pseudonym-key",
    envvar="VOICESHARE_PSEUDONYM_KEY",
    help="Secret that makes pseudonyms stable across meetings (implies --pseudonymize).",
)
@click.option("--input-format", help="Read every input as this format (see `voiceshare formats`).")
@audio_options
@click.option(
    "--force", is_flag=True, help="Analyse again files the store already has (default: skip)."
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where files are analysed: worker processes on this machine (--jobs), or the workers "
    "of a Dask cluster (--scheduler), which get each file's bytes and need voiceshare installed.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="The Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786.",
)
def batch(
    inputs: tuple[str, ...],
    outdir: Path,
    formats: str,
    jobs: int,
    store_url: str | None,
    team: str | None,
    speaker_map: Path | None,
    attendees: str,
    pseudonymize: bool,
    pseudonym_key: str | None,
    input_format: str | None,
    force: bool,
    audio: AudioOptions,
    executor: str,
    scheduler: str | None,
) -> None:
    """Analyze every transcript under DIR in parallel, into report files and the store.

    Each file gets the same reports as `voiceshare analyze`, and its meeting is saved to the
    store (see --store) for `voiceshare trends` and `voiceshare people`. Files already stored
    with the same content and settings, whose reports are still in OUTDIR, are skipped, so an
    interrupted batch resumes where it stopped. A file that cannot be read is named in one line
    and the others go on; the exit status is non-zero if any failed.

    \b
    Examples:
      voiceshare batch exports/ -o reports/
      voiceshare batch exports/ -o reports/ --team platform --speaker-map people.yaml --jobs 4
      voiceshare batch exports/ --store postgresql://voiceshare@db.internal/voiceshare
      voiceshare batch archive/ --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from voiceshare.batch import BatchProgress, run_batch
    from voiceshare.identity import load_speaker_map
    from voiceshare.pipeline import Options
    from voiceshare.report.render import parse_formats
    from voiceshare.store import Store

    parse_formats(formats)  # an unknown format is refused before any work
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS (the Dask scheduler).")
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler is for --executor dask.")
    options = Options(
        attendees=tuple(a.strip() for a in attendees.split(",") if a.strip()),
        speaker_map=load_speaker_map(speaker_map) if speaker_map else None,
        pseudonymise=pseudonymize,
        pseudonym_key=pseudonym_key,
        input_format=input_format,
        audio=audio,
    )
    files = list(expand_inputs(inputs))
    if not files:
        raise VoiceshareError("no input files found in " + ", ".join(inputs) + ".")
    with Store.open(store_url) as store:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("[dim]{task.fields[current]}"),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("Analysing", total=len(files), current="")

            def advance(event: BatchProgress) -> None:
                bar.update(task, completed=event.done, current=event.outcome.path.name)

            result = run_batch(
                files,
                outdir,
                formats=formats,
                options=options,
                store=store,
                team=team,
                jobs=jobs or os.cpu_count() or 1,
                force=force,
                progress=advance,
                scheduler=scheduler,
            )
        for outcome in result.outcomes:
            for warning in outcome.warnings:
                _stderr(f"warning: {outcome.path}: {warning}", "yellow")
        _stderr(
            f"{len(result.analysed)} analysed, {len(result.unchanged)} already in the store, "
            f"{len(result.failures)} failed; index: {result.index_files[-1]}; "
            f"store: {store.url}"
        )
    for failure in result.failures:
        _stderr(f"error: {failure.error}", "red")
    if result.failures:
        noun = "file" if len(files) == 1 else "files"
        raise click.exceptions.Exit(_fail(f"{len(result.failures)} of {len(files)} {noun} failed."))


@cli.command(context_settings=CONTEXT)
@store_option
@team_option("Only people in this team's meetings.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def people(store_url: str | None, team: str | None, as_json: bool) -> None:
    """List the people in the store, with their meetings and aliases.

    Names are matched case- and whitespace-insensitively; aliases are the labels an alias file
    (`batch --speaker-map`) or the sources merged into each person.

    \b
    Examples:
      voiceshare people
      voiceshare people --team platform --json
    """
    import json

    from voiceshare.store import Store

    with Store.open(store_url, create=False) as store:
        rows = store.people(team)
    if as_json:
        document = [
            {
                "name": row.name,
                "meetings": row.meetings,
                "first_date": row.first_date.isoformat() if row.first_date else None,
                "last_date": row.last_date.isoformat() if row.last_date else None,
                "aliases": list(row.aliases),
            }
            for row in rows
        ]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No people stored yet" + (f" for team {team!r}." if team else "."))
        return
    width = max(len(row.name) for row in rows)
    for row in rows:
        span = " to ".join(
            dict.fromkeys(d.isoformat() for d in (row.first_date, row.last_date) if d)
        )
        aliases = f"  aliases: {', '.join(row.aliases)}" if row.aliases else ""
        noun = "meeting" if row.meetings == 1 else "meetings"
        click.echo(f"{row.name:<{width}}  {row.meetings:>4} {noun:<8}  {span}{aliases}")


@cli.command(context_settings=CONTEXT)
@store_option
@team_option("Only this team's meetings.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only meetings on or after this date (YYYY-MM-DD).",
)
@click.option(
    "-f",
    "--format",
    "formats",
    default="html,json,csv",
    show_default=True,
    help="Comma-separated formats: html, json, csv.",
)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for trends.html, trends.json and the trends*.csv tables.",
)
@click.option(
    "--min-meetings",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Watch list: people who attended at least this many meetings...",
)
@click.option(
    "--quiet-fraction",
    type=click.FloatRange(min=0.0, max=1.0, min_open=True),
    default=0.5,
    show_default=True,
    help="...and were a quiet voice in at least this fraction of them.",
)
@click.option(
    "--pseudonymize/--no-pseudonymize",
    default=False,
    help="Replace every person's name (and meeting titles) in the trends report.",
)
@click.option(
    "--pseudonym-key",
    envvar="VOICESHARE_PSEUDONYM_KEY",
    help="Secret that makes pseudonyms stable (implies --pseudonymize).",
)
def trends(
    store_url: str | None,
    team: str | None,
    since: Any,
    formats: str,
    outdir: Path,
    min_meetings: int,
    quiet_fraction: float,
    pseudonymize: bool,
    pseudonym_key: str | None,
) -> None:
    """Quieter-voice trends across stored meetings, with a watch list.

    Per person over time: share of speaking time against their equal share, interruptions
    received per 10 minutes of speaking, and unanswered questions and dismissals where those
    analyses ran; the team's balance (Gini) per meeting; and a watch list of people who
    attended at least --min-meetings meetings and were a quiet voice (under half the equal
    share) in at least --quiet-fraction of them.

    \b
    Examples:
      voiceshare trends -o reports/
      voiceshare trends --team platform --since 2024-01-01 --format html,json -o trends/
    """
    from voiceshare.store import Store
    from voiceshare.trends import (
        Thresholds,
        load_trends,
        parse_trend_formats,
        pseudonymised,
        write_trends,
    )

    chosen = parse_trend_formats(formats)
    thresholds = Thresholds(min_meetings, quiet_fraction)
    with Store.open(store_url, create=False) as store:
        result = load_trends(store, team, since.date() if since else None, thresholds)
    if pseudonymize or pseudonym_key:
        result = pseudonymised(result, pseudonym_key)
    written = write_trends(result, outdir, chosen)
    _stderr(
        f"{result.meetings} meetings, {len(result.people)} people, "
        f"{len(result.watchlist)} on the watch list -> {', '.join(map(str, written))}"
    )


@cli.command(context_settings=CONTEXT)
@click.argument("recording", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="RTTM file to write (default: the recording's name with .rttm, in the current folder).",
)
@audio_options
def diarize(recording: Path, output: Path | None, audio: AudioOptions) -> None:
    """Find who spoke when in a recording and write the speaker turns as RTTM.

    \b
    Examples:
      voiceshare diarize standup.m4a -o standup.rttm
      voiceshare diarize board.mp3 --min-speakers 4 --max-speakers 8
      voiceshare diarize call.wav --backend pyannote --pyannote-pipeline models/pyannote-community-1
    """
    from voiceshare.audio.recording import diarize as run

    with _StageBar(recording.name) as bar:
        result = run(recording, audio, bar)
    target = output or Path(recording.stem + ".rttm")
    write_atomic(target, result.to_rttm(recording.stem))
    for warning in result.warnings:
        _stderr(f"warning: {recording}: {warning}", "yellow")
    speech = sum(turn.duration_s for turn in result.turns)
    _stderr(
        f"{recording} -> {target}: {len(result.speakers)} speakers, {len(result.turns)} turns, "
        f"{speech:.0f} s of speech in {result.duration_s:.0f} s ({result.backend} diarizer"
        + ("" if result.overlap_detected else "; overlapping speech is not detected")
        + ")"
    )


@cli.command(context_settings=CONTEXT)
@click.argument("name")
@click.argument("clip", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--voices",
    "voices_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Voices file to add to (default: VOICESHARE_VOICES or voices.json in the user data "
    "folder).",
)
def enroll(name: str, clip: Path, voices_file: Path | None) -> None:
    """Remember NAME's voice from CLIP (a few seconds of them speaking alone), so later
    recordings name them instead of SPEAKER_01. The voice print stays on this machine.

    \b
    Example:
      voiceshare enroll "Priya Nair" priya-intro.m4a
    """
    from voiceshare.audio.voices import enroll as run

    path = run(name, clip, voices_file)
    _stderr(f"enrolled {' '.join(name.split())!r} from {clip} into {path}")


@eval_group.command("diarization", context_settings=CONTEXT)
@click.option(
    "--audio",
    "recording",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The recording to diarize.",
)
@click.option(
    "--reference",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reference turns: RTTM, or any timed transcript (STM, CHAT, WebVTT...).",
)
@click.option(
    "--collar",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    help="Seconds around each reference boundary left out of scoring.",
)
@click.option("--skip-overlap", is_flag=True, help="Leave overlapped reference speech out.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@audio_options
def eval_diarization(
    recording: Path,
    reference: Path,
    collar: float,
    skip_overlap: bool,
    as_json: bool,
    audio: AudioOptions,
) -> None:
    """Diarization error rate of a diarizer on a recording, with its components.

    \b
    Example:
      voiceshare eval diarization --audio sample.wav --reference sample.rttm
    """
    import json

    from voiceshare.audio.recording import diarize as run
    from voiceshare.evaluation.diarization import score_file

    with _StageBar(recording.name) as bar:
        result = run(recording, audio, bar)
    figures = score_file(result, reference, collar, skip_overlap)
    if as_json:
        click.echo(json.dumps({"backend": result.backend, **figures.as_dict()}, indent=2))
        return
    click.echo(
        f"{recording.name}: {result.backend} diarizer, collar {collar:g} s"
        + (", overlap skipped" if skip_overlap else "")
    )
    click.echo(f"  DER          {figures.der:7.1%}")
    click.echo(f"  missed       {figures.missed:7.1%}")
    click.echo(f"  false alarm  {figures.false_alarm:7.1%}")
    click.echo(f"  confusion    {figures.confusion:7.1%}")
    click.echo(
        f"  speakers     {figures.hypothesis_speakers} found, {figures.reference_speakers} in the "
        f"reference; {figures.reference_speech_s:.1f} s of reference speech"
    )


# -- serve: the upload service ----------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@store_option
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="VOICESHARE_DATA_DIR",
    help="Where uploads, reports and the job queue live (also VOICESHARE_DATA_DIR; default: "
    "web/ in your data folder).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Analysis workers in this process (they analyse one meeting at a time); 0 when "
    "separate worker processes run the jobs: python -m voiceshare.web.worker --workers N.",
)
@click.option(
    "--trusted-proxy",
    metavar="ADDRESSES",
    help="Behind a reverse proxy (e.g. 127.0.0.1): trust its X-Forwarded-Proto and "
    "X-Forwarded-For from these comma-separated addresses, so the session cookie is marked "
    "Secure under HTTPS and wrong tokens are counted per real client.",
)
def serve(
    host: str,
    port: int,
    store_url: str | None,
    data_dir: Path | None,
    workers: int,
    trusted_proxy: str | None,
) -> None:
    """Run the upload service: a web page to upload a meeting and read its report.

    Every page and API call needs the token in VOICESHARE_TOKEN (the login form, or an
    `Authorization: Bearer` header); an address that sends 10 wrong tokens in 10 minutes is
    refused for a while. Without a token the service listens only on loopback, with a
    random token printed once. Uploads are limited to VOICESHARE_MAX_UPLOAD_MB (default 500);
    VOICESHARE_QUEUE=redis://... shares the job queue with workers on other machines. A job
    whose worker dies is queued again after VOICESHARE_JOB_LEASE_S seconds (default 120), at
    most 3 times.

    \b
    Examples:
      VOICESHARE_TOKEN=$(cat token) voiceshare serve --host 0.0.0.0 --port 8080
      voiceshare serve --store postgresql://me@db/voiceshare --workers 0
      voiceshare serve --port 8000 --trusted-proxy 127.0.0.1   # behind nginx with TLS
    """
    try:
        import uvicorn

        from voiceshare.web.app import create_app
    except ImportError:
        from voiceshare.errors import MissingExtraError

        raise MissingExtraError("The upload service", "web") from None
    from voiceshare.web.settings import load_settings

    settings = load_settings(host, store_url=store_url, data_dir=data_dir, workers=workers)
    app = create_app(settings)
    if settings.token_generated:
        _stderr(
            f"No VOICESHARE_TOKEN is set, so this run's token is: {settings.token}\n"
            "(the service listens on loopback only; set VOICESHARE_TOKEN to keep a token)."
        )
    _stderr(f"voiceshare serving on http://{host}:{port}/ (data in {settings.data_dir})")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        proxy_headers=trusted_proxy is not None,
        forwarded_allow_ips=trusted_proxy,
    )


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
