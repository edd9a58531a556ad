"""The generated site, written once per session, and a headless Chromium to open it in.

The site is a small demo-like run: the demo's tryghedsmåling with two helhedsplan areas
per region (all of the almene boliger and the befolkning), three of them renamed to test
names, file names and search (``Lindegården``, ``Bakke & Dal`` and an area whose id is
``Index``, whose page must not take the index's file name), and the whole youth run.
It is served over HTTP on 127.0.0.1 so that every request the pages make is seen.

The browser is the system's Chromium (Debian package ``chromium``; ``SURVEY_KIT_CHROMIUM``
names another), driven by Playwright for Python with that executable (browser downloads are
never needed); axe-core comes from ``tests/browser/node_modules`` (``npm ci`` there, which
``make test`` runs).  When one of them is missing, the tests that need it are skipped with
a message saying what to install.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import shutil
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_site import AXE, CHROMIUM_FLAGS, LABELLED, LIVS, RENAMED, TRYG, Site

from survey_kit.datasets import load_demo
from survey_kit.run.config import parse_config
from survey_kit.run.outputs import write_outputs
from survey_kit.run.pipeline import process, run
from survey_kit.run.progress import Count


def _missing(message: str) -> None:
    """Skip, or fail where the browser tests are required (``SURVEY_KIT_BROWSER_TESTS=
    required``, as in CI)."""
    if os.environ.get("SURVEY_KIT_BROWSER_TESTS") == "required":
        pytest.fail(f"{message} [SURVEY_KIT_BROWSER_TESTS=required]", pytrace=False)
    pytest.skip(message)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: opens the generated site in headless "
                            "Chromium (skipped with a message when Chromium, Playwright or "
                            "axe-core is absent; `make test` installs them where it can)")


def _small_demo() -> tuple[Any, str]:
    """The demo with two helhedsplan areas per region (three of them renamed), and the id
    of a fourth area."""
    demo = load_demo()
    data = demo.tryghed
    focus = data[data["group"] == "helhedsplan"]
    kept = (focus[["area", "region"]].drop_duplicates().sort_values(["region", "area"])
            .groupby("region").head(2)["area"].tolist())
    rename = dict(zip(kept[:len(RENAMED)], RENAMED, strict=True))
    data = data[(data["group"] != "helhedsplan") | data["area"].isin(kept)]
    data = data.assign(area=data["area"].replace(rename))
    margins = demo.area_margins.assign(area=demo.area_margins["area"].replace(rename))
    return dataclasses.replace(demo, tryghed=data.reset_index(drop=True),
                               area_margins=margins), kept[len(RENAMED)]


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The small run's site, served on 127.0.0.1 for the session."""
    root = tmp_path_factory.mktemp("site")
    demo, labelled = _small_demo()
    raw = tomllib.loads(TRYG.read_text(encoding="utf-8"))
    raw["labels"]["area"] = {labelled: LABELLED}
    raw["report"]["date"] = "2024-11-30"
    raw["weighting"]["margins"] = ""  # the demo's margins are of all 66 areas
    cfg = parse_config(raw, TRYG.parent, source=TRYG)
    result = process(cfg, demo=demo)
    out = root / "tryghed"
    out.mkdir()
    counts: list[Count] = []
    write_outputs(result, out, progress=lambda m: counts.append(m)
                  if isinstance(m, Count) else None)
    run(LIVS, out=root / "livs")
    server, url = _serve(root)
    yield Site(root, out / "omraader", root / "livs" / "livsmestring.html", labelled, counts,
               url)
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (the system's) under Playwright, or a skip saying what is absent."""
    executable = os.environ.get("SURVEY_KIT_CHROMIUM") or shutil.which("chromium")
    if not executable:
        _missing("browser tests: no Chromium (install the Debian package `chromium`, or "
                    "set SURVEY_KIT_CHROMIUM to a Chromium executable)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("browser tests: Playwright for Python is not installed "
                    "(pip install -e '.[dev]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, or a skip saying how to install it."""
    if not AXE.is_file():
        _missing(f"axe-core is not installed: run `npm ci` in {AXE.parents[2]} "
                    "(`make test` does)")
    return AXE.read_text(encoding="utf-8")
