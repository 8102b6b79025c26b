# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Quiz tests: grading, attempt lifecycle, practice, the taking screen."""
