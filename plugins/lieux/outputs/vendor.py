"""The npm assets (Leaflet, supercluster…) copied under the theme's static folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..core.config import Config


class MissingAssets(FileNotFoundError):
    """npm packages are not installed: the message says what to run."""


def copy_vendor_assets(config: Config, static_dir: Path) -> None:
    for target, source, patterns in config.vendor_assets:
        folder = config.node_modules / source
        if not folder.is_dir():
            raise MissingAssets(f"{folder} manque : les bibliothèques JavaScript ne sont pas installées "
                                "(lancez « make build », qui exécute « npm ci »)")
        for pattern in patterns:
            for file in sorted(folder.glob(pattern)):
                dest = static_dir / target / file.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, dest)
