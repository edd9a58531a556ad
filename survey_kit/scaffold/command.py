"""The ``survey-kit init DATA`` subcommand: arguments and run (registered in ``cli.py``)."""

from __future__ import annotations

import argparse

from survey_kit.scaffold import init_project

HELP = "write a draft questionnaire (YAML) and run configuration (TOML) for a data file"


def init_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``survey-kit init``."""
    parser.add_argument("data", metavar="DATA",
                        help="data file (.sav with value labels, .csv, .xlsx, .parquet, ...)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="folder for the two drafts (default: the data file's folder)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite drafts written before")


def run_init(args: argparse.Namespace) -> int:
    """Write the drafts and print what to check next; exit 0."""
    result = init_project(args.data, out_dir=args.out, force=args.force)
    print(result.report())
    return 0
