# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question model and one module per question-bank file format (no Qt, no database)."""
