"""A seeded block gets the numbers of its seed even while another thread seeds the global
generator (a second session, a training thread, the recipe spread)."""

import threading
import time

import torch

from rnnviz.net.seeding import seeded


def test_a_seeded_block_keeps_its_numbers_while_another_thread_seeds():
    with seeded(0):
        expected = [float(torch.rand(())) for _ in range(2)]
    got, started = [], threading.Event()

    def first():
        with seeded(0):
            got.append(float(torch.rand(())))
            started.set()
            time.sleep(0.2)  # the other thread tries to reseed here
            got.append(float(torch.rand(())))

    def second():
        started.wait()
        with seeded(1):
            torch.rand(())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == expected
