"""Recordings and what is read off them: probes, gradients through time, what units do inside,
costs."""
