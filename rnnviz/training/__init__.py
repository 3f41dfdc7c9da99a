"""Training: the settings table, the trainer, background jobs, lanes, races, sampling, the
encoder-decoder."""
