# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Domain layer: database, quizzes and grading, study time, points, reports, certificates.

No Qt here (a test imports every module with PySide6 blocked).
"""
