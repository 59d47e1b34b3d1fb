"""Watts' rule written directly with NumPy, using exactly trustsim's arithmetic: a node with at
least one neighbour adopts when `f32(adopted neighbours) / f32(degree) >= f32(phi)`; adoption is
permanent and updates are synchronous. Used to check every Mesa and NDlib run node for node, and
to check that their float64 comparison agrees with trustsim's float32 one on the graph used."""

import numpy as np


def cascade_size(adjacency, degree, seed_node, phi, steps):
    """Final number of adopters after `steps` synchronous steps from the single adopter
    `seed_node`. Stops early at a fixed point, which the rule never leaves."""
    phi32 = np.float32(phi)
    has_neighbours = degree > 0
    degree32 = np.maximum(degree, 1).astype(np.float32)
    active = np.zeros(adjacency.shape[0], dtype=bool)
    active[seed_node] = True
    for _ in range(steps):
        on = adjacency @ active.astype(np.int32)
        share = on.astype(np.float32) / degree32
        after = active | (has_neighbours & (share >= phi32))
        if np.array_equal(after, active):
            break
        active = after
    return int(active.sum())


def rules_agree(degrees, phi):
    """Whether `k / d >= phi` in float64 (Mesa, NDlib) and in float32 (trustsim) agree for every
    degree `d` in `degrees` and every count `0 <= k <= d`: if so, the three tools apply the same
    rule on this graph."""
    for d in sorted(set(int(d) for d in degrees if d > 0)):
        k = np.arange(d + 1)
        f64 = k / d >= phi
        f32 = k.astype(np.float32) / np.float32(d) >= np.float32(phi)
        if not np.array_equal(f64, f32):
            return False
    return True
