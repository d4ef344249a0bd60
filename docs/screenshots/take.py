"""Take the README's screenshots from the demo: the patient's dashboard, the caseload and the
patient overview, at 1280 px, in English.

    .venv/bin/python docs/screenshots/take.py      (or: make screenshots)

Starts the platform on a throw-away SQLite database with the demo data, on a free port of
127.0.0.1, signs in as the demo patient and the demo GP with Chromium (Debian's ``chromium``),
writes ``docs/screenshots/*.png`` and stops the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo's own (accounts/management/commands/seed_demo.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - 127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "DEMO_MODE": "1", "VAR_DIR": var, "SITE_URL": base}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        python = sys.executable
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env={**env, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"},
        )
        try:
            wait_for(f"{base}/healthz")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"))
                for email, shots in (
                    ("patient@example.org", [("/me/", "patient-dashboard")]),
                    (
                        "gp@example.org",
                        [("/clinic/", "caseload"), ("overview", "patient-overview")],
                    ),
                ):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(f"{base}/accounts/login/")
                    page.fill("input[name=username]", email)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("form [type=submit]")
                    page.wait_for_load_state("networkidle")
                    for path, name in shots:
                        if path == "overview":
                            page.goto(f"{base}/clinic/")
                            page.locator("a[href^='/clinic/patients/']").first.click()
                        else:
                            page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                        page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                        print(f"wrote docs/screenshots/{name}.png")
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
