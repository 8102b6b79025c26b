# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Organisation life (组织生活): group sessions with attendance and 补学, 心得体会 with similarity checks."""
