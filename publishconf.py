"""Pelican settings for production: ``invoke publish`` and the Pages workflow."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# GitHub Pages serves a project site under https://<owner>.github.io/<repo>.
SITEURL = os.environ.get("SITEURL", "")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
