#!/usr/bin/env python3
"""Screenshots of the portal as its users see it, for the README: re-run them against a running `make run`.

    make run                                   # in one terminal (PORT=8000 unless told otherwise)
    .venv/bin/python scripts/screenshots.py    # in another: writes docs/screenshots/*.png
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8131 --only home phone-delegation

Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright, as the browser tests do); nothing is downloaded.
Signed-in shots use the demo accounts `make run` prints. Each shot is one screen (not the whole page), so the PNGs
stay small. Add a page by adding a Shot to SHOTS.
"""

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEMO_PASSWORD = "compact-demo-2017"  # noqa: S105 - the demo accounts' published password (DEBUG only)
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    name: str  # the file's name, without .png
    path: str  # the page, e.g. /en/sessions/gcm-its-6/
    viewport: dict
    user: str = ""  # a demo account to sign in as, or anonymous
    anchor: str = ""  # a CSS selector to scroll to the top of the screen, if any


SHOTS = [
    Shot("home", "/en/", DESKTOP),
    Shot("session", "/en/sessions/gcm-its-6/", DESKTOP),
    Shot("phone-session", "/en/sessions/gcm-its-6/", PHONE, anchor="#take-part-heading"),
    Shot("phone-delegation", "/en/delegation/", PHONE, user="delegate.mex@example.org"),
    Shot("desk-secretariat", "/admin/", DESKTOP, user="secretariat@example.org"),
    Shot("desk-cofacilitator", "/admin/", DESKTOP, user="cofacilitator@example.org"),
    Shot(
        "participants",
        "/admin/registrations/generateddocument/participants/gcm-its-6/",
        DESKTOP,
        user="secretariat@example.org",
    ),
]


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/en/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.click('main form button[type="submit"]')
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"Could not sign in as {email}: is the demo loaded (make run)?")


def take(shots: list[Shot], *, base_url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = {}
        for shot in shots:
            key = (shot.user, shot.viewport["width"])
            if key not in contexts:
                context = browser.new_context(viewport=shot.viewport, device_scale_factor=1)
                page = context.new_page()
                if shot.user:
                    sign_in(page, base_url, shot.user)
                contexts[key] = page
            page = contexts[key]
            page.goto(f"{base_url}{shot.path}")
            page.wait_for_load_state("networkidle")
            if shot.anchor:
                page.evaluate("selector => document.querySelector(selector).scrollIntoView()", shot.anchor)
            path = out / f"{shot.name}.png"
            page.screenshot(path=str(path))
            written.append(path)
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {shot.path}")
        browser.close()
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_url = os.environ.get("PORTAL_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
    parser.add_argument("--base-url", default=default_url, help=f"the running portal (default {default_url})")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="names of the shots to take (default: all)")
    args = parser.parse_args(argv)
    shots = [shot for shot in SHOTS if not args.only or shot.name in args.only]
    if not shots:
        parser.error(f"no such shot; known: {', '.join(shot.name for shot in SHOTS)}")
    take(shots, base_url=args.base_url.rstrip("/"), out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
