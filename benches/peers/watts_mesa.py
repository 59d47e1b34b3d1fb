"""Watts (2002) threshold cascade in Mesa 3, written the way Mesa's own examples write network
models (`mesa.discrete_space.Network`, one `FixedAgent` per node, the `AgentSet` API).

Synchronous updates in Mesa 3 are two passes over the agents: every agent first decides its next
state from the current states (`step`), then every agent adopts its decision (`advance`); this is
what Mesa 3 recommends in place of the removed `SimultaneousActivation` scheduler."""

import mesa
from mesa.discrete_space import FixedAgent, Network


class Person(FixedAgent):
    """A node: adopts (withdraws) once at least a share `threshold` of its neighbours have."""

    def __init__(self, model, cell, threshold):
        super().__init__(model)
        self.cell = cell
        self.threshold = threshold
        self.adopted = False
        self.next_adopted = False

    def step(self):
        """Decide tomorrow's state from today's states of the neighbours."""
        if self.adopted:
            self.next_adopted = True
            return
        neighbours = list(self.cell.neighborhood.agents)
        if neighbours:
            share = sum(1 for other in neighbours if other.adopted) / len(neighbours)
            self.next_adopted = share >= self.threshold

    def advance(self):
        """Adopt the decision taken in `step`."""
        self.adopted = self.next_adopted


class WattsCascade(mesa.Model):
    """One cascade on the graph `graph` from one uniformly drawn initial adopter.

    With `stop_when_stable`, `running` turns false at the first step that changes nothing: the rule
    is deterministic and adoption permanent, so the state then stays fixed and the final size equals
    the size after `max_steps` steps. Without it the model runs exactly `max_steps` steps."""

    def __init__(self, graph, threshold, max_steps, stop_when_stable=False, seed=None, seed_node=None):
        super().__init__(seed=seed)
        self.max_steps = max_steps
        self.stop_when_stable = stop_when_stable
        self.grid = Network(graph, capacity=1, random=self.random)
        cells = list(self.grid.all_cells)
        Person.create_agents(self, len(cells), cell=cells, threshold=threshold)
        first = cells[seed_node] if seed_node is not None else self.random.choice(cells)
        self.seed_node = first.coordinate
        for person in first.agents:
            person.adopted = True
        self.datacollector = mesa.DataCollector(model_reporters={"adopters": WattsCascade.adopters})

    def adopters(self):
        """Number of nodes that have adopted."""
        return sum(1 for person in self.agents if person.adopted)

    def step(self):
        before = self.adopters() if self.stop_when_stable else None
        self.agents.do("step")
        self.agents.do("advance")
        if self.steps >= self.max_steps or (self.stop_when_stable and self.adopters() == before):
            self.running = False
