# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question-bank screens: the browser's table model, the question dialog, the import wizard."""

from __future__ import annotations
