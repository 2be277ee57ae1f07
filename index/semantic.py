"""Semantic rerank: a small sentence encoder bridges words the user and the passage do not share.

"get rid of" / "delete", "make it faster" / "speed up": BM25F cannot see that these mean the
same, a sentence encoder (all-MiniLM-L6-v2, int8 ONNX, made by scripts/export_encoder.py from
a PyPI package) can. The build embeds every passage once (`vectors.npz` in the index folder);
a query is embedded once and each lexical candidate is rescored by the fusion below: its
lexical score, its share of the query covered and its cosine similarity to the passage and to
its heading alone (an FAQ question says in a few words what a long answer may not), weighed by
index/data/fusion.json (scripts/fit_fusion.py fits it on the tuning half). The encoder reads
128 tokens: a longer passage is also embedded in overlapping windows, and its similarity is
that of its closest window (as MaxP rerankers do), so what its end says counts too.

It is a setting: it needs onnxruntime, numpy and tokenizers (requirements-semantic.txt) and
the encoder folder. Without them, or with an index built without vectors, the ranking is the
lexical one. Nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import threading
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

VECTORS_FILE = "vectors.npz"
# The encoder folder: SEARCH_ENCODER overrides; "off" turns the semantic rerank off.
DEFAULT_ENCODER = Path(__file__).resolve().parent.parent / "models" / "minilm-l6-int8"
ENCODER_ENV = "SEARCH_ENCODER"
# The fusion's weights, one per feature of fusion_features (scripts/fit_fusion.py writes them).
FUSION_FILE = Path(__file__).resolve().parent / "data" / "fusion.json"
# How sharply the peak features single out the closest passages: exp(SHARPNESS * (cosine - 1)).
SHARPNESS = 8.0
FUSION_FEATURES = ("lexical", "passage", "passage_peak", "heading_peak", "coverage")
# A passage longer than this many words is embedded in windows this long, this far apart.
WINDOW_WORDS = 70
WINDOW_STRIDE = 50
# The arrays of vectors.npz the rerank reads (and "ids").
VECTOR_ARRAYS = frozenset(("vectors", "headings", "windows", "window_start"))
BATCH = 32


def encoder_dir() -> Path | None:
    """Return the encoder folder the settings name, or None when the rerank is off."""
    setting = os.environ.get(ENCODER_ENV, "")
    if setting.lower() in ("off", "0", "none", "false"):
        return None
    folder = Path(setting) if setting else DEFAULT_ENCODER
    return folder if (folder / "model.onnx").is_file() else None


def model_digest(path: Path) -> str:
    """Return the SHA-256 of a model file (recorded by the export, checked against the index)."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Encoder:
    """The ONNX sentence encoder: text in, unit-length vectors out (mean pooling)."""

    def __init__(self, folder: Path):
        import numpy as np
        import onnxruntime
        from tokenizers import Tokenizer

        self.np = np
        config = json.loads((folder / "encoder.json").read_text())
        # The export records the model's digest: hashing 23 MB on every cold start would cost more.
        self.fingerprint = config.get("sha256") or model_digest(folder / "model.onnx")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config.get("max_tokens", 128)))
        self.tokenizer.no_padding()  # the batch is padded here, to its longest text
        options = onnxruntime.SessionOptions()
        # One request is one short query: threads would only contend with the server's own.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> Any:
        """Return an array of unit vectors, one row per text."""
        np = self.np
        rows = []
        for start in range(0, len(texts), BATCH):
            batch = self.tokenizer.encode_batch(texts[start : start + BATCH])
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for i, e in enumerate(batch):
                ids[i, : len(e.ids)] = e.ids
                mask[i, : len(e.ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            (hidden,) = self.session.run(None, feed)
            summed = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(1), 1)[:, None]
            rows.append(summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-9))
        return np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, 384), np.float32)


_ENCODERS: dict[Path, Encoder] = {}
_LOCK = threading.Lock()


def build_vectors(documents: list[dict], folder: Path) -> dict | None:
    """Embed the passages when the settings name an encoder; return the manifest entry."""
    encoder = load_encoder()
    return write_vectors(documents, folder, encoder) if encoder is not None else None


def load_encoder(folder: Path | None = None) -> Encoder | None:
    """Return the encoder for folder (default: the settings'), or None when unavailable."""
    folder = folder or encoder_dir()
    if folder is None:
        return None
    with _LOCK:
        found = _ENCODERS.get(folder)
        if found is None:
            try:
                found = Encoder(folder)
            except ImportError:
                return None
            _ENCODERS[folder] = found
    return found


def passage_text(fields: dict) -> str:
    """Return what is embedded for a passage: its article's title, its heading and its text."""
    return f"{fields['title']}. {fields['section']}. {fields['body']}"


def heading_text(fields: dict) -> str:
    """Return what is embedded for a passage's heading: its article's title and its heading."""
    return f"{fields['title']}. {fields['section']}"


def passage_windows(fields: dict) -> list[str]:
    """Return what is embedded of a long passage's text in windows, each with title and heading.

    A passage of up to WINDOW_WORDS words has none: its whole text is embedded already.
    """
    words = fields["body"].split()
    if len(words) <= WINDOW_WORDS:
        return []
    starts = list(range(0, len(words) - WINDOW_WORDS + 1, WINDOW_STRIDE))
    if starts[-1] + WINDOW_WORDS < len(words):
        starts.append(len(words) - WINDOW_WORDS)  # the last window ends with the text
    return [f"{heading_text(fields)}. {' '.join(words[s : s + WINDOW_WORDS])}" for s in starts]


def write_vectors(documents: list[dict], folder: Path, encoder: Encoder) -> dict:
    """Embed every passage, its heading and its windows into folder/vectors.npz; return the
    manifest entry."""
    np = encoder.np
    vectors = encoder.encode([passage_text(d) for d in documents]).astype(np.float16)
    headings = encoder.encode([heading_text(d) for d in documents]).astype(np.float16)
    windows = [passage_windows(d) for d in documents]
    # Passage i's windows are rows window_start[i] to window_start[i + 1] of `windows`.
    window_start = np.cumsum([0] + [len(w) for w in windows]).astype(np.int64)
    flat = [text for texts in windows for text in texts]
    window_vectors = encoder.encode(flat).astype(np.float16)
    ids = np.array([d["id"] for d in documents])
    np.savez(
        folder / VECTORS_FILE,
        vectors=vectors,
        headings=headings,
        windows=window_vectors,
        window_start=window_start,
        ids=ids,
    )
    return {"encoder": encoder.fingerprint, "dimensions": int(vectors.shape[1])}


@dataclass(frozen=True)
class Similarities:
    """The query's cosine similarity to each candidate passage (its closest window, when long)
    and to its heading alone."""

    passage: list[float]
    heading: list[float]


class PassageVectors:
    """An index's passage, heading and window vectors with the encoder that made them."""

    def __init__(self, data: dict[str, Any], ids: list[str], encoder: Encoder):
        np = encoder.np
        self.vectors = data["vectors"].astype(np.float32)
        # Headings and windows stay float16 (half the memory): only candidates are widened.
        self.headings, self.windows = data["headings"], data["windows"]
        self.window_start = data["window_start"]
        self.encoder = encoder
        self.rows = {passage_id: row for row, passage_id in enumerate(ids)}

    def _closest_window(self, rows: list[int], q: Any, passage: Any) -> Any:
        """Return each passage's similarity raised to that of its closest window."""
        np = self.encoder.np
        starts = self.window_start[rows]
        counts = self.window_start[np.asarray(rows) + 1] - starts
        windowed = np.flatnonzero(counts)
        if not len(windowed):
            return passage
        picked = np.concatenate([np.arange(starts[i], starts[i] + counts[i]) for i in windowed])
        found = self.windows[picked].astype(q.dtype) @ q
        offsets = np.concatenate(([0], np.cumsum(counts[windowed])[:-1]))
        passage[windowed] = np.maximum(passage[windowed], np.maximum.reduceat(found, offsets))
        return passage

    def similarities(self, query: str, passage_ids: list[str]) -> Similarities:
        """Return the query's similarities to each passage and heading (0 for one not embedded)."""
        q = self.encoder.encode([query])[0]
        try:
            # One look-up for all: a deep page holds hundreds of candidates.
            rows = list(itemgetter(*passage_ids)(self.rows)) if len(passage_ids) > 1 else None
            missing = None
        except KeyError:
            rows = None
        if rows is None:
            found = [self.rows.get(i, -1) for i in passage_ids]
            rows, missing = [max(r, 0) for r in found], [r < 0 for r in found]
        passage = self._closest_window(rows, q, self.vectors[rows] @ q).tolist()
        heading = (self.headings[rows].astype(q.dtype) @ q).tolist()
        if missing is not None:
            passage = [0.0 if m else v for v, m in zip(passage, missing, strict=True)]
            heading = [0.0 if m else v for v, m in zip(heading, missing, strict=True)]
        return Similarities(passage, heading)


def passage_vectors(index: Any) -> PassageVectors | None:
    """Return the index's passage vectors when the semantic rerank can run on it, else None."""
    return index.derived("passage_vectors", lambda: (_read_vectors(index),))[0]


def _read_vectors(index: Any) -> PassageVectors | None:
    entry, handle = index.manifest.get("semantic"), index.vectors_file
    if not entry or handle is None:
        return None
    encoder = load_encoder()
    if encoder is None or encoder.fingerprint != entry.get("encoder"):
        return None
    # From the file the index opened, not its path: a later build may have pruned the folder.
    handle.seek(0)
    with encoder.np.load(handle) as data:
        if not VECTOR_ARRAYS <= set(data.files):  # built before headings and windows were embedded
            return None
        arrays = {name: data[name] for name in VECTOR_ARRAYS}
        return PassageVectors(arrays, [str(i) for i in data["ids"]], encoder)


def fusion_features(
    scores: list[float], coverages: list[float], found: Similarities
) -> list[tuple[float, ...]]:
    """Return each candidate's fusion features, in the order FUSION_FEATURES names them.

    The lexical score counts relative to the best candidate's; a peak feature grows steeply
    near a cosine of 1, so that only a close passage or heading gains much from it.
    """
    best = max(scores, default=0.0) or 1.0
    return [
        (s / best, p, math.exp(SHARPNESS * (p - 1)), math.exp(SHARPNESS * (h - 1)), c)
        for s, c, p, h in zip(scores, coverages, found.passage, found.heading, strict=True)
    ]


@functools.cache
def fusion_weights() -> tuple[float, ...]:
    """Return the fitted weight of each fusion feature (index/data/fusion.json)."""
    weights = json.loads(FUSION_FILE.read_text())["weights"]
    return tuple(float(weights[name]) for name in FUSION_FEATURES)


def fuse(scores: list[float], coverages: list[float], found: Similarities) -> list[float]:
    """Return each candidate's fused score: its features weighed by the fitted weights."""
    weights = fusion_weights()
    return [
        sum(w * x for w, x in zip(weights, features, strict=True))
        for features in fusion_features(scores, coverages, found)
    ]
