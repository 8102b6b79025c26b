# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Question banks (题库): listing, the bank browser's search and versioned edits, the import
pipeline every format shares, and the bulk question writer."""
