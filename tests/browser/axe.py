"""axe-core (from the npm registry, pinned in package.json; ``make test`` runs ``npm ci``) run in
a Playwright page. The script is added as an init script, through the DevTools protocol, so a
Content-Security-Policy that forbids inline scripts does not stop it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
# Everything axe checks for WCAG 2.0/2.1 A and AA, and its best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_source() -> str:
    assert AXE_JS.exists(), (
        f"{AXE_JS} is missing: run `npm ci --no-audit --no-fund` (make test does it)"
    )
    return AXE_JS.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    html: str

    def __str__(self) -> str:
        where = ", ".join(self.targets[:4]) + (" …" if len(self.targets) > 4 else "")
        return (
            f"{self.page}: {self.rule} ({self.impact}) – {self.help}\n    {where}\n    {self.html}"
        )


def axe_run(page, label: str) -> list[Violation]:
    """All of axe's violations on the page as it is now, one per rule."""
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
                html: v.nodes[0] ? v.nodes[0].html.slice(0, 200) : "",
            }));
        }""",
        TAGS,
    )
    return [
        Violation(label, v["id"], v["impact"] or "", v["help"], tuple(v["targets"]), v["html"])
        for v in result
    ]


def failing(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in FAILING]
