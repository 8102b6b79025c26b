# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The lowest layer, below quizbank: user-facing text (i18n), progress and cancellation, located
problems, the user-facing error tree, and discovery of plug-in modules. No Qt, no database."""
