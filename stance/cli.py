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


def _train(args: argparse.Namespace) -> int:
    from stance.train import train

    path = train(args.data, out=args.out)
    print(f"model saved to {path} (manifest and card beside it)")
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from stance.evaluate import evaluate, format_summary

    print(format_summary(evaluate(args.data, out_dir=args.out, folds=args.folds, curve=not args.no_curve)))
    return EXIT_OK


def _predict(args: argparse.Namespace) -> int:
    from stance import output
    from stance.inputs import InputError, read_articles
    from stance.predict import default_model, predict_article

    model = default_model(args.model)
    bad = 0
    if args.format == "csv":
        print(output.csv_header(args.level))
    for article in read_articles(args.paths):
        if isinstance(article, InputError):
            print(f"stance: skipped: {article}", file=sys.stderr)
            bad += 1
            continue
        if not article.text.strip():
            print(f"stance: skipped: {article.source}: is empty", file=sys.stderr)
            bad += 1
            continue
        result = predict_article(article.text, date=args.date, language=args.language, model=model)
        if args.format == "json":
            print(output.article_json(article.source, result, level=args.level))
        elif args.format == "csv":
            print(output.article_csv(article.source, result, level=args.level))
        else:
            print(output.article_table(article.source, result, level=args.level))
        sys.stdout.flush()
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from stance.explain import explain_sentence

    for line in explain_sentence(args.sentence, args.country, top=args.top, model=_model(args)):
        print(line)
    return EXIT_OK


def _model(args: argparse.Namespace):
    from stance.predict import default_model

    return default_model(args.model)


def _countries_eval(args: argparse.Namespace) -> int:
    from stance.countries import evaluate, format_evaluation

    print(format_evaluation(evaluate(args.data)))
    return EXIT_OK


def _annotate_push(args: argparse.Namespace) -> int:
    from stance.labelstudio import push

    result = push(args.paths, project=args.project, url=args.url, api_key=args.api_key, order=args.order,
                  date=args.date, event_id=args.event)
    print(f"project {args.project!r} (id {result.project_id}): {result.created} task(s) created, "
          f"{result.skipped} already there")
    return EXIT_OK


def _annotate_pull(args: argparse.Namespace) -> int:
    from stance.labelstudio import format_pull, pull

    print(format_pull(*pull(project=args.project, url=args.url, api_key=args.api_key,
                            annotations_dir=args.annotations)))
    return EXIT_OK


def _annotate_import(args: argparse.Namespace) -> int:
    from stance.labelstudio import format_pull, import_export

    print(format_pull(*import_export(args.export, annotations_dir=args.annotations)))
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    try:
        from stance import batch
    except ImportError as error:
        raise UserError(f"stance batch needs the 'batch' extra ({error.name} is missing): "
                        "pip install -e '.[batch]'") from None
    result = batch.run(args.input, args.out, scheduler=args.scheduler, workers=args.workers,
                       partition_size=args.partition_size, level=args.level, model_path=args.model,
                       progress=not args.quiet)
    for record_id, reason in result.bad:
        print(f"stance: bad record {record_id}: {reason}", file=sys.stderr)
    print(f"{result.partitions} partition(s): {result.written} written, {result.skipped} already there; "
          f"{result.articles} article(s), {result.rows} row(s); {len(result.bad)} bad record(s) skipped; "
          f"output in {args.out}")
    return EXIT_OK


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
    check = data_commands.add_parser(
        "check", help="parse event files; print problems and figures against one writer share of the goals"
    )
    check.add_argument("files", nargs="+")
    check.set_defaults(func=_data_check)

    train = commands.add_parser("train", help="train the stance model and save it with a manifest")
    train.add_argument("--data", type=Path, default=None, help="annotations folder or rows file")
    train.add_argument("--out", type=Path, default=None, help="model path (default models/stance.joblib)")
    train.set_defaults(func=_train)

    evaluate = commands.add_parser("evaluate", help="grouped CV and fixed split, with a baseline")
    evaluate.add_argument("--data", type=Path, default=None, help="annotations folder or rows file")
    evaluate.add_argument("--out", type=Path, default=None, help="report folder (default reports/)")
    evaluate.add_argument("--folds", type=int, default=5)
    evaluate.add_argument("--no-curve", action="store_true", help="skip the learning curve (three more CV runs)")
    evaluate.set_defaults(func=_evaluate)

    predict = commands.add_parser(
        "predict",
        help="postures per country of articles (files, folders or - for stdin)",
        description="Print each article's countries with their posture, confidence and evidence. "
        "Exit 0 when every input was read, 2 when an input was skipped (empty, binary, not UTF-8, "
        "too big, missing) or the model cannot be loaded.",
    )
    predict.add_argument("paths", nargs="+", help="text files, folders of .txt files, or -")
    predict.add_argument("--format", choices=("table", "json", "csv"), default="table")
    predict.add_argument("--level", choices=("article", "sentence"), default="article")
    predict.add_argument("--date", default=None, help="article date (YYYY-MM-DD), for leaders' names")
    predict.add_argument("--language", default=None, help="ISO 639-1 code; guessed when omitted")
    predict.add_argument("--model", type=Path, default=None, help="a saved model (default: models/)")
    predict.set_defaults(func=_predict)

    explain = commands.add_parser("explain", help="the n-grams that weighed most for one country")
    explain.add_argument("sentence")
    explain.add_argument("--country", required=True, help="ISO alpha-3 code of the target country")
    explain.add_argument("--top", type=int, default=12)
    explain.add_argument("--model", type=Path, default=None)
    explain.set_defaults(func=_explain)

    countries = commands.add_parser("countries", help="the country-mention finder")
    countries_commands = countries.add_subparsers(dest="countries_command", required=True)
    ev = countries_commands.add_parser("eval", help="precision, recall, F1 on the labelled mentions")
    ev.add_argument("--data", type=Path, default=None, help="a mentions JSON Lines file")
    ev.set_defaults(func=_countries_eval)

    batch = commands.add_parser(
        "batch", help="predict a whole corpus on Dask into Parquet",
        description="Predict every article of INPUT (a folder of text files, or .jsonl/.csv/.parquet with a "
        "'text' column and optional id, date, language) into OUTPUT, a folder of Parquet parts. A rerun skips "
        "the parts already written; bad records are reported, counted and skipped.",
    )
    batch.add_argument("input", type=Path)
    batch.add_argument("--out", type=Path, required=True, help="output folder of Parquet parts")
    batch.add_argument("--scheduler", default=None, help="address of a Dask scheduler (default: a local cluster)")
    batch.add_argument("--workers", type=int, default=2, help="workers of the local cluster")
    batch.add_argument("--partition-size", type=int, default=500, help="records per partition")
    batch.add_argument("--level", choices=("article", "sentence"), default="article")
    batch.add_argument("--model", type=Path, default=None, help="a saved model (default: models/)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(func=_batch)

    annotate = commands.add_parser("annotate", help="the Label Studio round trip")
    annotate_commands = annotate.add_subparsers(dest="annotate_command", required=True)
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--url", default=None, help="Label Studio address (default $LABEL_STUDIO_URL)")
    connection.add_argument("--api-key", default=None, help="API token (default $LABEL_STUDIO_API_KEY)")
    connection.add_argument("--project", required=True, help="project title")
    push = annotate_commands.add_parser("push", parents=[connection],
                                        help="send articles' sentences with the model's suggestions")
    push.add_argument("paths", nargs="+", help="text files or folders")
    push.add_argument("--order", choices=("article", "uncertainty"), default="article",
                      help="uncertainty: the sentences the model is least sure of first")
    push.add_argument("--date", default=None, help="article date (default: from a .toml beside the file)")
    push.add_argument("--event", default=None, help="event id for the rows (default: from the file)")
    push.set_defaults(func=_annotate_push)
    pull = annotate_commands.add_parser("pull", parents=[connection],
                                        help="merge completed annotations into annotations/")
    pull.add_argument("--annotations", type=Path, default=None, help="annotations folder")
    pull.set_defaults(func=_annotate_pull)
    imp = annotate_commands.add_parser("import", help="merge a Label Studio JSON export file, no server")
    imp.add_argument("export", type=Path)
    imp.add_argument("--annotations", type=Path, default=None, help="annotations folder")
    imp.set_defaults(func=_annotate_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    import logging

    log = logging.getLogger("stance")  # our messages only, not those of the libraries we call
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("stance: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ValueError, OSError, RuntimeError) as error:
        print(f"stance: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stance: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
