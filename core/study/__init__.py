# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Study (学习): materials from files, their audience, and honest reading time."""
