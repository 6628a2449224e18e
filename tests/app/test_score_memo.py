"""Pair scores kept between runs (app.score_memo, matching.align.ScoreMemo): a second alignment of the same entries
against the same prepared list scores nothing and gives exactly what scoring gives; a changed list, other code or
another version is scored again; a damaged file is rebuilt with a warning; nothing goes through pickle.

The lists are the trimmed real excerpts of tests/fixtures (a data dir), prepared as a run prepares them."""

from __future__ import annotations

import ast
import dataclasses
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import orjson
import pytest

import magcheck
from magcheck.app import prepared, score_memo
from magcheck.app.commands import run_gaps
from magcheck.app.prepared import PreparedLists
from magcheck.app.score_memo import PairScoreFiles
from magcheck.app.settings import Settings
from magcheck.errors import CacheError
from magcheck.matching import align
from magcheck.matching.align import Alignment, Matcher
from magcheck.matching.evidence import Evidence
from magcheck.matching.score import NameMatch, PairScore
from magcheck.model import Entry
from magcheck.notices import Notice, Severity
from magcheck.store.cache import Cache
from magcheck.store.load import StoreLoader, dir_request
from tests.app.conftest import CODES


def lists(tmp_path: Path, data_dir: Path) -> dict[str, Sequence[Entry]]:
    """Every list as a run reads it: prepared (the first call prepares, later ones read the files)."""
    found = PreparedLists(tmp_path / "prepared").load([dir_request(data_dir, code) for code in CODES])
    return {lst.code: lst.entries for lst in found if not isinstance(lst, Exception)}


class Scoring:
    """Counts the entry pairs scored (Matcher.score_group) in this process, for the alignment itself: not those
    scored to weigh other claims on the counterparts of some entries of a list (`Matcher._claims_on`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.claims = 0
        self._weighing = False
        scorer, weigh = Matcher.score_group, Matcher._claims_on

        def counted(matcher: Matcher, *args: object, **kwargs: object) -> PairScore | None:
            if self._weighing:
                self.claims += 1
            else:
                self.calls += 1
            return scorer(matcher, *args, **kwargs)  # type: ignore[arg-type]

        def weighing(matcher: Matcher, *args: object, **kwargs: object) -> object:
            self._weighing = True
            try:
                return weigh(matcher, *args, **kwargs)  # type: ignore[arg-type]
            finally:
                self._weighing = False

        monkeypatch.setattr(Matcher, "score_group", counted)
        monkeypatch.setattr(Matcher, "_claims_on", weighing)


def aligned(entries: dict[str, Sequence[Entry]], memo: PairScoreFiles | None, *, reference: str = "us",
            subset: bool = False, workers: int = 1) -> Alignment:
    matcher = Matcher(entries, workers=workers)
    matcher.memo = memo
    ref = list(entries[reference])
    if subset:
        ref = ref[1:]  # all but one: some entries of the list
    return matcher.align(ref, [code for code in CODES if code != reference])


def answers(alignment: Alignment) -> list[tuple[object, ...]]:
    """Everything an alignment says of each counterpart, its score whole."""
    found: list[tuple[object, ...]] = []
    for key, by_list in alignment.coverage.items():
        for other, coverage in by_list.items():
            for kind, counterparts in (("match", coverage.matches), ("review", coverage.review)):
                found += [(key, other, kind, c.entry.key, c.score, c.detail, c.shared_with, c.outranked_by,
                           c.outranked_why) for c in counterparts]
    return found


def memo_files(root: Path) -> list[Path]:
    return sorted(root.glob("*.scores"))


def warnings_of(memo: PairScoreFiles) -> list[Notice]:
    notices = memo.take_notices()
    assert all(n.severity is Severity.WARNING for n in notices)
    return notices


@pytest.mark.parametrize("subset", [False, True], ids=["whole list", "some entries"])
def test_a_second_alignment_scores_nothing_and_gives_the_same(tmp_path: Path, data_dir: Path, subset: bool,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    entries = lists(tmp_path, data_dir)
    expected = answers(aligned(entries, None, subset=subset))
    assert len(expected) > 5
    scoring = Scoring(monkeypatch)
    memo = PairScoreFiles(tmp_path / "scores")
    assert answers(aligned(entries, memo, subset=subset)) == expected
    assert scoring.calls > 0 and len(memo_files(memo.root)) == len(CODES) - 1
    first = scoring.calls
    again = PairScoreFiles(tmp_path / "scores")
    assert answers(aligned(lists(tmp_path, data_dir), again, subset=subset)) == expected  # a new run
    assert scoring.calls == first  # nothing proposed or scored: every pair came from the memo
    assert again.take_notices() == []


def test_the_whole_list_and_some_of_its_entries_are_kept_apart(tmp_path: Path, data_dir: Path) -> None:
    entries = lists(tmp_path, data_dir)
    memo = PairScoreFiles(tmp_path / "scores")
    whole, some = answers(aligned(entries, memo)), answers(aligned(entries, memo, subset=True))
    assert len(memo_files(memo.root)) == 2 * (len(CODES) - 1)
    assert answers(aligned(entries, memo)) == whole and answers(aligned(entries, memo, subset=True)) == some
    assert some == answers(aligned(entries, None, subset=True))


def test_scores_from_worker_processes_are_kept_and_given_back_exactly(tmp_path: Path, data_dir: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Scores computed in forked workers name copies of the names: kept all the same, and given back as the
    entries' own names."""
    entries = lists(tmp_path, data_dir)
    expected = answers(aligned(entries, None))
    monkeypatch.setattr(align, "PARALLEL_MIN_ENTRIES", 1)
    monkeypatch.setattr(align.sys, "platform", "linux")
    memo = PairScoreFiles(tmp_path / "scores")
    assert answers(aligned(entries, memo, workers=2)) == expected
    assert len(memo_files(memo.root)) == len(CODES) - 1
    scoring = Scoring(monkeypatch)
    alignment = aligned(entries, PairScoreFiles(tmp_path / "scores"), workers=2)
    assert answers(alignment) == expected and scoring.calls == 0
    for by_list in alignment.coverage.values():
        for coverage in by_list.values():
            for counterpart in (*coverage.matches, *coverage.review):
                assert counterpart.detail is not None
                assert any(counterpart.detail.name_b is name for name in counterpart.entry.names)


def test_a_changed_list_is_scored_again(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    aligned(lists(tmp_path, data_dir), memo)
    path = data_dir / "ca" / "sema-lmes.xml"
    path.write_bytes(path.read_bytes().replace(b"<GivenName>", b"<GivenName> ", 1))
    entries = lists(tmp_path, data_dir)
    expected = answers(aligned(entries, None))
    scoring = Scoring(monkeypatch)
    assert answers(aligned(entries, memo)) == expected
    assert scoring.calls > 0
    assert len(list(memo.root.glob("us-ca-*.scores"))) == 2 and len(list(memo.root.glob("us-uk-*.scores"))) == 1


def test_a_changed_reference_list_is_scored_again(tmp_path: Path, data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    aligned(lists(tmp_path, data_dir), memo, reference="ca")
    path = data_dir / "ca" / "sema-lmes.xml"
    path.write_bytes(path.read_bytes().replace(b"<GivenName>", b"<GivenName> ", 1))
    scoring = Scoring(monkeypatch)
    aligned(lists(tmp_path, data_dir), memo, reference="ca")
    assert scoring.calls > 0 and len(memo_files(memo.root)) == 2 * (len(CODES) - 1)


@pytest.mark.parametrize("change", ["fingerprint", "version"])
def test_other_code_or_another_version_scores_again(tmp_path: Path, data_dir: Path, change: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    entries = lists(tmp_path, data_dir)
    expected = answers(aligned(entries, memo))
    if change == "fingerprint":
        monkeypatch.setattr(prepared, "code_fingerprint", lambda: "0" * 64)
    else:
        monkeypatch.setattr(magcheck, "__version__", "0.0.0-other")
    scoring = Scoring(monkeypatch)
    assert answers(aligned(entries, memo)) == expected
    assert scoring.calls > 0 and len(memo_files(memo.root)) == 2 * (len(CODES) - 1)


def test_lists_not_prepared_are_not_memoised(tmp_path: Path, data_dir: Path) -> None:
    entries = {code: list(found) for code, found in lists(tmp_path, data_dir).items()}  # plain sequences
    memo = PairScoreFiles(tmp_path / "scores")
    aligned(entries, memo)
    assert not memo.root.exists()


def damage_file(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "bit flip":
        path.write_bytes(data[:-3] + bytes([data[-3] ^ 0x20]) + data[-2:])
    elif how == "cut short":
        path.write_bytes(data[: len(data) // 2])
    elif how == "pickle":
        path.write_bytes(b"\x80\x04\x95pickle or anything else")
    else:
        path.write_bytes(b"")


@pytest.mark.parametrize("how", ["bit flip", "cut short", "pickle", "empty"])
def test_a_damaged_file_is_scored_again_with_a_warning(tmp_path: Path, data_dir: Path, how: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    entries = lists(tmp_path, data_dir)
    expected = answers(aligned(entries, memo))
    (path,) = memo.root.glob("us-uk-*.scores")
    damage_file(path, how)
    scoring = Scoring(monkeypatch)
    assert answers(aligned(entries, memo)) == expected
    assert scoring.calls > 0
    (notice,) = warnings_of(memo)
    assert notice.list == "us" and path.name in notice.text and "scored again" in notice.text
    assert path.exists() and path.read_bytes()[:21] == score_memo.MAGIC  # written again, whole
    before = scoring.calls
    assert answers(aligned(entries, memo)) == expected and scoring.calls == before
    assert warnings_of(memo) == []


def forged(memo: PairScoreFiles, label: str, key: str, **changes: np.ndarray | bytes) -> None:
    """Rewrite a memo file whole (a valid checksum) with some sections changed."""
    sections = memo.get(label, key)
    assert sections is not None
    memo.put(label, key, {**sections, **changes})


def only_key(memo: PairScoreFiles, label: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The keys the matcher asks for under `label`."""
    seen: list[str] = []
    original = PairScoreFiles.get

    def get(self: PairScoreFiles, asked: str, key: str) -> dict[str, np.ndarray | bytes] | None:
        if asked == label:
            seen.append(key)
        return original(self, asked, key)

    monkeypatch.setattr(PairScoreFiles, "get", get)
    return iter(seen)


@pytest.mark.parametrize("section", ["other_row", "ref_entry", "score", "details", "count"])
def test_a_whole_file_that_does_not_fit_the_lists_is_scored_again(tmp_path: Path, data_dir: Path, section: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    entries = lists(tmp_path, data_dir)
    keys = only_key(memo, "us-uk", monkeypatch)
    expected = answers(aligned(entries, memo))
    key = next(keys)
    sections = memo.get("us-uk", key)
    assert sections is not None
    values = sections[section]
    bad: np.ndarray | bytes
    if section == "details":
        bad = b'[["not", "a", "score"]]'
    elif section == "score":
        bad = np.asarray(values)[:-1]
    elif section == "count":
        bad = np.asarray([0], dtype=np.int64)
    else:
        bad = np.asarray(values).copy()
        bad[0] = 10**6
    forged(memo, "us-uk", key, **{section: bad})
    scoring = Scoring(monkeypatch)
    assert answers(aligned(entries, memo)) == expected
    assert scoring.calls > 0
    (notice,) = warnings_of(memo)
    assert "scored again" in notice.text


def test_a_memo_never_unpickles(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = lists(tmp_path, data_dir)
    aligned(entries, PairScoreFiles(tmp_path / "scores"))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    aligned(entries, PairScoreFiles(tmp_path / "scores"))
    for module in (score_memo,):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
        assert "allow_pickle" not in Path(module.__file__).read_text(encoding="utf-8")


def test_an_unwritable_cache_is_said_once_and_the_run_goes_on(tmp_path: Path, data_dir: Path) -> None:
    entries = lists(tmp_path, data_dir)
    expected = answers(aligned(entries, None))
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    memo = PairScoreFiles(blocked / "scores")
    assert answers(aligned(entries, memo)) == expected
    assert answers(aligned(entries, memo, reference="uk")) == answers(aligned(entries, None, reference="uk"))
    (notice,) = warnings_of(memo)
    assert "cannot keep pair scores" in notice.text


def test_old_files_are_pruned(tmp_path: Path) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    sections = {"count": np.asarray([0], dtype=np.int64)}
    for n in range(score_memo.KEEP_PER_PAIR + 3):
        memo.put("us-uk", f"key {n}", sections)
    memo.put("us-ca", "key", sections)
    assert len(list(memo.root.glob("us-uk-*.scores"))) == score_memo.KEEP_PER_PAIR
    assert memo.get("us-uk", f"key {score_memo.KEEP_PER_PAIR + 2}") is not None  # the newest kept
    assert memo.get("us-ca", "key") is not None


def test_a_memo_holds_every_field_of_a_score() -> None:
    for kind in (PairScore, NameMatch, Evidence):
        assert tuple(f.name for f in dataclasses.fields(kind)) == align.MEMO_FIELDS[kind.__name__]


def test_a_run_keeps_its_pair_scores_in_the_cache(tmp_path: Path, data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`gaps --scope all` over a data dir keeps pair scores next to the prepared lists; the next run scores
    nothing."""
    settings = Settings(reference="us", against=("uk", "ca"), data_dir=data_dir, workers=1, scope="all")
    cache = Cache(tmp_path / "cache")

    def run() -> object:
        loader = StoreLoader(cache=cache, offline=True, data_dir=data_dir)
        return run_gaps(settings, loader)

    first = run()
    assert memo_files(cache.root / score_memo.SCORES_DIR)
    scoring = Scoring(monkeypatch)
    second = run()
    assert scoring.calls == 0
    assert first.result.report is not None and second.result.report is not None  # type: ignore[attr-defined]
    assert [t.missing_from for t in first.result.report.targets] == [  # type: ignore[attr-defined]
        t.missing_from for t in second.result.report.targets]  # type: ignore[attr-defined]


def test_remembered_explanations_are_built_only_when_read(tmp_path: Path, data_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    entries = lists(tmp_path, data_dir)
    expected = aligned(entries, None)
    aligned(entries, PairScoreFiles(tmp_path / "scores"))
    built: list[object] = []
    decode = align.decoded_detail
    monkeypatch.setattr(align, "decoded_detail", lambda detail: built.append(detail) or decode(detail))
    warm = aligned(entries, PairScoreFiles(tmp_path / "scores"))
    scores = [(c.entry.key, c.score) for by_list in warm.coverage.values() for cov in by_list.values()
              for c in cov.matches]
    assert scores and built == []  # the scores alone: no explanation decoded
    assert answers(warm) == answers(expected) and built  # read whole, they are the very same


def test_a_remembered_explanation_that_does_not_decode_ends_the_run_in_one_line(
        tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PairScoreFiles(tmp_path / "scores")
    entries = lists(tmp_path, data_dir)
    keys = only_key(memo, "us-uk", monkeypatch)
    aligned(entries, memo)
    key = next(keys)
    sections = memo.get("us-uk", key)
    assert sections is not None
    pairs = len(sections["score"])
    forged(memo, "us-uk", key, details=orjson.dumps([["0.9", [], [], [], [], []]] * pairs))  # a score as text
    warm = aligned(entries, memo)
    counterparts = [c for by_list in warm.coverage.values() for c in by_list["uk"].matches]
    assert counterparts and all(c.score > 0 for c in counterparts)
    with pytest.raises(CacheError, match=r"does not decode \(malformed details \(a score that is not a number\)\)"):
        _ = counterparts[0].detail.name
