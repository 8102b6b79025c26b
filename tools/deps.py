# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Print the dependencies declared in pyproject.toml, one per line (``--dev`` adds the dev extras).

pyproject.toml is the single list of Python packages; the Makefile installs from it.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
deps = list(project["dependencies"])
if "--dev" in sys.argv:
    deps += project["optional-dependencies"]["dev"]
print("\n".join(deps))
