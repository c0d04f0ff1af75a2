"""What a coach follows over time: athletes, their sessions and their progress."""
