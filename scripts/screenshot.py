#!/usr/bin/env python3
"""Take the screenshots in docs/search-box.md of the search page in headless Chromium (Playwright).

Builds an index of content/ in a temporary folder, serves the app on 127.0.0.1 in this
process, and saves a desktop view of a results page and a phone view with suggestions open.
Needs the dev requirements and Debian's chromium (apt-get install chromium).

Example:
    .venv/bin/python scripts/screenshot.py --out docs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from index.build import build_index  # noqa: E402
from service.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Serve the app, open the page at desktop and phone width, save two PNGs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs",
                        help="folder for screenshot.png and screenshot-phone.png "
                        "(default: docs/)")  # fmt: skip
    parser.add_argument("--chromium", default="/usr/bin/chromium",
                        help="the browser binary (default: %(default)s)")  # fmt: skip
    parser.add_argument("--query", default="reason for restless leg syndrome",
                        help="query of the results page (default: %(default)r)")  # fmt: skip
    args = parser.parse_args(argv)
    if not Path(args.chromium).is_file():
        parser.error(f"{args.chromium} not found; install it with: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_index(ROOT / "content", Path(tmp))
        server = make_server("127.0.0.1", 0, create_app({"SEARCH_INDEX_DIR": tmp}), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
                desktop = browser.new_page(viewport={"width": 1100, "height": 900})
                desktop.goto(f"{base}/?q={args.query.replace(' ', '+')}")
                desktop.screenshot(path=args.out / "screenshot.png")
                phone = browser.new_page(
                    viewport={"width": 390, "height": 760}, device_scale_factor=2, is_mobile=True
                )
                phone.goto(f"{base}/?q=iron+deficiency")
                box = phone.get_by_role("combobox")
                box.fill("")
                box.press_sequentially("restless leg syn", delay=30)
                expect(phone.get_by_role("option").first).to_be_visible()
                box.press("ArrowDown")
                phone.screenshot(path=args.out / "screenshot-phone.png")
                browser.close()
        finally:
            server.shutdown()
    print(f"saved {args.out / 'screenshot.png'} and {args.out / 'screenshot-phone.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
