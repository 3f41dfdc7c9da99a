"""Serving a room: runs by id and who controls them, the training slots, what sessions keep."""
