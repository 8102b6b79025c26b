# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Certificate screens: batch printing, templates with live preview, verification."""
