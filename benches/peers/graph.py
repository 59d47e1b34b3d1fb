"""The one graph shared by all three tools: generated once, written as trustsim's edge-list CSV,
and read back from that file by every tool."""

import csv

import networkx as nx
import numpy as np
import scipy.sparse as sp


def generate(nodes, mean_degree, seed, path):
    """Writes an Erdős–Rényi G(n, p) graph with p = mean_degree / (nodes - 1) to `path` in the
    format trustsim's `edge_list` network loader accepts: a `source,target` header, then one
    undirected edge per row with 0-based node ids."""
    graph = nx.fast_gnp_random_graph(nodes, mean_degree / (nodes - 1), seed=seed)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["source", "target"])
        writer.writerows(graph.edges())
    return graph.number_of_edges()


def read_edges(path):
    """The edge list in `path` as two integer arrays."""
    edges = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return edges[:, 0], edges[:, 1]


def load_networkx(path, nodes):
    """The graph as a NetworkX graph on nodes 0..nodes-1, isolated nodes included (the file lists
    edges only, so nodes without any would otherwise be missing)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(nodes))
    with open(path, newline="") as source:
        rows = csv.reader(source)
        next(rows)
        graph.add_edges_from((int(a), int(b)) for a, b in rows)
    return graph


def load_csr(path, nodes):
    """The graph as a symmetric 0/1 adjacency matrix in compressed sparse row form."""
    a, b = read_edges(path)
    ones = np.ones(2 * len(a), dtype=np.int32)
    matrix = sp.csr_matrix((ones, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(nodes, nodes))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix
