"""Watts (2002) threshold cascade with NDlib's `ThresholdModel`, configured as NDlib's
documentation shows: one threshold per node, and either `fraction_infected` (NDlib draws the
initial adopters with NumPy's global generator, seeded by the model's `seed`) or an explicit
initial "Infected" node.

NDlib's rule (ThresholdModel.iteration): a susceptible node with neighbours becomes infected when
`float(infected neighbours) / len(neighbours) >= threshold`, computed from the previous iteration's
states (synchronous), and infected nodes stay infected. NDlib's first `iteration()` only reports
the initial state (iteration 0) and changes nothing, so `steps` updates take `steps + 1`
iterations."""

import ndlib.models.ModelConfig as mc
import ndlib.models.epidemics as ep


def configured(graph, threshold, seed=None, seed_node=None):
    """A ThresholdModel on `graph` with one initial adopter: `seed_node` if given, else one drawn
    by NDlib from `seed`."""
    model = ep.ThresholdModel(graph, seed=seed)
    config = mc.Configuration()
    for node in graph.nodes():
        config.add_node_configuration("threshold", node, threshold)
    if seed_node is None:
        config.add_model_parameter("fraction_infected", 1 / graph.number_of_nodes())
    else:
        config.add_model_initial_configuration("Infected", [seed_node])
    model.set_initial_status(config)
    return model


def initial_adopter(model):
    """The node that starts infected."""
    (node,) = [node for node, status in model.status.items() if status == 1]
    return node


def run(model, steps, stop_when_stable=False):
    """Number of adopters ("Infected") after `steps` updates. With `stop_when_stable`, stops at the
    first update that changes nothing: the state is then fixed for good, so the result is the same."""
    result = model.iteration(node_status=False)
    for _ in range(steps):
        result = model.iteration(node_status=False)
        if stop_when_stable and result["status_delta"][1] == 0:
            break
    return result["node_count"][1]
