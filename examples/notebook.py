# %% [markdown]
# # Comparing interventions in a platform collapse, from Python
#
# A notebook in cells (`# %%`): open it in VS Code, Spyder or JupyterLab (with jupytext), or run
# it as a script from the repository's root after `pip install ./python`
# (see docs/PYTHON.md). It writes its charts to `output/notebook-*.png`.
#
# The largest fraudulent platform runs away on day 30. Which of the scenario's strategies cuts
# investors' losses, and how sure can we be? Every strategy runs with the same seeds (common
# random numbers), so the differences are paired.

# %%
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files, not windows, when run as a script
import matplotlib.pyplot as plt

import trustsim

Path("output").mkdir(exist_ok=True)
sc = trustsim.Scenario.load("scenarios/platform_collapse.toml", set={"population.users": 10000})
print(sc.name, "- strategies:", ", ".join(sc.strategies), "- reference:", sc.reference_strategy)

# %% [markdown]
# ## Every strategy over eight seeds
# `compare` returns the tables of `trustsim compare` as DataFrames. `comparison` holds each
# strategy's mean of each outcome and its paired difference from the reference, with 95%
# intervals.

# %%
c = sc.compare(seeds=8)
table = c.comparison.query("outcome in ['net_loss_yuan', 'investor_exposure_yuan']")
print(table[["strategy", "outcome", "mean", "diff", "diff_ci_low", "diff_ci_high", "p_value"]].to_string(index=False))

# %% [markdown]
# ## Sector trust over time, mean with 95% bands

# %%
trust = c.summary.query("metric == 'trust_mean'")
fig, ax = plt.subplots(figsize=(8, 4.5))
for strategy, rows in trust.groupby("strategy", sort=False):
    ax.plot(rows["day"], rows["mean"], label=strategy)
    ax.fill_between(rows["day"], rows["ci_low"], rows["ci_high"], alpha=0.15)
ax.axvline(30, color="grey", linestyle=":", label="run-away (day 30)")
ax.set(xlabel="day", ylabel="mean sector trust", title="Platform collapse: sector trust by strategy")
ax.legend(fontsize="small")
fig.tight_layout()
fig.savefig("output/notebook-trust.png", dpi=120)

# %% [markdown]
# ## Each seed's net loss, by strategy
# Means hide heavy tails: every seed's outcome, with the seeds of one strategy side by side.

# %%
order = list(sc.strategies)
losses = c.outcomes.assign(net_loss_million=c.outcomes["net_loss_yuan"] / 1e6)
fig, ax = plt.subplots(figsize=(8, 4.5))
ax.boxplot([losses.query("strategy == @s")["net_loss_million"] for s in order], showfliers=False)
for i, strategy in enumerate(order, start=1):
    values = losses.query("strategy == @strategy")["net_loss_million"]
    ax.scatter([i] * len(values), values, s=12, color="black", zorder=3)
ax.set_xticks(range(1, len(order) + 1), order, rotation=30, ha="right")
ax.set(ylabel="net investor loss (million yuan)", title="Net loss per seed")
fig.tight_layout()
fig.savefig("output/notebook-losses.png", dpi=120)

# %% [markdown]
# ## One world by hand
# Step the reference strategy's world day by day and look at single users: who became a victim,
# and how their literacy and sector trust compare with everyone else's.

# %%
w = sc.world(seed=1)
w.step(60)
users = w.users()
print(users.groupby("state")[["literacy", "herding", "sector_trust", "holdings_yuan"]].mean().round(3))
print(w.platforms().query("state != 'operating'")[["platform", "type", "state", "claims_yuan"]].head())
