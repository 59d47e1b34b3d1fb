//! Splitting an ensemble's runs among the tasks of a job array: `--shard i/n` or `--shard auto`
//! (SLURM job arrays, Kubernetes indexed jobs). Runs are numbered strategy-major (every seed of
//! the first strategy, then of the second, …) from 0; shard i of n takes runs k with
//! k mod n = i − 1.

use std::str::FromStr;

use crate::error::{Error, Result};

/// One shard: `index` from 1 to `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

/// What `--shard` says: a shard, or read it from the scheduler's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    /// `i/n`.
    Fixed(Shard),
    /// `auto`.
    Auto,
}

impl Shard {
    /// Whether run number `k` (strategy-major, from 0) belongs to this shard.
    pub fn owns(&self, k: u64) -> bool {
        k % self.count == self.index - 1
    }

    /// A shard after checking 1 ≤ index ≤ count.
    pub fn new(index: u64, count: u64) -> std::result::Result<Shard, String> {
        if count == 0 || index == 0 || index > count {
            return Err(format!("must be `i/n` with 1 ≤ i ≤ n, got `{index}/{count}`"));
        }
        Ok(Shard { index, count })
    }
}

impl FromStr for ShardSpec {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<ShardSpec, String> {
        if text == "auto" {
            return Ok(ShardSpec::Auto);
        }
        let parse = |part: &str| part.trim().parse::<u64>().ok();
        match text.split_once('/').map(|(i, n)| (parse(i), parse(n))) {
            Some((Some(index), Some(count))) => Shard::new(index, count).map(ShardSpec::Fixed),
            _ => Err(format!("must be `i/n` (e.g. `2/8`) or `auto`, got `{text}`")),
        }
    }
}

impl ShardSpec {
    /// The shard, reading `auto` from this process's environment (a value that is not UTF-8 is
    /// read lossily, so it is reported as not a number rather than as unset).
    pub fn resolve_from_env(&self) -> Result<Shard> {
        self.resolve(|name| std::env::var_os(name).map(|value| value.to_string_lossy().into_owned()))
    }

    /// The shard, reading `auto` from the environment through `var`.
    pub fn resolve(&self, var: impl Fn(&str) -> Option<String>) -> Result<Shard> {
        match self {
            ShardSpec::Fixed(shard) => Ok(*shard),
            ShardSpec::Auto => from_environment(var).map_err(|message| Error::Usage {
                option: "--shard auto".to_string(),
                message,
            }),
        }
    }
}

/// The shard of a SLURM array task or a Kubernetes indexed-job pod.
fn from_environment(var: impl Fn(&str) -> Option<String>) -> std::result::Result<Shard, String> {
    let number = |name: &str| -> std::result::Result<Option<u64>, String> {
        var(name)
            .map(|value| {
                value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("`{name}` must be a whole number, got `{value}`"))
            })
            .transpose()
    };
    if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let required =
            |name: &str| number(name)?.ok_or_else(|| format!("`SLURM_ARRAY_TASK_ID` is set but `{name}` is not"));
        let (count, min, max) = (
            required("SLURM_ARRAY_TASK_COUNT")?,
            required("SLURM_ARRAY_TASK_MIN")?,
            required("SLURM_ARRAY_TASK_MAX")?,
        );
        let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        // Only a contiguous range (with a step) numbers its tasks without gaps.
        if max < min
            || (max - min) % step != 0
            || ((max - min) / step).checked_add(1) != Some(count)
            || id < min
            || (id - min) % step != 0
        {
            return Err(format!(
                "the job array must be one range such as `--array=1-{count}`; got tasks {min} to {max} in steps of {step} \
                 ({count} tasks), this one {id}"
            ));
        }
        return Shard::new((id - min) / step + 1, count);
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        let count = number("JOB_COMPLETIONS")?.ok_or(
            "`JOB_COMPLETION_INDEX` is set but `JOB_COMPLETIONS` is not: set it in the Job's pod template to `spec.completions`",
        )?;
        let index = index
            .checked_add(1)
            .ok_or_else(|| format!("`JOB_COMPLETION_INDEX` must be below `JOB_COMPLETIONS` ({count}), got {index}"))?;
        return Shard::new(index, count);
    }
    Err("neither `SLURM_ARRAY_TASK_ID` (a SLURM job array) nor `JOB_COMPLETION_INDEX` (a Kubernetes indexed job) is set; \
         give the shard as `--shard i/n`"
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn auto(vars: &[(&str, &str)]) -> std::result::Result<Shard, String> {
        let vars: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ShardSpec::Auto
            .resolve(|name| vars.get(name).cloned())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn fixed_shards_parse_and_check_their_range() {
        assert_eq!("2/3".parse(), Ok(ShardSpec::Fixed(Shard { index: 2, count: 3 })));
        assert_eq!("auto".parse(), Ok(ShardSpec::Auto));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", ""] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_run_belongs_to_exactly_one_shard() {
        for k in 0..20 {
            let owners = (1..=3).filter(|&index| Shard { index, count: 3 }.owns(k)).count();
            assert_eq!(owners, 1, "run {k}");
        }
    }

    #[test]
    fn slurm_arrays_may_start_at_one_or_zero_and_step() {
        let slurm = |id: &str, min: &str, max: &str, count: &str| {
            auto(&[
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", min),
                ("SLURM_ARRAY_TASK_MAX", max),
                ("SLURM_ARRAY_TASK_COUNT", count),
            ])
        };
        assert_eq!(slurm("1", "1", "4", "4"), Ok(Shard { index: 1, count: 4 }));
        assert_eq!(slurm("0", "0", "3", "4"), Ok(Shard { index: 1, count: 4 }));
        assert_eq!(slurm("3", "0", "3", "4"), Ok(Shard { index: 4, count: 4 }));
        let error = slurm("5", "1", "9", "3").unwrap_err();
        assert!(error.contains("one range"), "{error}");
        let stepped = auto(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "9"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_STEP", "4"),
        ]);
        assert_eq!(stepped, Ok(Shard { index: 2, count: 3 }));
    }

    #[test]
    fn kubernetes_indexes_start_at_zero() {
        let shard = auto(&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "5")]);
        assert_eq!(shard, Ok(Shard { index: 1, count: 5 }));
        let error = auto(&[("JOB_COMPLETION_INDEX", "0")]).unwrap_err();
        assert!(error.contains("JOB_COMPLETIONS"), "{error}");
        let last = u64::MAX.to_string();
        let error = auto(&[("JOB_COMPLETION_INDEX", &last), ("JOB_COMPLETIONS", "5")]).unwrap_err();
        assert!(error.contains("must be below"), "{error}");
        let whole_range = auto(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", &last),
            ("SLURM_ARRAY_TASK_COUNT", "0"),
        ]);
        assert!(whole_range.unwrap_err().contains("one range"));
    }

    #[test]
    fn no_scheduler_is_a_clear_error() {
        let error = auto(&[]).unwrap_err();
        assert!(
            error.contains("--shard auto") && error.contains("SLURM_ARRAY_TASK_ID"),
            "{error}"
        );
    }
}
