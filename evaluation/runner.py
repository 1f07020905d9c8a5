"""Evaluation runs (评测运行): ask every gold question under named configurations and score them.

Each configuration writes its answers as JSONL in the assistant's batch contract
(``<out>/predictions/<name>.jsonl``) and is scored *from that file*, so
``policy-assistant eval score GOLD <out>/predictions/<name>.jsonl`` reproduces the figures exactly.

Configurations that change ``chunk_tokens`` need an index chunked their way. It is built under
``<out>/indexes/<name>`` from the documents already in the given index: the catalog keeps every
document's text and metadata, and the non-content ranges (metadata header, web boilerplate) are
recomputed with the loader's own rules, so no corpus folder is needed and the document set is
exactly the one being evaluated. A rebuilt index is reused by later runs (unchanged documents are
not embedded again). The ``langchain-baseline`` row is built the same way (see
:mod:`evaluation.baseline`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import Assistant, IndexLayout, ManifestMismatch, Settings
from evaluation.baseline import LangChainBaseline, docs_from_knowledge_base
from evaluation.errors import EvaluationError
from evaluation.floors import check_floors, load_floors  # re-exported: their home before floors.py
from evaluation.gold import GoldItem, load_gold, load_predictions
from evaluation.scoring import ScoreReport, score

__all__ = [
    "CONFIGS",
    "DEFAULT_CONFIGS",
    "ConfigRun",
    "EvalRun",
    "RunConfig",
    "check_floors",
    "load_floors",
    "resolve_configs",
    "run_evaluation",
    "score_file",
    "settings_dict",
]

Log = Callable[[str], None]
BASELINE = "langchain-baseline"


@dataclass(frozen=True, slots=True)
class RunConfig:
    """A named configuration (评测配置): changes to the base settings, or the baseline recipe."""

    name: str
    description: str
    changes: tuple[tuple[str, Any], ...] = ()
    baseline: bool = False

    def settings(self, base: Settings) -> Settings:
        return base.with_(**dict(self.changes))


CONFIGS: dict[str, RunConfig] = {
    c.name: c
    for c in (
        RunConfig("hybrid", "BM25 + dense, RRF fusion, reader on (the settings given)"),
        RunConfig("bm25", "jieba BM25 only", (("mode", "bm25"),)),
        RunConfig("dense", "dense vectors only", (("mode", "dense"),)),
        RunConfig("hybrid-noreader", "hybrid, reader off: best passage only", (("reader", False),)),
        RunConfig("chunk-60", "hybrid over 60-token chunks (own index)", (("chunk_tokens", 60),)),
        RunConfig("chunk-160", "hybrid over 160-token chunks (own index)", (("chunk_tokens", 160),)),
        RunConfig("topk-5", "hybrid, 5 passages retrieved", (("top_k", 5),)),
        RunConfig(
            BASELINE,
            "plain LangChain RAG: RecursiveCharacterTextSplitter 750/150 + Chroma + same embedder, "
            "dense top-10, answer = top passage",
            baseline=True,
        ),
    )
}
# Without --config: every row that needs no re-chunked assistant index (chunk-* take minutes each).
DEFAULT_CONFIGS: tuple[str, ...] = ("hybrid", "bm25", "dense", "hybrid-noreader", "topk-5", BASELINE)


def resolve_configs(names: Iterable[str] | None) -> list[RunConfig]:
    """Configurations by name; accepts repeated and comma-separated names, ``default`` and ``all``."""
    wanted: list[str] = []
    for raw in names or ("default",):
        for name in (part.strip() for part in raw.split(",")):
            if name == "all":
                wanted.extend(CONFIGS)
            elif name == "default":
                wanted.extend(DEFAULT_CONFIGS)
            elif name in CONFIGS:
                wanted.append(name)
            elif name:
                raise EvaluationError(
                    f"unknown configuration {name!r}; choose from {', '.join(CONFIGS)}, default or all"
                )
    if not wanted:
        raise EvaluationError("no configuration given")
    return [CONFIGS[n] for n in dict.fromkeys(wanted)]


@dataclass(frozen=True, slots=True)
class ConfigRun:
    """One configuration's run (单个配置的结果): where its answers are and how they scored."""

    name: str
    description: str
    settings: dict[str, Any]
    index_dir: str
    manifest: dict[str, Any] | None
    predictions: Path
    report: ScoreReport
    seconds: float
    errors: tuple[str, ...] = ()
    build: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class EvalRun:
    """A whole run (评测运行): the gold set and every configuration, same questions, same machine."""

    gold_path: Path
    gold: tuple[GoldItem, ...]
    runs: tuple[ConfigRun, ...]
    started_at: str
    seconds: float
    index_dir: str | None = None  # the evaluated knowledge base (a folder, or a Chroma server URL)
    manifest: dict[str, Any] | None = None


def settings_dict(settings: Settings) -> dict[str, Any]:
    """Settings as JSON, without secrets."""
    data = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        data[f.name] = str(value) if isinstance(value, Path) else value
    if data.get("llm_api_key"):
        data["llm_api_key"] = "***"
    return data


def _manifest(assistant: Assistant) -> dict[str, Any] | None:
    manifest = assistant.manifest()
    return None if manifest is None else dataclasses.asdict(manifest)


# ---------------------------------------------------------------- indexes for other chunk sizes


def _derived(base: Assistant, directory: Path, settings: Settings, log: Log) -> Assistant:
    """A local index under ``directory`` of the base's documents, chunked as ``settings`` say."""
    local = settings.with_(index_dir=directory, chroma_url=None, kb_name="default")
    try:
        derived = Assistant(local)
    except ManifestMismatch:
        # Our own cache, built by an earlier run with another chunker or embedder: start afresh.
        log(f"index {directory}: built with other settings; rebuilding")
        shutil.rmtree(directory)
        derived = Assistant(local)
    docs = base.source_documents()
    log(f"index {directory}: {len(docs)} documents at {settings.chunk_tokens} tokens per chunk …")
    report = derived.add_documents(docs)
    log(
        f"index {directory}: {report.chunks_total} chunks, {report.chunks_embedded} embedded, "
        f"{report.seconds:.1f} s"
    )
    return derived


# ---------------------------------------------------------------- the run


@dataclass(frozen=True, slots=True)
class _Prepared:
    ask: Callable[[GoldItem], dict[str, Any]]
    settings: dict[str, Any]
    index_dir: Path
    manifest: dict[str, Any] | None
    build: dict[str, Any] | None


def _prepare(
    config: RunConfig, base: Settings, base_assistant: Assistant, out_dir: Path, log: Log, opened: list[Any]
) -> _Prepared:
    """How one configuration answers, with the settings and index it answers from."""
    if config.baseline:
        directory = out_dir / "indexes" / config.name
        baseline = LangChainBaseline(directory, embedder=base.embedder)
        log(f"{config.name}: splitting and embedding {len(base_assistant.documents())} documents …")
        stats = baseline.build(docs_from_knowledge_base(base_assistant))
        log(f"{config.name}: {stats.passages} passages, {stats.embedded} embedded, {stats.seconds:.1f} s")
        info = baseline.describe()
        return _Prepared(
            lambda item: baseline.ask(item.question, item.id),
            info,
            directory,
            info,
            dataclasses.asdict(stats),
        )
    settings = config.settings(base)
    index, build = base_assistant, None
    if settings.chunk_tokens != base.chunk_tokens:
        directory = out_dir / "indexes" / config.name
        index = _derived(base_assistant, directory, settings, log)
        opened.append(index)
        settings = settings.with_(index_dir=directory)
        build = {"chunks": index.stats()["chunks"], "from": str(base.index_dir)}
    assistant = index.reconfigured(settings)
    return _Prepared(
        lambda item: assistant.ask(item.question).to_dict(item.id),
        settings_dict(settings),
        settings.index_dir,
        _manifest(index),
        build,
    )


def run_evaluation(
    gold_path: str | Path,
    base: Settings,
    config_names: Iterable[str] | None,
    out_dir: str | Path,
    *,
    progress: bool = True,
    log: Log | None = None,
) -> EvalRun:
    """Ask every question of ``gold_path`` under each configuration and score the answers (评测)."""
    from tqdm import tqdm

    log = log or (lambda msg: tqdm.write(msg, file=sys.stderr))
    gold_path, out_dir = Path(gold_path), Path(out_dir)
    gold = load_gold(gold_path)
    configs = resolve_configs(config_names)
    if not base.chroma_url and not IndexLayout(base.index_dir).catalog.exists():
        raise EvaluationError(
            f"no index at {base.index_dir}; build it first: policy-assistant ingest <folder> --index {base.index_dir}"
        )
    (out_dir / "predictions").mkdir(parents=True, exist_ok=True)
    started_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    t_run = time.perf_counter()
    base_assistant = Assistant(base)
    opened: list[Any] = [base_assistant]
    if not base_assistant.documents():
        base_assistant.close()
        raise EvaluationError(
            f"index {base.index_dir} holds no documents; ingest first: "
            f"policy-assistant ingest <folder> --index {base.index_dir}"
        )
    base_manifest = _manifest(base_assistant)
    runs: list[ConfigRun] = []
    bar = tqdm(total=len(configs) * len(gold), unit="q", desc="eval", file=sys.stderr, disable=not progress)
    try:
        for config in configs:
            t0 = time.perf_counter()
            prepared = _prepare(config, base, base_assistant, out_dir, log, opened)
            ask = prepared.ask
            bar.set_description(config.name)
            ask(gold[0])  # warm-up: model and tokenizer loading must not count as answer latency
            errors: list[str] = []
            path = out_dir / "predictions" / f"{config.name}.jsonl"
            with path.open("w", encoding="utf-8") as sink:
                for item in gold:
                    try:
                        answer = ask(item)
                    except Exception as exc:  # one broken question must not lose an hour-long run
                        errors.append(f"{item.id}: {type(exc).__name__}: {exc}")
                    else:
                        sink.write(json.dumps(answer, ensure_ascii=False) + "\n")
                    bar.update(1)
            for error in errors:
                log(f"{config.name}: question {error} (scored as missing)")
            # Scored from the file, exactly as `eval score` would read it.
            report = score(gold, load_predictions(path))
            runs.append(
                ConfigRun(
                    config.name,
                    config.description,
                    prepared.settings,
                    str(prepared.index_dir),
                    prepared.manifest,
                    path,
                    report,
                    time.perf_counter() - t0,
                    tuple(errors),
                    prepared.build,
                )
            )
    finally:
        bar.close()
        for index in opened:
            index.close()
    location = base.chroma_url or str(base.index_dir)
    return EvalRun(
        gold_path, tuple(gold), tuple(runs), started_at, time.perf_counter() - t_run, location, base_manifest
    )


def score_file(gold_path: str | Path, predictions: str | Path, name: str | None = None) -> EvalRun:
    """Score another system's answers (JSONL in the batch contract) as a one-row run."""
    gold_path, predictions = Path(gold_path), Path(predictions)
    started_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    t0 = time.perf_counter()
    gold = load_gold(gold_path)
    report = score(gold, load_predictions(predictions))
    row = ConfigRun(
        name or predictions.stem, f"predictions from {predictions.name}", {}, "", None, predictions, report,
        time.perf_counter() - t0,
    )  # fmt: skip
    return EvalRun(gold_path, tuple(gold), (row,), started_at, time.perf_counter() - t0)
