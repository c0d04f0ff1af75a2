"""Drill files: JSON lists of plays to train (see scenes/drills.py)."""
