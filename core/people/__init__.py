# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""People and organisation: users and login, the unit tree, roster import and roster edits."""
