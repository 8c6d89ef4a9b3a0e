"""Paths and defaults shared by every stage."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

ANNOTATIONS_DIR = Path(os.environ.get("STANCE_ANNOTATIONS", REPO_DIR / "annotations"))
EVENTS_DIR = ANNOTATIONS_DIR / "events"
SEEDS_DIR = REPO_DIR / "seeds"
SEED_ARTICLE = SEEDS_DIR / "2024-11-20-kyiv-embassies.fr.txt"

MODELS_DIR = Path(os.environ.get("STANCE_MODELS", REPO_DIR / "models"))
DEFAULT_MODEL = MODELS_DIR / "stance.joblib"
REPORTS_DIR = REPO_DIR / "reports"
# Derived files that are cheaper to load than to build again (the country-name automaton).
CACHE_DIR = Path(os.environ.get("STANCE_CACHE", REPO_DIR / ".cache"))
