# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""PySide6 widgets only: every screen calls core services through ``gui.tasks``."""
