//! The social network: who hears about whose trust decisions. Owns the compressed sparse row
//! graph, its seeded generators (Watts–Strogatz, Barabási–Albert, Erdős–Rényi) and the loader
//! for user-supplied edge lists.

use std::collections::HashSet;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rand::Rng;

use crate::error::{Error, Location};

/// An undirected simple graph over users `0..nodes`, stored in compressed sparse row form.
///
/// The neighbours of user `i` are `neighbours[offsets[i]..offsets[i + 1]]`, sorted ascending,
/// without self-loops or repeats; every edge appears once in each endpoint's list. Two flat
/// vectors instead of one list per user keep 10^7 users within a few hundred megabytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    offsets: Vec<u32>,
    neighbours: Vec<u32>,
}

impl Network {
    /// Undirected simple graph on `nodes` nodes from an edge list: self-loops dropped, duplicate
    /// edges merged (in either orientation), each neighbour list sorted ascending.
    ///
    /// # Panics
    ///
    /// If the edges (after dropping self-loops, before merging duplicates) would need more than
    /// `u32::MAX` neighbour entries, or if an endpoint is not below `nodes`; callers guarantee both.
    pub fn from_edges(nodes: u32, edges: &[(u32, u32)]) -> Network {
        let entries = 2 * edges.iter().filter(|(a, b)| a != b).count() as u64;
        assert!(
            entries <= u64::from(u32::MAX),
            "network too large: {entries} neighbour entries exceed the u32 index limit of {}",
            u32::MAX
        );

        // Counting sort without a separate cursor array: `offsets[i]` first holds the end of
        // user i's slice, then is decremented once per entry written, ending at its start.
        let mut offsets = vec![0u32; nodes as usize + 1];
        for &(a, b) in edges {
            assert!(a < nodes && b < nodes, "edge ({a}, {b}) outside 0..{nodes}");
            if a != b {
                offsets[a as usize] += 1;
                offsets[b as usize] += 1;
            }
        }
        let mut running = 0u32;
        for slot in offsets.iter_mut() {
            running += *slot;
            *slot = running;
        }
        let mut neighbours = vec![0u32; running as usize];
        for &(a, b) in edges {
            if a != b {
                offsets[a as usize] -= 1;
                neighbours[offsets[a as usize] as usize] = b;
                offsets[b as usize] -= 1;
                neighbours[offsets[b as usize] as usize] = a;
            }
        }

        // Sort and deduplicate each slice, compacting leftwards in place; the write cursor never
        // overtakes the read position, so no second buffer is needed.
        let mut write = 0usize;
        let mut read_start = 0usize;
        for node in 0..nodes as usize {
            let read_end = offsets[node + 1] as usize;
            neighbours[read_start..read_end].sort_unstable();
            let mut previous = None;
            for read in read_start..read_end {
                let neighbour = neighbours[read];
                if previous != Some(neighbour) {
                    neighbours[write] = neighbour;
                    write += 1;
                    previous = Some(neighbour);
                }
            }
            offsets[node + 1] = write as u32;
            read_start = read_end;
        }
        neighbours.truncate(write);
        neighbours.shrink_to_fit();
        Network { offsets, neighbours }
    }

    /// A Watts–Strogatz small world (Watts & Strogatz 1998), following the same procedure as
    /// NetworkX's `watts_strogatz_graph`.
    ///
    /// Start from a ring lattice where user `i` is linked to `i ± 1, …, i ± mean_degree/2`
    /// (mod `nodes`). Then, for `j = 1..=mean_degree/2` in the outer loop and `i = 0..nodes` in
    /// the inner loop, the lattice edge `(i, i + j)` is rewired with probability
    /// `rewire_probability`: its far end is replaced by a node `w` drawn uniformly from all users,
    /// redrawing while `w == i` or `w` is already a neighbour of `i` in the graph as it stands at
    /// that moment. If `i` is already linked to everyone else the edge is left in place. Every
    /// rewiring moves exactly one edge, so the edge count stays `nodes * mean_degree / 2` and the
    /// mean degree stays exactly `mean_degree`.
    ///
    /// # Panics
    ///
    /// Unless `mean_degree` is even, at least 2 and below `nodes`, and `rewire_probability` is in
    /// `[0, 1]`; the scenario validation guarantees this.
    pub fn watts_strogatz(nodes: u32, mean_degree: u32, rewire_probability: f64, rng: &mut impl Rng) -> Network {
        assert!(
            mean_degree >= 2 && mean_degree.is_multiple_of(2) && mean_degree < nodes,
            "Watts-Strogatz needs an even mean degree in 2..{nodes}, got {mean_degree}"
        );
        assert!(
            (0.0..=1.0).contains(&rewire_probability),
            "rewire probability must be in [0, 1], got {rewire_probability}"
        );
        let half = mean_degree / 2;
        let n = nodes as usize;
        // Lattice edge (i, i + j) lives at slot (j - 1) * nodes + i for its whole life; rewiring
        // only replaces the far end. A far end that is no longer i + j therefore marks the
        // lattice edge as gone, which lets `linked` answer lattice queries without a set.
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * half as usize);
        for j in 1..=half {
            edges.extend((0..nodes).map(|i| (i, ring_step(i, j, nodes))));
        }
        // Each slot is visited once, so an edge placed by rewiring never moves again and a
        // grow-only set of them completes the membership test. It is only queried, never
        // iterated, so its hashing order cannot leak into the result. Reserving the expected
        // size up front avoids rehashing, which would briefly hold two tables.
        let mut rewired = EdgeSet::default();
        rewired.reserve((rewire_probability * edges.len() as f64) as usize);
        let mut degree = vec![mean_degree; n];
        let linked = |edges: &[(u32, u32)], rewired: &EdgeSet, a: u32, b: u32| {
            let forward = if b >= a { b - a } else { nodes - a + b };
            let lattice_intact = if (1..=half).contains(&forward) {
                edges[(forward - 1) as usize * n + a as usize].1 == b
            } else if (1..=half).contains(&(nodes - forward)) {
                edges[(nodes - forward - 1) as usize * n + b as usize].1 == a
            } else {
                false
            };
            lattice_intact || rewired.contains(&edge_key(a, b))
        };
        for slot in 0..edges.len() {
            if rng.random::<f64>() >= rewire_probability {
                continue;
            }
            let (i, old) = edges[slot];
            if degree[i as usize] >= nodes - 1 {
                continue;
            }
            let new = loop {
                let candidate = rng.random_range(0..nodes);
                if candidate != i && !linked(&edges, &rewired, i, candidate) {
                    break candidate;
                }
            };
            edges[slot].1 = new;
            rewired.insert(edge_key(i, new));
            degree[old as usize] -= 1;
            degree[new as usize] += 1;
        }
        // Free the scaffolding before the CSR is built, to keep peak memory down.
        drop(rewired);
        drop(degree);
        Network::from_edges(nodes, &edges)
    }

    /// A Barabási–Albert preferential-attachment network (Barabási & Albert 1999).
    ///
    /// Users `0..=edges_per_node` start as a clique; each later user, in index order, links to
    /// `edges_per_node` distinct earlier users, each picked with probability proportional to its
    /// current degree. The pick draws a uniform endpoint from the edge list built so far (the
    /// "repeated nodes" method: every user appears once per incident edge), rejecting users
    /// already picked for this newcomer. The edge list doubles as the repeated-nodes list, so no
    /// second array is needed. The result has `m(m+1)/2 + (nodes - m - 1)·m` edges for
    /// `m = edges_per_node`, every degree is at least `m`, and it is connected.
    ///
    /// # Panics
    ///
    /// Unless `1 <= edges_per_node < nodes`; the scenario validation guarantees this.
    pub fn barabasi_albert(nodes: u32, edges_per_node: u32, rng: &mut impl Rng) -> Network {
        assert!(
            edges_per_node >= 1 && edges_per_node < nodes,
            "Barabasi-Albert needs edges per node in 1..{nodes}, got {edges_per_node}"
        );
        let m = edges_per_node;
        let total = u64::from(m) * u64::from(m + 1) / 2 + u64::from(nodes - m - 1) * u64::from(m);
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity(total as usize);
        for a in 0..=m {
            edges.extend((a + 1..=m).map(|b| (a, b)));
        }
        let mut targets: Vec<u32> = Vec::with_capacity(m as usize);
        for newcomer in m + 1..nodes {
            // Only edges present before this newcomer count: its own links come after the picks.
            let endpoints = 2 * edges.len() as u64;
            targets.clear();
            while targets.len() < m as usize {
                let endpoint = rng.random_range(0..endpoints);
                let edge = edges[(endpoint / 2) as usize];
                let target = if endpoint % 2 == 0 { edge.0 } else { edge.1 };
                if !targets.contains(&target) {
                    targets.push(target);
                }
            }
            edges.extend(targets.iter().map(|&target| (newcomer, target)));
        }
        Network::from_edges(nodes, &edges)
    }

    /// An Erdős–Rényi `G(n, p)` network with `p = mean_degree / (nodes - 1)`, so each of the
    /// `n(n-1)/2` possible edges is present independently with probability `p`.
    ///
    /// Runs in `O(n + m)` by geometric skipping (Batagelj & Brandes 2005, algorithm G(n,p)):
    /// candidate pairs `(v, w)` with `w < v` are walked in row order, and the gap to the next
    /// present edge is `floor(ln(1 - r) / ln(1 - p))` for `r` uniform in `[0, 1)`. That is the
    /// inverse CDF of the geometric distribution, computed with `libm::log` only; the rounding of
    /// `1 - p` perturbs `p` by a relative `~1e-16 / p`, negligible for any realistic network.
    ///
    /// # Panics
    ///
    /// Unless `mean_degree` is in `[0, nodes - 1]` (so 0 for fewer than two users); the scenario
    /// validation guarantees this.
    pub fn erdos_renyi(nodes: u32, mean_degree: f64, rng: &mut impl Rng) -> Network {
        let max_degree = f64::from(nodes.saturating_sub(1));
        assert!(
            (0.0..=max_degree).contains(&mean_degree),
            "Erdos-Renyi mean degree must be in [0, {max_degree}], got {mean_degree}"
        );
        // p = 0 would make the skip 0/0; there is nothing to draw anyway.
        if mean_degree == 0.0 {
            return Network::from_edges(nodes, &[]);
        }
        let p = mean_degree / max_degree;
        let log_q = libm::log(1.0 - p);
        let n = u64::from(nodes);
        // Reserve a few standard deviations above the expected count so the vector almost never
        // reallocates: at 10^7 users a reallocation would briefly double peak memory.
        let expected = p * (n as f64) * (n as f64 - 1.0) / 2.0;
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity((expected + 4.0 * expected.sqrt()) as usize + 16);
        let mut v: u64 = 1;
        let mut w: u64 = 0;
        loop {
            // `as` saturates, so an astronomically long skip just runs off the end.
            let skip = (libm::log(1.0 - rng.random::<f64>()) / log_q).floor() as u64;
            w = w.saturating_add(skip);
            while w >= v && v < n {
                w -= v;
                v += 1;
            }
            if v >= n {
                break;
            }
            edges.push((v as u32, w as u32));
            w += 1;
        }
        Network::from_edges(nodes, &edges)
    }

    /// Loads a network of `nodes` users from an edge-list file.
    ///
    /// Format: comma-separated text with one undirected edge per row, `source,target`, each a
    /// non-negative decimal integer user id in `0..nodes`. Whitespace around fields is allowed;
    /// quoting is not (ids never need it). The first row may be the header `source,target`,
    /// exactly. Blank lines and lines whose first non-blank character is `#` are ignored, and a
    /// leading UTF-8 byte-order mark is skipped. Self-loops are dropped and repeated edges (in
    /// either direction) merged.
    ///
    /// ```text
    /// # friendships exported 2024-05-01
    /// source,target
    /// 0,1
    /// 1,2
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read; [`Error::EdgeList`], naming the file and line,
    /// for a row without exactly two fields, a field that is not a non-negative integer, an id
    /// outside `0..nodes`, more rows than [`crate::scenario::limits::MAX_NETWORK_ENTRIES`] / 2 edges, a file
    /// with no edges, or a network too large for u32 indices.
    pub fn load_edge_list(path: &Path, nodes: u32) -> crate::Result<Network> {
        let file_name = path.display().to_string();
        let row_error = |line: usize, message: String| Error::EdgeList {
            location: Location::new(file_name.clone(), Some(line)),
            message,
        };
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // Read line by line rather than through a CSV parser, which skips blank lines silently
        // and then reports the wrong line number for the row after them.
        // The file's length was checked when the scenario was loaded, but a device or a file that
        // grows can be longer than its length says: reading stops at the limit all the same, and
        // a line stops at `MAX_LINE_BYTES` (two ids need a few dozen).
        const MAX_LINE_BYTES: u64 = 4096;
        let mut reader = BufReader::new(file.take(crate::scenario::limits::MAX_EDGE_LIST_FILE_BYTES + 1));
        let mut buffer = Vec::new();
        let mut line = 0usize;
        let mut header_allowed = true;
        let mut rows = 0u64;
        let mut total = 0u64;
        let mut edges: Vec<(u32, u32)> = Vec::new();
        loop {
            buffer.clear();
            let read = (&mut reader)
                .take(MAX_LINE_BYTES)
                .read_until(b'\n', &mut buffer)
                .map_err(|e| Error::io(path, e))?;
            if read == 0 {
                break;
            }
            line += 1;
            total += read as u64;
            if total > crate::scenario::limits::MAX_EDGE_LIST_FILE_BYTES {
                return Err(row_error(
                    line,
                    format!(
                        "an edge-list file may be at most {} bytes",
                        crate::scenario::limits::MAX_EDGE_LIST_FILE_BYTES
                    ),
                ));
            }
            if read as u64 == MAX_LINE_BYTES && buffer.last() != Some(&b'\n') {
                return Err(row_error(
                    line,
                    format!("a line is longer than {MAX_LINE_BYTES} bytes; expected `source,target`"),
                ));
            }
            let mut text = buffer.trim_ascii();
            // Spreadsheet exports often start with a byte-order mark, which would otherwise
            // spoil the header.
            if line == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
            }
            if text.is_empty() || text.starts_with(b"#") {
                continue;
            }
            let mut fields = text.split(|&byte| byte == b',').map(<[u8]>::trim_ascii);
            let (Some(source), Some(target), None) = (fields.next(), fields.next(), fields.next()) else {
                let count = 1 + text.iter().filter(|&&byte| byte == b',').count();
                let noun = if count == 1 { "field" } else { "fields" };
                return Err(row_error(
                    line,
                    format!("expected two integer columns `source,target`, found {count} {noun}"),
                ));
            };
            let first_row = std::mem::replace(&mut header_allowed, false);
            if first_row && source == b"source" && target == b"target" {
                continue;
            }
            rows += 1;
            // Each edge takes two neighbour entries; stopping here keeps a hostile file from
            // exhausting memory before the network is built.
            if rows > crate::scenario::limits::MAX_NETWORK_ENTRIES / 2 {
                return Err(row_error(
                    line,
                    format!("more than {} edges", crate::scenario::limits::MAX_NETWORK_ENTRIES / 2),
                ));
            }
            let parse = |field: &[u8]| {
                parse_node_id(field, nodes).map_err(|mut message| {
                    if first_row {
                        message.push_str(" (a header row must be exactly `source,target`)");
                    }
                    row_error(line, message)
                })
            };
            let source = parse(source)?;
            let target = parse(target)?;
            if source != target {
                edges.push((source, target));
            }
        }
        let whole_file = |message: String| Error::EdgeList {
            location: Location::new(file_name.clone(), None),
            message,
        };
        if edges.is_empty() {
            return Err(whole_file(if rows == 0 {
                "no edges: the file has no `source,target` rows".to_string()
            } else {
                "no edges: every row is a self-loop, and self-loops are ignored".to_string()
            }));
        }
        // Only a file past 2^31 rows gets here; merging duplicates first may bring it in range.
        if 2 * edges.len() as u64 > u64::from(u32::MAX) {
            for edge in edges.iter_mut() {
                *edge = (edge.0.min(edge.1), edge.0.max(edge.1));
            }
            edges.sort_unstable();
            edges.dedup();
            if 2 * edges.len() as u64 > u64::from(u32::MAX) {
                return Err(whole_file(format!(
                    "the network has {} distinct edges, more than the {} supported",
                    edges.len(),
                    u32::MAX / 2
                )));
            }
        }
        Ok(Network::from_edges(nodes, &edges))
    }

    /// Number of users in the network.
    pub fn nodes(&self) -> u32 {
        (self.offsets.len() - 1) as u32
    }

    /// Number of undirected edges (each friendship counted once).
    pub fn edge_count(&self) -> u64 {
        self.neighbours.len() as u64 / 2
    }

    /// Number of neighbours of `node`.
    ///
    /// # Panics
    ///
    /// If `node >= self.nodes()`.
    pub fn degree(&self, node: u32) -> u32 {
        self.offsets[node as usize + 1] - self.offsets[node as usize]
    }

    /// The neighbours of `node`, sorted ascending.
    ///
    /// # Panics
    ///
    /// If `node >= self.nodes()`.
    pub fn neighbours(&self, node: u32) -> &[u32] {
        &self.neighbours[self.entry_range(node)]
    }

    /// Every neighbour list, one after another in user order.
    pub fn entries(&self) -> &[u32] {
        &self.neighbours
    }

    /// Where the neighbours of `node` are in [`Network::entries`].
    ///
    /// # Panics
    ///
    /// If `node >= self.nodes()`.
    pub fn entry_range(&self, node: u32) -> std::ops::Range<usize> {
        self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize
    }

    /// Mean number of neighbours per user; 0 for a network without users.
    pub fn mean_degree(&self) -> f64 {
        if self.nodes() == 0 {
            0.0
        } else {
            self.neighbours.len() as f64 / f64::from(self.nodes())
        }
    }

    /// Whether every user can reach every other; vacuously true with fewer than two users.
    pub fn is_connected(&self) -> bool {
        if self.nodes() == 0 {
            return true;
        }
        let mut visited = vec![false; self.nodes() as usize];
        let mut queue = Vec::new();
        self.component_size(0, &mut visited, &mut queue) == self.nodes()
    }

    /// Number of users in the largest connected component; 0 for a network without users.
    pub fn largest_component_size(&self) -> u32 {
        let mut visited = vec![false; self.nodes() as usize];
        let mut queue = Vec::new();
        let mut largest = 0;
        for start in 0..self.nodes() {
            if !visited[start as usize] {
                largest = largest.max(self.component_size(start, &mut visited, &mut queue));
            }
        }
        largest
    }

    /// Size of the unvisited component containing `start`, marking it visited. Breadth-first
    /// with an explicit queue, since recursion would overflow the stack on a long path. The
    /// queue is passed in so scanning every component reuses one allocation.
    fn component_size(&self, start: u32, visited: &mut [bool], queue: &mut Vec<u32>) -> u32 {
        queue.clear();
        queue.push(start);
        visited[start as usize] = true;
        let mut head = 0;
        while let Some(&node) = queue.get(head) {
            head += 1;
            for &neighbour in self.neighbours(node) {
                if !visited[neighbour as usize] {
                    visited[neighbour as usize] = true;
                    queue.push(neighbour);
                }
            }
        }
        queue.len() as u32
    }
}

/// `node + step` around a ring of `nodes` users, without overflowing near `u32::MAX`.
fn ring_step(node: u32, step: u32, nodes: u32) -> u32 {
    if node >= nodes - step {
        node - (nodes - step)
    } else {
        node + step
    }
}

/// Set of [`edge_key`]s, hashed cheaply: the keys are not attacker-controlled, and SipHash made
/// heavy rewiring several times slower.
type EdgeSet = HashSet<u64, BuildHasherDefault<EdgeKeyHasher>>;

/// Multiplicative hash of an [`edge_key`]. Folding the high half in before multiplying lets
/// both endpoints reach the low bits that pick the bucket.
#[derive(Default)]
struct EdgeKeyHasher(u64);

impl Hasher for EdgeKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        let mixed = (self.0 ^ value ^ (value >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = mixed ^ (mixed >> 29);
    }
}

/// Orientation-free key of the edge `{a, b}` for membership tests.
fn edge_key(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

/// Parses a trimmed edge-list field as a user id in `0..nodes`, or explains what is wrong.
fn parse_node_id(field: &[u8], nodes: u32) -> Result<u32, String> {
    let text = String::from_utf8_lossy(field);
    if field.is_empty() {
        return Err("a node id is empty: expected a non-negative integer".to_string());
    }
    // Digits only: `str::parse` would also accept a leading `+`, which is not an id.
    if !field.iter().all(u8::is_ascii_digit) {
        return Err(format!("`{text}` is not a non-negative integer node id"));
    }
    match text.parse::<u64>() {
        Ok(id) if id < u64::from(nodes) => Ok(id as u32),
        _ => Err(format!(
            "node id `{text}` is out of range: the population has {nodes} users, so ids must be \
             in 0..{nodes}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::io::Write;

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    /// Symmetric, sorted, no self-loops, no repeats.
    fn assert_simple_undirected(network: &Network) {
        for i in 0..network.nodes() {
            let list = network.neighbours(i);
            assert!(list.windows(2).all(|w| w[0] < w[1]), "node {i}: {list:?}");
            assert!(!list.contains(&i), "self-loop at {i}");
            for &j in list {
                assert!(network.neighbours(j).binary_search(&i).is_ok(), "{i}-{j} one-way");
            }
        }
    }

    fn degree_moments(network: &Network) -> (f64, f64) {
        let n = f64::from(network.nodes());
        let mean = network.mean_degree();
        let variance = (0..network.nodes())
            .map(|i| (f64::from(network.degree(i)) - mean).powi(2))
            .sum::<f64>()
            / n;
        (mean, variance)
    }

    #[test]
    fn from_edges_merges_duplicates_drops_self_loops_and_sorts() {
        let network = Network::from_edges(6, &[(3, 1), (1, 3), (2, 2), (0, 3), (3, 1), (4, 3)]);
        assert_eq!(network.nodes(), 6);
        assert_eq!(network.edge_count(), 3);
        assert_eq!(network.neighbours(3), &[0, 1, 4]);
        assert_eq!(network.neighbours(1), &[3]);
        assert_eq!(network.neighbours(2), &[] as &[u32]);
        assert_eq!(network.degree(5), 0);
        assert_eq!(network.mean_degree(), 1.0);
        assert_simple_undirected(&network);
        assert!(!network.is_connected());
        assert_eq!(network.largest_component_size(), 4);
    }

    #[test]
    fn watts_strogatz_without_rewiring_is_a_ring_lattice() {
        let network = Network::watts_strogatz(100, 6, 0.0, &mut rng(1));
        assert_simple_undirected(&network);
        assert!((0..100).all(|i| network.degree(i) == 6));
        assert_eq!(network.neighbours(0), &[1, 2, 3, 97, 98, 99]);
        assert!(network.is_connected());
    }

    #[test]
    fn watts_strogatz_rewiring_keeps_every_edge() {
        let lattice = Network::watts_strogatz(5000, 10, 0.0, &mut rng(2));
        let network = Network::watts_strogatz(5000, 10, 0.1, &mut rng(2));
        assert_simple_undirected(&network);
        assert_eq!(network.edge_count(), 25_000);
        assert_eq!(network.mean_degree(), 10.0);
        // About 10% of edges moved: enough to differ, few enough to stay lattice-like.
        let kept: usize = (0..5000)
            .map(|i| {
                let old = lattice.neighbours(i);
                network.neighbours(i).iter().filter(|j| old.contains(j)).count()
            })
            .sum();
        let kept_fraction = kept as f64 / 50_000.0;
        assert!((0.85..0.95).contains(&kept_fraction), "{kept_fraction}");
    }

    #[test]
    fn watts_strogatz_full_rewiring_of_a_dense_small_graph_terminates() {
        // Six users, degree four: rewiring often finds no free partner and must skip.
        let network = Network::watts_strogatz(6, 4, 1.0, &mut rng(3));
        assert_simple_undirected(&network);
        assert_eq!(network.edge_count(), 12);
    }

    #[test]
    fn barabasi_albert_has_the_textbook_shape() {
        let (n, m) = (3000u32, 3u32);
        let network = Network::barabasi_albert(n, m, &mut rng(4));
        assert_simple_undirected(&network);
        let expected = u64::from(m * (m + 1) / 2 + (n - m - 1) * m);
        assert_eq!(network.edge_count(), expected);
        assert!((0..n).all(|i| network.degree(i) >= m));
        assert!(network.is_connected());
        // Preferential attachment grows hubs far beyond the mean.
        assert!((0..n).any(|i| network.degree(i) > 50));
    }

    #[test]
    fn erdos_renyi_degrees_are_poisson() {
        let network = Network::erdos_renyi(20_000, 5.0, &mut rng(5));
        assert_simple_undirected(&network);
        let (mean, variance) = degree_moments(&network);
        assert!((mean - 5.0).abs() < 0.15, "mean {mean}");
        assert!((variance / mean - 1.0).abs() < 0.1, "variance {variance}, mean {mean}");
    }

    #[test]
    fn erdos_renyi_extremes() {
        assert_eq!(Network::erdos_renyi(50, 0.0, &mut rng(6)).edge_count(), 0);
        assert_eq!(Network::erdos_renyi(50, 49.0, &mut rng(6)).edge_count(), 50 * 49 / 2);
        assert_eq!(Network::erdos_renyi(1, 0.0, &mut rng(6)).nodes(), 1);
    }

    #[test]
    fn generators_are_deterministic_per_seed() {
        let generators: [fn(u64) -> Network; 3] = [
            |seed| Network::watts_strogatz(2000, 8, 0.2, &mut rng(seed)),
            |seed| Network::barabasi_albert(2000, 4, &mut rng(seed)),
            |seed| Network::erdos_renyi(2000, 8.0, &mut rng(seed)),
        ];
        for generate in generators {
            assert_eq!(generate(7), generate(7));
            assert_ne!(generate(7), generate(8));
        }
    }

    #[test]
    fn components_are_counted_across_the_whole_network() {
        let network = Network::from_edges(7, &[(0, 1), (2, 3), (3, 4), (4, 2)]);
        assert_eq!(network.largest_component_size(), 3);
        assert!(!network.is_connected());
        assert!(Network::from_edges(0, &[]).is_connected());
        assert_eq!(Network::from_edges(0, &[]).largest_component_size(), 0);
    }

    fn edge_file(contents: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        file.write_all(contents.as_bytes()).unwrap();
        file
    }

    #[test]
    fn loads_edge_lists_with_and_without_header() {
        let expected = Network::from_edges(4, &[(0, 1), (1, 2), (3, 0)]);
        for contents in [
            "0,1\n1,2\n3,0\n",
            "source,target\n0,1\n1,2\n3,0",
            "# exported\n\n source , target \r\n0, 1\n# note\n1,2\n  \n3,0\n2,2\n2,1\n",
            "\u{feff}source,target\r\n0,1\r\n1,2\r\n  # indented note\r\n3,0",
        ] {
            let file = edge_file(contents);
            let network = Network::load_edge_list(file.path(), 4).unwrap();
            assert_eq!(network, expected, "{contents:?}");
        }
    }

    #[test]
    fn edge_list_errors_name_file_line_and_reason() {
        let cases = [
            (
                "0,1\n1,12000\n",
                2,
                "node id `12000` is out of range: the population has 10000 users, so ids must be in 0..10000",
            ),
            (
                "0,1\n\n1,2,3\n",
                3,
                "expected two integer columns `source,target`, found 3 fields",
            ),
            ("0,1\n7\n", 2, "found 1 field"),
            (
                "# c\nabc,1\n",
                2,
                "`abc` is not a non-negative integer node id (a header row must be exactly `source,target`)",
            ),
            ("from,to\n0,1\n", 1, "`from` is not a non-negative integer node id"),
            (
                "0,1\nsource,target\n",
                2,
                "`source` is not a non-negative integer node id",
            ),
            ("0,-1\n", 1, "`-1` is not a non-negative integer node id"),
            ("0,+1\n", 1, "`+1` is not a non-negative integer node id"),
            ("0,\n", 1, "a node id is empty"),
            ("0,99999999999999999999999\n", 1, "is out of range"),
        ];
        let long = format!("0,1\n{}\n", "7".repeat(5000));
        let cases = cases
            .into_iter()
            .chain([(long.as_str(), 2, "a line is longer than 4096 bytes")]);
        for (contents, line, reason) in cases {
            let file = edge_file(contents);
            let error = Network::load_edge_list(file.path(), 10_000).unwrap_err();
            assert!(matches!(error, Error::EdgeList { .. }), "{error:?}");
            let shown = error.to_string();
            let name = file.path().file_name().unwrap().to_str().unwrap();
            assert!(shown.contains(name), "{shown}");
            assert!(shown.contains(&format!(":{line}: ")), "{shown}");
            assert!(shown.contains(reason), "{shown}");
        }
    }

    #[test]
    fn edge_list_without_edges_is_an_error() {
        for (contents, reason) in [
            ("", "no edges"),
            ("source,target\n# nothing yet\n", "no edges"),
            ("3,3\n", "every row is a self-loop"),
        ] {
            let file = edge_file(contents);
            let error = Network::load_edge_list(file.path(), 10).unwrap_err();
            assert!(matches!(error, Error::EdgeList { .. }), "{error:?}");
            let shown = error.to_string();
            assert!(shown.contains(reason), "{shown}");
            assert!(shown.contains(&file.path().display().to_string()), "{shown}");
        }
    }

    #[test]
    fn unreadable_edge_list_is_an_io_error() {
        let directory = tempfile::tempdir().unwrap();
        let missing = directory.path().join("missing.csv");
        let error = Network::load_edge_list(&missing, 10).unwrap_err();
        assert!(matches!(error, Error::Io { .. }), "{error:?}");
        assert!(error.to_string().contains("missing.csv"));
    }
}
