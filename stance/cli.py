"""The ``stance`` command: parses arguments, calls one library function, formats its result.

Exit codes: 0 success; 1 the command ran and found problems (invalid dataset, goals missed with
``--strict``); 2 bad input or usage (missing file, unreadable or malformed input, server down).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


class UserError(Exception):
    """An error the user can fix; printed as one line, exit code 2."""


def _data_build(args: argparse.Namespace) -> int:
    from stance import data

    result = data.build(args.annotations)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        print(f"{len(result.problems)} problem(s); nothing written", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"built {result.rows} rows from {result.articles} articles in {len(result.events)} event files")
    return EXIT_OK


def _data_validate(args: argparse.Namespace) -> int:
    from stance import data

    problems = data.validate(args.annotations)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    print("dataset is valid")
    return EXIT_OK


def _data_stats(args: argparse.Namespace) -> int:
    from stance import data

    figures = data.stats(data.load_annotations(args.annotations))
    print(data.format_stats(figures))
    missed = [check for check in data.goal_checks(figures) if not check[3]]
    return EXIT_PROBLEMS if args.strict and missed else EXIT_OK


def _data_check(args: argparse.Namespace) -> int:
    from stance import data

    problems, figures = data.check_files([Path(p) for p in args.files])
    for problem in problems:
        print(problem)
    print(data.format_stats(figures, goals=data.HELPER_GOALS))
    return EXIT_PROBLEMS if problems else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    data_parser = commands.add_parser("data", help="build, validate and describe the dataset")
    data_commands = data_parser.add_subparsers(dest="data_command", required=True)
    for name, func, text in (
        ("build", _data_build, "compile annotations/events/*.md into rows.jsonl and articles.jsonl"),
        ("validate", _data_validate, "check every row and event file; exit 1 on any problem"),
        ("stats", _data_stats, "rows by language and label, events, multi-country and mixed shares"),
    ):
        sub = data_commands.add_parser(name, help=text, description=text)
        sub.add_argument("--annotations", type=Path, default=None, help="annotations folder")
        sub.set_defaults(func=func)
        if name == "stats":
            sub.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    check = data_commands.add_parser("check", help="parse event files; print problems and figures against one writer share of the goals")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=_data_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ValueError, OSError) as error:
        print(f"stance: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stance: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
