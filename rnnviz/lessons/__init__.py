"""Lessons and recipes: the Lecture's steps, presets, text into batches, padding, the scan
example, tutorials reproduced."""
