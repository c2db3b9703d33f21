"""How fast « Trouver de l'aide pour mon projet » answers: from a change to the updated list, in Chromium.

    PYTHONPATH=plugins .venv/bin/python -m lieux.tools.benchhelp output/            # a built site
    PYTHONPATH=plugins .venv/bin/python -m lieux.tools.benchhelp --synthetic 10000  # builds one first

Each change is made inside the page (a need ticked or unticked, a commune chosen) and timed
with ``performance.now()`` until the results are redrawn (``update``), then until the next
frame (``frame``): the list as the reader sees it. The goal is 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

GOAL_MS = 100.0

# One change, timed in the page: ``change`` runs it; the results carry a new data-version when redrawn.
TIMED = """async ([kind, value]) => {
  const results = document.getElementById('aide-resultats');
  const before = results.getAttribute('data-version');
  const start = performance.now();
  if (kind === 'need') {
    document.querySelector('input[name=besoin][value="' + value + '"]').click();
  } else {
    const where = document.getElementById('aide-pres');
    where.value = value;
    where.dispatchEvent(new Event('change', {bubbles: true}));
  }
  await new Promise(done => {
    const check = () => results.getAttribute('data-version') !== before ? done() : requestAnimationFrame(check);
    check();
  });
  const update = performance.now() - start;
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return {update: update, frame: performance.now() - start,
          results: document.querySelectorAll('#aide-liste > li').length,
          count: document.getElementById('aide-compte').textContent};
}"""


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else float("nan")


def bench_help(site_dir: str | Path, runs: int = 5) -> dict[str, Any]:
    """Median milliseconds from a change of needs (or of position) to the updated list, on ``site_dir``."""
    import json

    from .browser import CHROMIUM, TILES_UNREACHABLE, chromium, serve

    if CHROMIUM is None:
        raise RuntimeError("Chromium n'est pas installé : la mesure se fait dans un vrai navigateur")
    data = json.loads((Path(site_dir) / "aide" / "aide.json").read_text(encoding="utf-8"))
    # The two most offered needs: the largest lists to rank; and two communes to move between.
    sizes = sorted(((sum(i in h[data["fields"].index("codes")] for h in data["helpers"]), c["code"])
                    for i, c in enumerate(data["codes"])), reverse=True)
    first, second = sizes[0][1], sizes[1][1]
    communes = list(data["communes"])[:2]
    needs: dict[str, list[float]] = {"update": [], "frame": []}
    position: dict[str, list[float]] = {"update": [], "frame": []}
    listed = 0
    with serve(site_dir) as url, chromium(TILES_UNREACHABLE) as browser:
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url + "/aide/")
            page.wait_for_selector("#aide-formulaire[data-ready]", timeout=120_000)
            # needs: on, on, off, off: from no list, to the largest lists, and back
            for code in (first, second, first, second):
                timed = page.evaluate(TIMED, ["need", code])
                needs["update"].append(timed["update"])
                needs["frame"].append(timed["frame"])
            page.evaluate(TIMED, ["need", first])
            for commune in communes + communes:
                timed = page.evaluate(TIMED, ["place", commune])
                position["update"].append(timed["update"])
                position["frame"].append(timed["frame"])
                listed = timed["results"]
            page.wait_for_load_state("networkidle")  # no response cut short when the page closes
            page.close()
    return {
        "helpers": len(data["helpers"]), "runs": runs, "needs": [first, second], "communes": communes,
        "needs_update_ms": _median(needs["update"]), "needs_frame_ms": _median(needs["frame"]),
        "position_update_ms": _median(position["update"]), "position_frame_ms": _median(position["frame"]),
        "listed": listed, "goal_ms": GOAL_MS,
    }


def build_synthetic(count: int, folder: Path) -> Path:
    """A site of ``count`` synthetic places (tools/bench.py), built with ``invoke build`` into ``folder``/output."""
    from ..core.config import Config
    from .bench import ROOT, synthetic_places
    from .cget import write_rows

    config = Config.from_settings({"PATH": str(ROOT / "content")})
    schema, rows = synthetic_places(config, count)
    folder.mkdir(parents=True, exist_ok=True)
    places, out = folder / "places.csv", folder / "output"
    write_rows(places, rows, schema)
    subprocess.run([sys.executable, "-m", "invoke", "build", "--places", str(places), "--output", str(out)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", help="un site construit (dossier output)")
    parser.add_argument("--synthetic", type=int, help="construire d'abord un site de N lieux synthétiques")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.site and not args.synthetic:
        parser.error("donnez un site construit ou --synthetic N")
    with tempfile.TemporaryDirectory(prefix="bench-aide-") as tmp:
        site = Path(args.site) if args.site else build_synthetic(args.synthetic, Path(tmp))
        result = bench_help(site, args.runs)
    print(f"{result['helpers']} lieux et partenaires qui aident, {result['runs']} chargements de la page")
    print(f"besoins ({', '.join(result['needs'])}) : liste à jour en {result['needs_update_ms']} ms, "
          f"affichée en {result['needs_frame_ms']} ms (médianes)")
    print(f"position ({', '.join(result['communes'])}) : liste à jour en {result['position_update_ms']} ms, "
          f"affichée en {result['position_frame_ms']} ms (médianes)")
    worst = max(result["needs_frame_ms"], result["position_frame_ms"])
    print(f"objectif {GOAL_MS:.0f} ms : {'tenu' if worst <= GOAL_MS else 'dépassé'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
