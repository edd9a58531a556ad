"""What the browser tests share: where things are, and the written site."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from survey_kit.run.progress import Count

ROOT = Path(__file__).resolve().parents[2]
TRYG = ROOT / "reports" / "tryghedsmaaling.toml"
LIVS = ROOT / "reports" / "livsmestring.toml"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SURVEY_KIT_SCREENSHOTS", ROOT / "reports" / "out" /
                                  "screenshots"))
"""Where the screenshots go for a person to look at (``reports/out`` is not committed)."""
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
RENAMED = ("Index", "Lindegården", "Bakke & Dal")
"""New ids of three areas: file names, escaping and search."""
LABELLED = "Ærøparken Øst"
"""The label (``[labels.area]``) of a fourth area: pages and index show it, not the id."""


@dataclass
class Site:
    """The written site: ``root`` is served; ``areas`` the folder of the area pages and
    their index; ``youth`` the youth page; ``counts`` the progress the run sent."""

    root: Path
    areas: Path
    youth: Path
    labelled: str
    """The id of the area labelled :data:`LABELLED`."""
    counts: list[Count] = field(default_factory=list)
    url: str = ""

    @property
    def index(self) -> Path:
        return self.areas / "index.html"

    def pages(self) -> list[Path]:
        """Every HTML page of the site."""
        return sorted(self.root.rglob("*.html"))

    def address(self, path: Path) -> str:
        return f"{self.url}/{path.relative_to(self.root).as_posix()}"
