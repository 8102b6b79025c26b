# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Dialogs of organisation life: recording a session with its attendance, writing and reviewing 心得体会."""
