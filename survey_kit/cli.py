"""The ``survey-kit`` command: argument parsing only; the work happens in the library.

Subcommands are :class:`Command` records in a registry; add one with :func:`register`
(a name, a help line, a function adding its arguments and a function running it that
returns the exit code).  Errors of kind :class:`SurveyKitError` (bad data, bad spec) and
file-system errors print ``survey-kit: error: <message>`` on stderr and exit 2, without a
traceback.  Ctrl-C and SIGTERM print one line and exit 130 / 143; the run removes its
temporary output folder on the way out.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rich.markup import escape

from survey_kit.errors import DisclosureError, SurveyKitError
from survey_kit.io import read_data
from survey_kit.respondents import Thresholds, ValidationLimitError, validate
from survey_kit.scaffold import command as init_command
from survey_kit.spec import load_questionnaire

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.progress import Progress, Task, TaskID

    from survey_kit.run.config import RunConfig

PROG = "survey-kit"
EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM
LONG_WORD = 120
"""Words of a message longer than this are shortened (a 5,000-character area name)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that ``finally`` blocks and the run's cleanup
    of its temporary folder run as for Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


@dataclass(frozen=True)
class Command:
    """A subcommand: ``add_arguments(parser)`` declares its options, ``run(args)`` returns
    the exit code."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    """Add ``command`` to the ``survey-kit`` command line (replacing one of the same name)."""
    COMMANDS[command.name] = command
    return command


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Design-based analysis of the Danish tryghedsmåling and livsmestring surveys.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS.values():
        child = sub.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(child)
        child.set_defaults(_handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 problems found (also: the
    disclosure audit refuses to publish), 2 error, 130 Ctrl-C, 143 SIGTERM).

    Examples
    --------
    >>> main(["validate", "no_such_file.csv", "--questionnaire", "tryghed_trivsel"])
    2
    """
    parser = build_parser()
    previous = _handle_sigterm()
    try:
        args = parser.parse_args(argv)
        code: int = args._handler(args)
    except SystemExit as exc:  # argparse: --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except ValidationLimitError as exc:  # too many invalid answers or rejected rows
        print(exc.report.summary(), file=sys.stderr)
        return EXIT_PROBLEMS
    except RunStoppedError as exc:  # the run's summary is printed already
        print(f"{PROG}: {one_line(str(exc), 400)}", file=sys.stderr)
        return EXIT_PROBLEMS
    except DisclosureError as exc:  # the audit found a hidden cell unprotected: not published
        print(f"{PROG}: error: {one_line(str(exc), 400)}", file=sys.stderr)
        return EXIT_PROBLEMS
    except (SurveyKitError, OSError) as exc:
        print(f"{PROG}: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        what = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted (Ctrl-C)"
        print(f"{PROG}: {what}; nothing was written, temporary files were removed",
              file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    finally:
        _restore_sigterm(previous)
    return code


def entry() -> None:
    """The ``survey-kit`` program: :func:`main`, then exit at once.  Every file is written
    and closed and every child process joined when ``main`` returns, so the interpreter's
    tear-down (freeing the run's modules and objects, a few tenths of a second) is skipped;
    the console is flushed first."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _handle_sigterm() -> object:
    """Turn SIGTERM into :class:`Terminated` (main thread only); returns the old handler."""
    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        return None


def _restore_sigterm(previous: object) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def one_line(message: str, limit: int = LONG_WORD) -> str:
    """A message on one line, every word longer than ``limit`` cut in the middle.

    Examples
    --------
    >>> text = one_line("area 'x" + "y" * 500 + "': too long,  here")
    >>> len(text), text[-34:]
    (107, "': (504 characters) too long, here")
    """
    def cut(match: re.Match[str]) -> str:
        word = match.group(0)
        tail = word[-limit // 8:]
        return f"{word[:limit // 2 - 6]}…{tail} ({len(word):,} characters)"

    return re.sub(rf"\S{{{limit + 1},}}", cut, " ".join(message.split()))


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA", help="data file (.sav, .csv, .tsv, .csv.gz, "
                        ".xlsx, .parquet, or a .zip holding one)")
    parser.add_argument(
        "--questionnaire", "-q", required=True, metavar="NAME",
        help="bundled questionnaire name (tryghed_trivsel, livsmestring) or a YAML path",
    )
    parser.add_argument(
        "--rejects", metavar="PATH", default=None,
        help="where to write the rejects CSV (default: <DATA stem>.rejects.csv next to DATA)",
    )
    parser.add_argument(
        "--id-column", default="resp_id", metavar="NAME",
        help="respondent id column (read as text) checked for blanks and duplicates "
             "(default: resp_id)",
    )
    limits = Thresholds()
    parser.add_argument("--max-blank-share", type=float, default=limits.max_blank_share,
                        metavar="SHARE", help="share of an item's answers that may be blanked "
                        f"as invalid (default: {limits.max_blank_share})")
    parser.add_argument("--max-reject-share", type=float, default=limits.max_reject_share,
                        metavar="SHARE", help="share of the rows that may be rejected "
                        f"(default: {limits.max_reject_share})")


def _run_validate(args: argparse.Namespace) -> int:
    """Validate DATA and print the summary; exit 0 when clean, else write the rejects CSV
    and exit 1 (the summary's last line says whether the limits hold)."""
    questionnaire = load_questionnaire(args.questionnaire)
    data_path = Path(args.data)
    data = read_data(data_path, text_columns=[args.id_column], row_column="source_row")
    report = validate(questionnaire, data, id_column=args.id_column,
                      max_blank_share=args.max_blank_share,
                      max_reject_share=args.max_reject_share)
    print(report.summary())
    if report.ok:
        return EXIT_OK
    target = Path(args.rejects) if args.rejects else default_rejects_path(data_path)
    write_csv_atomic(report.rejects, target)
    print(f"rejects written to {target}")
    return EXIT_PROBLEMS


def default_rejects_path(data_path: Path) -> Path:
    """``<stem>.rejects.csv`` next to the data file.

    Examples
    --------
    >>> default_rejects_path(Path("runs/svar_2021.sav")).as_posix()
    'runs/svar_2021.rejects.csv'
    """
    return data_path.with_name(f"{data_path.stem}.rejects.csv")


def write_csv_atomic(frame: pd.DataFrame, target: Path) -> None:
    """Write a DataFrame as UTF-8 CSV via a temporary file, so no partial file remains.

    Text cells are made formula-safe: a rejected value such as ``=HYPERLINK(...)`` must not
    run when the rejects file is opened in a spreadsheet.
    """
    from survey_kit.report.escape import neutralise_frame

    frame = neutralise_frame(frame)
    handle, tmp_name = tempfile.mkstemp(suffix=".csv", prefix=f".{target.stem}.",
                                        dir=target.parent)
    os.close(handle)
    try:
        frame.to_csv(tmp_name, index=False, encoding="utf-8")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)


register(Command("validate", "check a data file against a questionnaire spec",
                 _validate_arguments, _run_validate))


def _run_pipeline(config: Path | RunConfig, out: Path | None, quiet: bool) -> Path:
    """One annual run with progress on stderr (rich); returns the output folder.

    Each step is a line with the time; long work (the area pages) shows a bar with its
    count, "områder skrevet 12/66", and a line when it is done.  The summary of the data
    (rows per file, cells blanked, rows rejected, top reasons) is printed at the end, and
    also when the run stops at the limits of ``[validation]``."""
    from rich.console import Console

    from survey_kit.run.pipeline import run
    from survey_kit.run.progress import step_times

    console = Console(stderr=True, quiet=quiet)
    label = config.stem if isinstance(config, Path) else Path(str(config.source)).stem
    summaries: list[str] = []
    try:
        with _progress_display(console) as bars:
            start = time.perf_counter()
            shown = _Shown(console, bars, label)
            target = run(config, out=out, progress=shown, summary=summaries.append)
    except ValidationLimitError as exc:
        print("\n".join(summaries), file=sys.stderr)
        raise RunStoppedError(f"{config}: the run stopped: {_first(exc)}; fix the data or the "
                         "spec, or raise the limits in [validation] of the configuration "
                         "(`survey-kit validate` writes every problem to a CSV)") from None
    end = time.perf_counter()
    console.print(f"{label}: done in {end - start:.1f} s ({step_times(shown.steps, end)}) -> "
                  f"{target}", highlight=False, markup=False, soft_wrap=True)
    print("\n".join(summaries), file=sys.stderr)
    return target


def _progress_display(console: Console) -> Progress:
    """The live display of a run: a spinner on the current step, and a bar with its count
    ("områder skrevet ━━━━╸━━━ 12/66") for counted work."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Counted(ProgressColumn):
        """A column shown only for tasks with a total (counted work), not for steps."""

        def __init__(self, column: ProgressColumn) -> None:
            super().__init__()
            self.column = column

        def render(self, task: Task) -> RenderableType:
            return self.column.render(task) if task.total is not None else Text("")

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), Counted(BarColumn()),
                    Counted(MofNCompleteColumn()), TimeElapsedColumn(), console=console,
                    transient=True)


class _Shown:
    """The run's progress callback on the console: a timed line per step, a bar per count
    (:class:`~survey_kit.run.progress.Count`) and a line when the count is complete."""

    def __init__(self, console: Console, bars: Progress, label: str) -> None:
        self.console, self.bars, self.label = console, bars, label
        self.step = bars.add_task(f"{label}: starting", total=None)
        self.counts: dict[str, tuple[TaskID, float]] = {}
        self.steps: list[tuple[str, float]] = []

    def _line(self, text: str) -> None:
        self.console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {self.label}: {text}",
                           highlight=False, markup=True)

    def __call__(self, message: str) -> None:
        from survey_kit.run.progress import STEPS, Count

        if not isinstance(message, Count):
            if message in STEPS:
                self.steps.append((message, time.perf_counter()))
            self._line(escape(message))
            self.bars.update(self.step, description=f"{self.label}: {escape(message)} …")
            return
        if message.what not in self.counts:
            task = self.bars.add_task(f"{self.label}: {message.what}", total=message.total)
            self.counts[message.what] = (task, time.perf_counter())
        task, started = self.counts[message.what]
        self.bars.update(task, completed=message.done, total=message.total)
        if message.done >= message.total:
            self.bars.remove_task(task)
            del self.counts[message.what]
            self._line(f"{escape(message)} ({time.perf_counter() - started:.1f} s)")


class RunStoppedError(SurveyKitError):
    """A run stopped at the limits of ``[validation]`` (exit 1; the summary is printed)."""


def _first(exc: ValidationLimitError) -> str:
    failed = exc.report.failures()
    return failed[0] if failed else str(exc)


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", metavar="CONFIG", help="run configuration (TOML), e.g. "
                        "reports/tryghedsmaaling.toml")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="output folder (default: [run] output in CONFIG)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


def _run_run(args: argparse.Namespace) -> int:
    """Run the annual processing described by CONFIG."""
    target = _run_pipeline(Path(args.config), Path(args.out) if args.out else None, args.quiet)
    print(target)
    return EXIT_OK


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", default="reports/out",
                        help="folder for the results of both surveys (default: reports/out)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    parser.add_argument("--rounds", type=int, choices=(2, 3), default=2,
                        help="rounds of the tryghedsmåling demo: 2 (2018, 2021; default) or 3 "
                             "(also 2024, to see a year with a trend)")


def _run_demo(args: argparse.Namespace) -> int:
    """The whole annual run on the bundled synthetic data, for both surveys."""
    import dataclasses
    from importlib import resources

    from survey_kit.run.config import DEMO_ROUNDS, load_config

    configs = resources.files("survey_kit.run") / "configs"
    out = Path(args.out)
    for name in ("tryghedsmaaling", "livsmestring"):
        with resources.as_file(configs / f"{name}.toml") as path:
            cfg = load_config(path)
            if cfg.year:
                cfg = dataclasses.replace(cfg, demo_rounds=DEMO_ROUNDS[args.rounds - 2])
            target = _run_pipeline(cfg, out / name, args.quiet)
        print(target)
    return EXIT_OK


register(Command("init", init_command.HELP, init_command.init_arguments, init_command.run_init))
register(Command("run", "run the annual processing described by a configuration file",
                 _run_arguments, _run_run))
register(Command("demo", "run the annual processing of both surveys on the bundled demo data",
                 _demo_arguments, _run_demo))


if __name__ == "__main__":  # pragma: no cover - `python -m survey_kit.cli`
    entry()
