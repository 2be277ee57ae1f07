"""How long the voice answers take to say: every question family asked through /voice/alexa,
the reply's speech synthesised with espeak-ng and its WAV length measured.

Run: python -m bench.voice_length [--rate 160] [--notice "…"]
Example: python -m bench.voice_length --rate 150   # a slower voice than Alexa's
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
# (intent Alexa picks, the slot value it sends): one or more per question family.
QUESTIONS = [
    ("CauseIntent", "restless legs"),
    ("CauseIntent", "restless legs during pregnancy"),
    ("ReasonsIntent", "restless legs"),
    ("RiskIntent", "restless legs"),
    ("WhoIntent", "gets restless legs"),
    ("TreatmentIntent", "restless legs"),
    ("HowIntent", "do I treat restless legs"),
    ("DefinitionIntent", "restless leg syndrome"),
    ("YesNoQuestionIntent", "restless leg syndrome genetic"),
    ("CanIntent", "medications cause restless legs"),
    ("WhyIntent", "do I have restless legs"),
    ("SearchIntent", "iron deficiency"),
    ("SearchIntent", "peripheral neuropathy"),
]


def seconds_spoken(text: str, rate: int, work: Path) -> float:
    """Return how long espeak-ng takes to say text at rate words a minute."""
    out = work / "speech.wav"
    subprocess.run(["espeak-ng", "-s", str(rate), "-w", str(out), text], check=True)
    with wave.open(str(out)) as audio:
        return audio.getnframes() / audio.getframerate()


def spoken_text(ssml: str) -> str:
    """Return the words of an SSML document."""
    return " ".join(" ".join(ElementTree.fromstring(ssml).itertext()).split())


def ask(client, intent: str, value: str) -> str:
    """Return what the skill says to a one-shot question."""
    body = {
        "version": "1.0",
        "session": {"new": True, "sessionId": "bench", "application": {"applicationId": "b"}},
        "request": {
            "type": "IntentRequest",
            "requestId": "bench",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": "en-US",
            "intent": {"name": intent, "slots": {"query": {"name": "query", "value": value}}},
        },
    }
    response = client.post("/voice/alexa", data=json.dumps(body), content_type="application/json")
    return spoken_text(response.get_json()["response"]["outputSpeech"]["ssml"])


def main(argv: list[str] | None = None) -> int:
    """Print each answer's words, characters and seconds, and the longest."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rate", type=int, default=165, help="words a minute (Alexa speaks about 165; e.g. 150)"
    )
    parser.add_argument(
        "--notice", default="", help='the site notice, e.g. "Not medical advice." (default none)'
    )
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed: apt-get install -y espeak-ng", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from index.build import build_index
    from service.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        build_index(ROOT / "content", work / "index")
        app = create_app(
            {
                "SEARCH_INDEX_DIR": str(work / "index"),
                "ALEXA_VERIFY_SIGNATURES": False,
                "VOICE_NOTICE": args.notice,
            }
        )
        client = app.test_client()
        longest = 0.0
        print(f"espeak-ng at {args.rate} words a minute")
        print(f"{'intent':20} {'slot value':32} {'words':>5} {'chars':>5} {'seconds':>7}")
        for intent, value in QUESTIONS:
            text = ask(client, intent, value)
            seconds = seconds_spoken(text, args.rate, work)
            longest = max(longest, seconds)
            print(f"{intent:20} {value:32} {len(text.split()):5d} {len(text):5d} {seconds:7.1f}")
        print(f"longest: {longest:.1f} s (the budget is about 15 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
