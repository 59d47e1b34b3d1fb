//! `--posterior`: each seed of a `compare` or `warn` takes its own draw from a calibration's
//! posterior, so that the differences between strategies carry the parameters' uncertainty and
//! stay paired (every strategy of a seed runs with the same draw and the same random numbers).
//! The draws are written beside the outputs as `posterior_draws.csv`, from which `verify` and
//! `merge` take them again.

use rand::Rng;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::experiment::calibrate::spec::Calibration;
use crate::random::rng::{stream, Stream};

/// The file a comparison with `--posterior` writes its draws to.
pub const DRAWS_FILE: &str = "posterior_draws.csv";

/// How a seed's draw is chosen, for the manifest.
pub const DRAW_DERIVATION: &str = "seed s takes the final generation's particle (of the calibration's posterior.csv) \
whose cumulative normalised weight first exceeds u, u the first f64 of ChaCha8 stream 10 (Posterior) of seed s; its \
values are set as the calibration sets a candidate's (whole-number keys rounded, balance keys absorbing the change)";

/// The parameter values each seed runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedDraws {
    /// The keys set, in column order: the calibration's parameters, then its balance keys.
    keys: Vec<String>,
    /// One row per seed, seeds ascending.
    rows: Vec<SeedDraw>,
}

/// One seed's draw.
#[derive(Debug, Clone, PartialEq)]
struct SeedDraw {
    seed: u64,
    /// The particle of the posterior's final generation, counted from 0.
    particle: usize,
    /// Each key's value as a TOML literal, in the order of the keys.
    values: Vec<String>,
}

impl SeedDraws {
    /// The draws of `seeds` from `path`: a `calibrate` output directory (drawing from its final
    /// generation), or a `posterior_draws.csv` an earlier comparison wrote (which must hold
    /// every seed).
    pub fn load(path: &Path, seeds: &[u64]) -> Result<SeedDraws> {
        if path.is_dir() {
            SeedDraws::draw(path, seeds)
        } else {
            SeedDraws::read(path, seeds)
        }
    }

    /// Draws each seed's particle from the final generation of the calibration output `dir`.
    fn draw(dir: &Path, seeds: &[u64]) -> Result<SeedDraws> {
        let calibration = Calibration::load_stored(dir).map_err(|e| match e {
            Error::Io { path, source } if path == dir.join("calibration.toml") => Error::Usage {
                option: "--posterior".to_string(),
                message: format!(
                    "`{}` is not the output directory of `trustsim calibrate` (no calibration.toml: {source})",
                    dir.display()
                ),
            },
            other => other,
        })?;
        let particles = final_generation(&dir.join("posterior.csv"), &calibration.keys())?;
        let total: f64 = particles.iter().map(|(_, weight)| weight).sum();
        // `key=value` split in two: the keys are the same for every particle.
        let split = |values: &[f64]| -> (Vec<String>, Vec<String>) {
            calibration
                .overrides(values)
                .iter()
                .map(|o| {
                    let (key, value) = o.split_once('=').expect("an override is key=value");
                    (key.to_string(), value.to_string())
                })
                .unzip()
        };
        let keys = split(&particles[0].0).0;
        let rows = seeds
            .iter()
            .map(|&seed| {
                let target = stream(seed, Stream::Posterior).random::<f64>() * total;
                let mut cumulative = 0.0;
                let particle = particles
                    .iter()
                    .position(|(_, weight)| {
                        cumulative += weight;
                        cumulative > target
                    })
                    .unwrap_or(particles.len() - 1);
                let values = split(&particles[particle].0).1;
                SeedDraw { seed, particle, values }
            })
            .collect();
        Ok(SeedDraws { keys, rows })
    }

    /// Reads the draws a comparison wrote, checking that it holds exactly `seeds`.
    fn read(path: &Path, seeds: &[u64]) -> Result<SeedDraws> {
        let table = Table::read(path)?;
        let header = &table.header;
        if header.len() < 3 || header[0] != "seed" || header[1] != "particle" {
            return Err(table.problem(
                Some(1),
                "the header must be `seed,particle,` then the keys set, as `compare --posterior` writes it",
            ));
        }
        let mut rows = Vec::new();
        for (line, record) in table.rows() {
            let record = record?;
            let number = |column: usize| record[column].parse::<u64>().ok();
            let (Some(seed), Some(particle)) = (number(0), number(1)) else {
                return Err(table.problem(Some(line), "`seed` and `particle` must be whole numbers"));
            };
            rows.push(SeedDraw {
                seed,
                particle: particle as usize,
                values: record.iter().skip(2).map(String::from).collect(),
            });
        }
        let found: Vec<u64> = rows.iter().map(|r| r.seed).collect();
        if found != seeds {
            return Err(table.problem(
                None,
                &format!(
                    "holds the draws of seeds {}, but the comparison runs seeds {}",
                    seed_range(&found),
                    seed_range(seeds)
                ),
            ));
        }
        Ok(SeedDraws {
            keys: table.header[2..].to_vec(),
            rows,
        })
    }

    /// The `--set` overrides of `seed`'s draw.
    pub fn overrides(&self, seed: u64) -> Vec<String> {
        let row = self
            .rows
            .iter()
            .find(|r| r.seed == seed)
            .expect("a draw for every seed");
        self.keys
            .iter()
            .zip(&row.values)
            .map(|(key, value)| format!("{key}={value}"))
            .collect()
    }

    /// The rows of `posterior_draws.csv`, header first.
    pub fn records(&self) -> Vec<Vec<String>> {
        let header = ["seed".to_string(), "particle".to_string()]
            .into_iter()
            .chain(self.keys.iter().cloned());
        std::iter::once(header.collect())
            .chain(self.rows.iter().map(|row| {
                [row.seed.to_string(), row.particle.to_string()]
                    .into_iter()
                    .chain(row.values.iter().cloned())
                    .collect()
            }))
            .collect()
    }
}

/// The particles of the last generation in a calibration's `posterior.csv`: each one's values of
/// `keys` and its weight.
fn final_generation(path: &Path, keys: &[String]) -> Result<Vec<(Vec<f64>, f64)>> {
    let table = Table::read(path)?;
    let column = |wanted: &str| {
        table
            .header
            .iter()
            .position(|h| h == wanted)
            .ok_or_else(|| table.problem(Some(1), &format!("the header has no `{wanted}` column")))
    };
    let generation = column("generation")?;
    let weight = column("weight")?;
    let values: Vec<usize> = keys.iter().map(|key| column(key)).collect::<Result<_>>()?;
    let mut particles: Vec<(u64, Vec<f64>, f64)> = Vec::new();
    for (line, record) in table.rows() {
        let record = record?;
        let number = |column: usize| {
            record[column]
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    table.problem(
                        Some(line),
                        &format!("`{}` is not a finite number", table.header[column]),
                    )
                })
        };
        let g = record[generation]
            .parse::<u64>()
            .map_err(|_| table.problem(Some(line), "`generation` is not a whole number"))?;
        let w = number(weight)?;
        if w < 0.0 {
            return Err(table.problem(Some(line), "`weight` is negative"));
        }
        particles.push((g, values.iter().map(|&c| number(c)).collect::<Result<_>>()?, w));
    }
    let last = particles.iter().map(|p| p.0).max();
    let particles: Vec<(Vec<f64>, f64)> = particles
        .into_iter()
        .filter(|p| Some(p.0) == last)
        .map(|(_, values, weight)| (values, weight))
        .collect();
    if particles.iter().map(|p| p.1).sum::<f64>() <= 0.0 {
        return Err(table.problem(None, "the final generation has no particle of positive weight"));
    }
    Ok(particles)
}

/// A CSV file read whole: its header and records, for errors naming the file and line.
struct Table {
    name: String,
    header: Vec<String>,
    records: Vec<std::result::Result<csv::StringRecord, csv::Error>>,
}

impl Table {
    fn read(path: &Path) -> Result<Table> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let header = match reader.headers() {
            Ok(header) => header.iter().map(String::from).collect(),
            Err(e) => {
                return Err(Error::Data {
                    location: Location::new(&name, Some(1)),
                    message: format!("not a CSV file: {e}"),
                })
            }
        };
        let records = reader.records().collect();
        Ok(Table { name, header, records })
    }

    /// An error at `line` (1 is the header) of the file.
    fn problem(&self, line: Option<usize>, message: &str) -> Error {
        Error::Data {
            location: Location::new(&self.name, line),
            message: message.to_string(),
        }
    }

    /// The records with their line numbers; a malformed one is an error naming its line.
    fn rows(&self) -> impl Iterator<Item = (usize, Result<&csv::StringRecord>)> {
        self.records.iter().enumerate().map(|(k, record)| {
            let line = k + 2;
            (
                line,
                record
                    .as_ref()
                    .map_err(|e| self.problem(Some(line), &format!("not a CSV row: {e}"))),
            )
        })
    }
}

/// Seeds as a short text: `1 to 20`, or the list when they are not consecutive.
fn seed_range(seeds: &[u64]) -> String {
    match seeds {
        [] => "none".to_string(),
        [first, .., last] if seeds.windows(2).all(|w| w[1] == w[0] + 1) => format!("{first} to {last}"),
        _ => seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws() -> SeedDraws {
        SeedDraws {
            keys: vec!["platforms.share.fraudulent".into(), "platforms.share.sound".into()],
            rows: vec![
                SeedDraw {
                    seed: 1,
                    particle: 3,
                    values: vec!["0.2".into(), "0.5".into()],
                },
                SeedDraw {
                    seed: 2,
                    particle: 0,
                    values: vec!["0.1".into(), "0.6".into()],
                },
            ],
        }
    }

    fn write(records: &[Vec<String>]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = csv::Writer::from_path(file.path()).unwrap();
        for record in records {
            writer.write_record(record).unwrap();
        }
        writer.flush().unwrap();
        file
    }

    #[test]
    fn the_written_draws_read_back_to_the_same_overrides() {
        let file = write(&draws().records());
        let read = SeedDraws::load(file.path(), &[1, 2]).unwrap();
        assert_eq!(read, draws());
        assert_eq!(
            read.overrides(2),
            vec!["platforms.share.fraudulent=0.1", "platforms.share.sound=0.6"]
        );
    }

    #[test]
    fn draws_of_other_seeds_are_refused_naming_both() {
        let file = write(&draws().records());
        let error = SeedDraws::load(file.path(), &[1, 2, 3]).unwrap_err().to_string();
        assert!(
            error.contains("seeds 1 to 2") && error.contains("seeds 1 to 3"),
            "{error}"
        );
    }

    #[test]
    fn a_table_without_the_seed_and_particle_columns_is_refused() {
        let file = write(&[vec!["particle".into(), "seed".into(), "x".into()]]);
        let error = SeedDraws::load(file.path(), &[1]).unwrap_err().to_string();
        assert!(
            error.contains(":1: the header must be") && error.contains("seed,particle"),
            "{error}"
        );
    }

    #[test]
    fn the_final_generation_alone_is_drawn_from() {
        let file = write(&[
            vec![
                "generation".into(),
                "particle".into(),
                "a".into(),
                "weight".into(),
                "distance".into(),
            ],
            vec!["0".into(), "0".into(), "5".into(), "1".into(), "9".into()],
            vec!["1".into(), "0".into(), "1.5".into(), "0".into(), "2".into()],
            vec!["1".into(), "1".into(), "2.5".into(), "3".into(), "1".into()],
        ]);
        let particles = final_generation(file.path(), &["a".to_string()]).unwrap();
        assert_eq!(particles, vec![(vec![1.5], 0.0), (vec![2.5], 3.0)]);
    }
}
