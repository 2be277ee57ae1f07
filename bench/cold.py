"""Cold start of the real Lambda artifact against a hello-world Flask artifact, and their sizes.

Both zips come from the project's own packaging (ops/package.py: `zappa package` offline with
the dev stage's settings, the layer's packages left out, byte-compiled): ours from the bundled
content, the reference from a one-route Flask app staged alone with the same settings but
`app_function` pointing at it. Both run with the same layer (cryptography, ops/layer.py) mounted
as Lambda mounts it. Each cold start is a fresh clean interpreter on the unpacked, read-only zip
and layer (ops/artifact.py, as the artifact test runs them) that imports Zappa's handler and
answers one REST API /answer event; ours and the reference alternate so machine noise falls on
both.
"""

from __future__ import annotations

import json
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = "dev"
EVENT = "rest-v1-get-answer"
HELLO_APP = '''"""Hello world: the smallest Flask app, the reference for cold starts."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def hello(path):
    return jsonify({"hello": "world"})
'''


def build_hello(work: Path, venv: Path) -> Path:
    """Package the hello-world app with the dev stage's Zappa settings; return the zip."""
    from ops.checks import distribution_top_levels
    from ops.layer import excluding_layer, layer_top_levels
    from ops.package import rebuild_zip, run_zappa_package
    from ops.settings import stage_settings

    project = work / "hello-project"
    project.mkdir(parents=True)
    (project / "hello.py").write_text(HELLO_APP)
    # Left out of the zip as for ours: the layer carries them.
    tops = set().union(*layer_top_levels(distribution_top_levels(venv)).values())
    settings = {**excluding_layer(stage_settings(STAGE), tops), "app_function": "hello.app"}
    (project / "zappa_settings.json").write_text(json.dumps({STAGE: settings}, indent=1))
    raw, out = work / "hello-raw.zip", work / "hello.zip"
    region = settings.get("aws_region", "us-east-1")
    run_zappa_package(STAGE, project, raw, venv, work / "hello-private", region)
    rebuild_zip(raw, out, STAGE, "hello", True)
    return out


def _sizes(zip_path: Path, prefix: str = "") -> dict:
    import zipfile

    with zipfile.ZipFile(zip_path) as archive:
        unzipped = sum(i.file_size for i in archive.infolist())
    return {
        f"{prefix}zip_mb": round(zip_path.stat().st_size / 2**20, 2),
        f"{prefix}unzipped_mb": round(unzipped / 2**20, 2),
    }


# What the semantic rerank adds to Lambda: the pins requirements-semantic.txt adds to the runtime's
# (packaging, already in the function zip, is left out). Built as a second layer the way
# ops/package.py builds the cryptography one, from this venv's wheels; the models folder goes
# into the function zip, where index/semantic.py looks for it by default.
SEMANTIC_REQUIREMENTS = ROOT / "requirements-semantic.txt"


def encoder_layer(out: Path) -> Path:
    """Write a layer zip of the encoder's packages from this interpreter's venv; return it."""
    import sys
    import tempfile

    from ops.checks import distribution_top_levels
    from ops.layer import stage_layer
    from ops.package import compile_tree, write_zip
    from ops.venvs import RUNTIME_REQUIREMENTS, read_pins, site_packages

    venv = Path(sys.prefix)
    dists = distribution_top_levels(venv)
    added = read_pins(SEMANTIC_REQUIREMENTS).keys() - read_pins(RUNTIME_REQUIREMENTS).keys()
    tops = set().union(*(dists[name] for name in added))
    with tempfile.TemporaryDirectory(prefix="encoder-layer-") as tmp:
        tree = Path(tmp) / "layer"
        stage_layer(site_packages(venv), tops, tree)
        compile_tree(tree, prefix="/opt")
        write_zip(tree, out)
    return out


def with_models(function_zip: Path, out: Path) -> Path:
    """Copy the function zip with models/ added (the encoder's weights and tokenizer)."""
    import zipfile

    with (
        zipfile.ZipFile(function_zip) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        names = set(src.namelist())
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for path in sorted((ROOT / "models").rglob("*")):
            name = path.relative_to(ROOT).as_posix()
            if path.is_file() and name not in names:
                dst.write(path, name)
    return out


def merged(zips: list[Path], out: Path) -> Path:
    """Write one zip of several layers' files: Lambda mounts all of a function's layers in /opt."""
    import zipfile

    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for path in zips:
            with zipfile.ZipFile(path) as src:
                for info in src.infolist():
                    dst.writestr(info, src.read(info.filename))
    return out


def run(workdir: Path, say: Callable[[str], None], runs: int = 7, encoder: bool = False) -> dict:
    """Build both zips, time runs cold starts of each; return medians and sizes.

    With encoder, ours carries the semantic rerank (models in the zip, its packages in a
    second layer) and both artifacts run with both layers mounted.
    """
    from index.build import build_index
    from ops.artifact import invoke, load_event, unpack, unpack_layer
    from ops.offline import make_writable
    from ops.package import build_package
    from ops.venvs import ensure_deploy_venv, ensure_lambda_runtime

    work = workdir / "cold"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    say("cold: packaging venv and Lambda runtime stand-in (first run installs Zappa)")
    venv = ensure_deploy_venv()
    runtime = ensure_lambda_runtime(venv=venv)
    say("cold: building the bundled index and packaging it as the dev stage")
    index = work / "index"
    build_index(ROOT / "content", index)
    zips = {"ours": work / "ours.zip", "hello": None}
    layer = build_package(STAGE, index, zips["ours"], venv=venv).layer.path
    layers = [layer]
    if encoder:
        say("cold: the encoder's layer and the models folder in the function zip")
        zips["ours"] = with_models(zips["ours"], work / "ours-semantic.zip")
        layers.append(encoder_layer(work / "encoder-layer.zip"))
    say("cold: packaging the hello-world Flask app with the same settings")
    zips["hello"] = build_hello(work, venv)
    event = [("first", load_event(EVENT))]
    tasks = {name: unpack(path, work / f"task-{name}") for name, path in zips.items()}
    mounted = merged(layers, work / "layers.zip") if encoder else layer
    layer_dir = unpack_layer(mounted, work / "opt")
    samples: dict[str, dict[str, list[float]]] = {n: {} for n in zips}
    statuses: dict[str, set[int]] = {n: set() for n in zips}
    try:
        say(f"cold: {runs} fresh processes of each, alternating")
        for _ in range(runs):
            for name, task in tasks.items():
                done = invoke(task, runtime, event, layer_dir=layer_dir)
                statuses[name].add(done.responses["first"]["statusCode"])
                for key in ("import_ms", "first_event_ms", "cold_ms"):
                    samples[name].setdefault(key, []).append(done.timings[key])
                samples[name].setdefault("process_ms", []).append(done.wall_ms)
    finally:
        for folder in (*tasks.values(), layer_dir.parent):
            make_writable(folder)
    out: dict = {"runs": runs, "event": EVENT}
    for name, path in zips.items():
        out[name] = {k: round(statistics.median(v), 1) for k, v in samples[name].items()}
        out[name].update(_sizes(path))
        out[name].update(_sizes(layer, "layer_"))
        if encoder:
            out[name].update(_sizes(layers[1], "encoder_layer_"))
        # Hello-world is measured with the same layers but ships only its own zip and cryptography.
        extra = out[name].get("encoder_layer_zip_mb", 0) if name == "ours" else 0
        out[name]["total_zip_mb"] = round(
            out[name]["zip_mb"] + out[name]["layer_zip_mb"] + extra, 2
        )
        out[name]["statuses"] = sorted(statuses[name])
    return out


COLD_KEYS = ("import_ms", "first_event_ms", "cold_ms")


def measure_zips(zips: list[Path], runtime: Path, runs: int) -> list[dict[str, float]]:
    """Return, for each built package, the median timings of runs fresh cold starts.

    Each package's layer (ZIP's name + -layer.zip) is mounted as Lambda's /opt/python when it
    exists; the packages take turns, so machine noise falls on all of them alike.
    """
    import tempfile

    from ops.artifact import invoke, load_event, unpack, unpack_layer
    from ops.layer import layer_path_for
    from ops.offline import make_writable

    event = [("answer", load_event(EVENT))]
    samples = [{k: [] for k in (*COLD_KEYS, "wall_ms")} for _ in zips]
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        mounted = []
        for number, zip_path in enumerate(zips):
            layer = layer_path_for(zip_path)
            task = unpack(zip_path, Path(tmp) / f"task-{number}")
            opt = unpack_layer(layer, Path(tmp) / f"opt-{number}") if layer.is_file() else None
            mounted.append((task, opt))
        try:
            for _ in range(runs):
                for (task, opt), into in zip(mounted, samples, strict=True):
                    result = invoke(task, runtime, event, layer_dir=opt)
                    for key in COLD_KEYS:
                        into[key].append(result.timings[key])
                    into["wall_ms"].append(result.wall_ms)
        finally:
            make_writable(Path(tmp))
    return [{k: statistics.median(v) for k, v in got.items()} for got in samples]
