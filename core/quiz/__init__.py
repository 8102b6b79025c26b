# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Quizzes (试卷/考试/练习): specs and drawing papers, attempts, grading, results, the manual
grading queue, practice and the wrong-answer book (错题本)."""
