"""Adding a batch of answers to the coaching development set, the way the guide describes
(tests/data/coaching/GUIDELINES.md; the briefs given to writers and annotators are in briefs/):

    check FILE --prefix P --count N   a writer's answers against the record format
    sheets FILE... --out DIR          shuffled blind sheets under anonymous ids, and their key;
                                      beside each, a problem sheet of the same answers as prose
    votes SHEET VOTES                 an annotator's votes against their sheet
    problems SHEET LABELS             an annotator's problem labels against their problem sheet
    ties --sheets DIR                 per problem sheet, the answers its two annotators split on,
                                      as a sheet for a third
    merge FILE... --sheets DIR        every label the majority of three (the writer and the two
                                      annotators), appended to the training split with the votes
                                      in second_opinions.jsonl, and each problem label the
                                      majority of its annotators, to problem_labels.jsonl with
                                      their labels in problem_second_opinions.jsonl; nothing is
                                      written unless the whole batch checks
    agreement FILE...                 after merge, how often the batch's two annotators agreed
                                      with each other and with its writers, per voted signal,
                                      and on the problem labels (the guide's table per batch)

The sheets directory ends up holding, per sheet k: sheetk.jsonl with votesk{A,B}.jsonl, and
problem_sheetk.jsonl with problemsk{A,B}.jsonl (briefs/annotator.md and briefs/problem.md),
then problem_tiesk.jsonl with problemskC.jsonl where A and B differ. Two blind problem labels
per answer and a third on a split, as every answer already in the set has
(GUIDELINES.md, "Problem labels, second opinions").

Every command prints what is wrong, one line each, and exits 2 if anything is."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

from voicecoach.analysis.types import LABELS
from voicecoach.devtools.coaching_data import DATA, SIGNALS

# What the annotators judge blind (hedging and growth were judged by the writers alone).
VOTED = ("blame", "ownership", "root_cause", "stakeholder_communication", "quantified_impact")
_FIELDS = ("id", "question_type", "question", "style", "sentences", "signals", "evidence")


def record_problems(r: dict, min_sentences: int = 6, quoted: bool = True) -> list[str]:
    """What is wrong with one answer record, by the guide's "Record" section. The first answers
    predate two of its rules: some `tr-` ones have 4 or 5 sentences, and the `ho-` ones quote no
    evidence (`quoted` false)."""
    rid = r.get("id", "?")
    out = [f"{rid}: missing {k}" for k in _FIELDS if k not in r and (quoted or k != "evidence")]
    sentences = r.get("sentences", [])
    if not min_sentences <= len(sentences) <= 16:
        out.append(f"{rid}: {len(sentences)} sentences, the guide says {min_sentences} to 16")
    for i, s in enumerate(sentences):
        if set(s) != {"text", "label"} or s["label"] not in LABELS or not str(s["text"]).strip():
            out.append(f"{rid}: sentence {i} needs a text and one of {', '.join(LABELS)}")
    signals = r.get("signals", {})
    if sorted(signals) != sorted(SIGNALS) or not all(isinstance(v, bool) for v in signals.values()):
        out.append(f"{rid}: signals must be all of {', '.join(SIGNALS)}, each true or false")
    unquoted = ("hedging",) if quoted else tuple(SIGNALS)
    out += _evidence_problems(rid, signals, r.get("evidence", {}), len(sentences), unquoted)
    return out


def _evidence_problems(
    rid: str, signals: dict, evidence: dict, n: int, unquoted: tuple[str, ...] = ()
) -> list[str]:
    out = []
    for sig, on in signals.items():
        if on is True and sig not in unquoted and not evidence.get(sig):
            out.append(f"{rid}: {sig} is true but quotes no sentence")
        if on is False and sig in evidence:
            out.append(f"{rid}: {sig} is false but has evidence")
    for sig, idx in evidence.items():
        if sig not in signals or not all(isinstance(i, int) and 0 <= i < n for i in idx):
            out.append(f"{rid}: evidence for {sig} is not a list of sentence numbers: {idx}")
    return out


def vote_problems(sheet: list[dict], votes: list[dict]) -> list[str]:
    """What is wrong with one annotator's votes on their sheet."""
    asked = {s["id"]: len(s["sentences"]) for s in sheet}

    def check(vid: str, v: dict) -> list[str]:
        got = {s: v.get(s) for s in VOTED}
        out = []
        if not all(isinstance(x, bool) for x in got.values()):
            out.append(f"{vid}: {', '.join(VOTED)} must each be true or false")
        return out + _evidence_problems(vid, got, v.get("evidence", {}), asked[vid])

    return _sheet_problems(set(asked), votes, check, "voted", "voted on")


def problem_label_problems(sheet: list[dict], labels: list[dict]) -> list[str]:
    """What is wrong with one annotator's problem labels on their problem sheet."""

    def check(rid: str, row: dict) -> list[str]:
        problem, what = row.get("problem"), row.get("what")
        if not isinstance(problem, bool) or not isinstance(what, str):
            return [f"{rid}: needs problem (true or false) and what (a string)"]
        if bool(what.strip()) != problem:
            return [f"{rid}: what quotes what went wrong if problem is true, else is empty"]
        return []

    return _sheet_problems({s["id"] for s in sheet}, labels, check, "labelled", "labelled")


def _sheet_problems(
    asked: set[str],
    rows: list[dict],
    check: Callable[[str, dict], list[str]],
    done: str,
    done_on: str,
) -> list[str]:
    """One annotator's rows against their sheet: each answer on it once, none off it, and what
    `check` finds wrong in each row."""
    out, seen = [], set()
    for row in rows:
        rid = row.get("id")
        if rid not in asked:
            out.append(f"{rid}: not on the sheet")
            continue
        if rid in seen:
            out.append(f"{rid}: {done} twice")
        seen.add(rid)
        out += check(rid, row)
    if missing := sorted(asked - seen):
        out.append(f"{len(missing)} answers not {done_on}, from {missing[0]}")
    return out


def majority(record: dict, a: dict, b: dict) -> tuple[dict, dict]:
    """The record with every voted label the majority of three, and its second-opinions row.
    A label turned true quotes the sentences both annotators quoted (either's if none in common);
    one turned false loses its evidence."""
    r = json.loads(json.dumps(record))
    row: dict = {"id": r["id"]}
    for sig in VOTED:
        row[sig] = [a[sig], b[sig]]
        label = sum((r["signals"][sig], a[sig], b[sig])) >= 2
        if label != r["signals"][sig]:
            r["signals"][sig] = label
            if label:
                qa, qb = (set(v.get("evidence", {}).get(sig, [])) for v in (a, b))
                r["evidence"][sig] = sorted(qa & qb) or sorted(qa | qb)
            else:
                r["evidence"].pop(sig)
    return r, row


def sheets(records: list[dict], n_sheets: int, seed: int) -> tuple[list[list[dict]], dict]:
    """The answers shuffled under anonymous ids and dealt into sheets: question and numbered
    sentences only. Returns the sheets and the key from anonymous id to real id."""
    order = list(records)
    random.Random(seed).shuffle(order)
    out: list[list[dict]] = [[] for _ in range(n_sheets)]
    key = {}
    for n, r in enumerate(order):
        anon = f"a{n + 1:03d}"
        key[anon] = r["id"]
        numbered = {str(i): s["text"] for i, s in enumerate(r["sentences"])}
        out[n % n_sheets].append({"id": anon, "question": r["question"], "sentences": numbered})
    return out, key


def problem_sheet(sheet: list[dict], records: dict[str, dict], key: dict) -> list[dict]:
    """A sheet's answers as the problem annotator sees them: the question type and the answer as
    one paragraph, under the same anonymous ids."""
    out = []
    for row in sheet:
        r = records[key[row["id"]]]
        answer = " ".join(s["text"] for s in r["sentences"])
        out.append({"id": row["id"], "question_type": r["question_type"], "answer": answer})
    return out


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _lines(rows: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def _replace(path: Path, text: str) -> None:
    # the whole file replaced at once: a batch is in the split entirely or not at all
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _append(path: Path, rows: list[dict]) -> None:
    _replace(path, path.read_text(encoding="utf-8") + _lines(rows))


def _annotator_rows(
    path: Path, sheet: list[dict], check: Callable[[list[dict], list[dict]], list[str]]
) -> tuple[list[dict], list[str]]:
    """One annotator's rows (none if the file is missing) and what `check` finds wrong with them
    against their sheet, each line naming the file."""
    got = _read(path) if path.exists() else []
    return got, [f"{path.name}: {p}" for p in check(sheet, got)]


def _problem_labels(
    sheet_dir: Path, k: str, who: str, sheet_name: str = "problem_sheet"
) -> tuple[dict[str, dict], list[str]]:
    """One annotator's problem labels on sheet `k`, by anonymous id, and what is wrong with
    them."""
    sheet = _read(sheet_dir / f"{sheet_name}{k}.jsonl")
    path = sheet_dir / f"problems{k}{who}.jsonl"
    got, wrong = _annotator_rows(path, sheet, problem_label_problems)
    return {r["id"]: r for r in got}, wrong


def _pair(sheet_dir: Path, k: str) -> tuple[dict[str, dict], dict[str, dict], list[str]]:
    """Annotators A's and B's problem labels on sheet `k`, and what is wrong with either's."""
    a, wrong_a = _problem_labels(sheet_dir, k, "A")
    b, wrong_b = _problem_labels(sheet_dir, k, "B")
    return a, b, wrong_a + wrong_b


def _ties(sheet_dir: Path) -> list[str]:
    found = sorted(sheet_dir.glob("problem_sheet*.jsonl"))
    if not found:
        return [f"{sheet_dir}: no problem sheets (problem_sheet*.jsonl) there"]
    problems = []
    for path in found:
        k = path.stem[len("problem_sheet") :]
        a, b, wrong = _pair(sheet_dir, k)
        problems += wrong
        if not wrong:
            rows = [r for r in _read(path) if a[r["id"]]["problem"] != b[r["id"]]["problem"]]
            (sheet_dir / f"problem_ties{k}.jsonl").write_text(_lines(rows), encoding="utf-8")
            print(f"problem_ties{k}.jsonl: {len(rows)} answers the two annotators split on")
    return problems


def _problem_votes(sheet_dir: Path, k: str) -> tuple[dict[str, list[dict]], list[str]]:
    """Per anonymous id on problem sheet `k`, its annotators' labels in order (A, B and, where
    those differ, C's from the tie sheet), and what is wrong with them."""
    a, b, problems = _pair(sheet_dir, k)
    if problems:
        return {}, problems
    split = {anon for anon in a if a[anon]["problem"] != b[anon]["problem"]}
    c: dict[str, dict] = {}
    if split:
        ties = sheet_dir / f"problem_ties{k}.jsonl"
        if not ties.exists() or {r["id"] for r in _read(ties)} != split:
            return {}, [f"{ties.name}: not the {len(split)} answers A and B split on; run ties"]
        c, problems = _problem_labels(sheet_dir, k, "C", "problem_ties")
        if problems:
            return {}, problems
    return {anon: [a[anon], b[anon], *([c[anon]] if anon in split else [])] for anon in a}, problems


def _problem_majority(rid: str, labels: list[dict]) -> tuple[dict, dict]:
    """An answer's problem label, the majority of its annotators' (the first of them on that
    side gives `what`), and its problem_second_opinions.jsonl row."""
    votes = [r["problem"] for r in labels]
    label = sum(votes) * 2 > len(votes)
    what = next(r["what"] for r in labels if r["problem"] == label)
    return {"id": rid, "problem": label, "what": what}, {"id": rid, "problem": votes}


def _merge(files: list[Path], sheet_dir: Path, data: Path) -> list[str]:
    records = {r["id"]: r for f in files for r in _read(f)}
    key = json.loads((sheet_dir / "key.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    votes: dict[str, list[dict]] = {rid: [] for rid in records}
    labelled: dict[str, list[tuple[dict, dict]]] = {rid: [] for rid in records}
    for sheet_path in sorted(sheet_dir.glob("sheet*.jsonl")):
        sheet = _read(sheet_path)
        for who in ("A", "B"):
            path = sheet_dir / f"votes{sheet_path.stem[5:]}{who}.jsonl"
            got, wrong = _annotator_rows(path, sheet, vote_problems)
            problems += wrong
            for v in got:
                if v.get("id") in key:
                    votes.setdefault(key[v["id"]], []).append(v)
        by_anon, wrong = _problem_votes(sheet_dir, sheet_path.stem[5:])
        problems += wrong
        for anon, labels in by_anon.items():
            if anon in key:
                labelled.setdefault(key[anon], []).append(_problem_majority(key[anon], labels))
    splits = (data / "devset_train.jsonl", data / "devset_heldout.jsonl")
    known = {r["id"] for split in splits for r in _read(split)}
    for rid, r in records.items():
        problems += record_problems(r)
        if rid in known:
            problems.append(f"{rid}: already in the development set")
        if len(votes.get(rid, [])) != 2:
            problems.append(f"{rid}: {len(votes.get(rid, []))} annotators' votes, needs 2")
        if len(labelled.get(rid, [])) != 1:
            problems.append(f"{rid}: not labelled for a problem on any sheet that checks")
    if problems:
        return problems
    merged = [majority(records[rid], *votes[rid]) for rid in records]
    _append(data / "devset_train.jsonl", [r for r, _ in merged])
    _append(data / "second_opinions.jsonl", [row for _, row in merged])
    # one label per answer, in the splits' order (training, then held-out); the lines already
    # there are kept as written (some spell out "£", some escape it)
    label_path = data / "problem_labels.jsonl"
    old = label_path.read_text(encoding="utf-8").splitlines()
    lines = {json.loads(line)["id"]: line for line in old if line.strip()}
    lines |= {rid: json.dumps(labelled[rid][0][0]) for rid in records}
    order = [r["id"] for split in splits for r in _read(split)]
    _replace(label_path, "".join(lines[rid] + "\n" for rid in order if rid in lines))
    _append(data / "problem_second_opinions.jsonl", [labelled[rid][0][1] for rid in records])
    changed = sum(r["signals"] != records[r["id"]]["signals"] for r, _ in merged)
    print(f"merged {len(merged)} answers into the training split; the majority changed {changed}")
    return []


Agreement = tuple[str, int, int, int | None]


def agreement(records: list[dict], data: Path) -> list[Agreement]:
    """Per voted signal, then the problem labels: (what, answers, how many of them the two
    annotators agreed on, how many of the annotators' votes agreed with the writer, out of
    twice the answers; None for the problem labels, which the writers did not give). Read from
    the merged second opinions, and `records` as their writers wrote them."""
    votes = {r["id"]: r for r in _read(data / "second_opinions.jsonl")}
    problem = {r["id"]: r["problem"] for r in _read(data / "problem_second_opinions.jsonl")}
    if not records:
        raise ValueError("no answers in the files given")
    missing = [r["id"] for r in records if r["id"] not in votes or r["id"] not in problem]
    if missing:
        raise ValueError(f"{len(missing)} answers not merged yet, {missing[0]} first")
    out: list[Agreement] = []
    for sig in VOTED:
        pairs = [(votes[r["id"]][sig], r["signals"][sig]) for r in records]
        out.append(
            (
                sig,
                len(pairs),
                sum(a == b for (a, b), _ in pairs),
                sum((a == w) + (b == w) for (a, b), w in pairs),
            )
        )
    both = sum(problem[r["id"]][0] == problem[r["id"]][1] for r in records)
    out.append(("problem", len(records), both, None))
    return out


def _print_agreement(rows: list[Agreement]) -> None:
    print("| signal | annotator with annotator | annotators with the writers |")
    print("|---|---|---|")
    for what, n, pair, writer in rows:
        with_writer = f"{writer / (2 * n):.1%}" if writer is not None else ""
        print(f"| {what} | {pair / n:.1%} ({pair} of {n}) | {with_writer} |")


def main(argv: list[str] | None = None, data: Path = DATA) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("file", type=Path)
    c.add_argument("--prefix", required=True)
    c.add_argument("--count", type=int, required=True)
    s = sub.add_parser("sheets")
    s.add_argument("files", type=Path, nargs="+")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--per-sheet", type=int, default=80)
    s.add_argument("--seed", type=int, default=1)
    v = sub.add_parser("votes")
    v.add_argument("sheet", type=Path)
    v.add_argument("votes", type=Path)
    pr = sub.add_parser("problems")
    pr.add_argument("sheet", type=Path)
    pr.add_argument("labels", type=Path)
    t = sub.add_parser("ties")
    t.add_argument("--sheets", type=Path, required=True)
    m = sub.add_parser("merge")
    m.add_argument("files", type=Path, nargs="+")
    m.add_argument("--sheets", type=Path, required=True)
    g = sub.add_parser("agreement")
    g.add_argument("files", type=Path, nargs="+")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "check":
            rows = _read(args.file)
            problems = [p for r in rows for p in record_problems(r)]
            problems += [f"{r.get('id')}: id does not start {args.prefix}-" for r in rows
                         if not str(r.get("id")).startswith(args.prefix + "-")]
            if len({r.get("id") for r in rows}) != len(rows):
                problems.append("an id is used twice")
            if len(rows) != args.count:
                problems.append(f"{len(rows)} answers, expected {args.count}")
        elif args.cmd == "votes":
            problems = vote_problems(_read(args.sheet), _read(args.votes))
        elif args.cmd == "problems":
            problems = problem_label_problems(_read(args.sheet), _read(args.labels))
        elif args.cmd == "sheets":
            records = [r for f in args.files for r in _read(f)]
            dealt, key = sheets(records, -(-len(records) // args.per_sheet), args.seed)
            args.out.mkdir(parents=True, exist_ok=True)
            by_id = {r["id"]: r for r in records}
            for k, rows in enumerate(dealt, 1):
                (args.out / f"sheet{k}.jsonl").write_text(_lines(rows), encoding="utf-8")
                prose = problem_sheet(rows, by_id, key)
                (args.out / f"problem_sheet{k}.jsonl").write_text(_lines(prose), encoding="utf-8")
            (args.out / "key.json").write_text(json.dumps(key), encoding="utf-8")
            problems = []
        elif args.cmd == "ties":
            problems = _ties(args.sheets)
        elif args.cmd == "agreement":
            _print_agreement(agreement([r for f in args.files for r in _read(f)], data))
            problems = []
        else:
            problems = _merge(args.files, args.sheets, data)
    except (OSError, ValueError, KeyError, TypeError) as e:
        problems = [f"{type(e).__name__}: {e}"]
    for p in problems:
        print(p, file=sys.stderr)
    if not problems and args.cmd in ("check", "votes", "problems"):
        print("OK")
    return 2 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
