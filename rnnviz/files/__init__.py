"""Files in and out: run files, checkpoints, recordings, bounded unzipping, the bundled demo runs."""
