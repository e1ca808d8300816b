"""The one place that decides where Lantern's data lives.

Precedence, for each path: an explicit option, then an environment variable, then a default
under the home folder. The home folder itself is the `--home` option, else `LANTERN_HOME`,
else `data/` under the current directory. Nothing else in Lantern reads `os.environ`: the
command line passes it in as `env`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "LANTERN_HOME"
ENV_LANDING = "LANTERN_LANDING"
ENV_WAREHOUSE = "LANTERN_WAREHOUSE"
ENV_TRUTH = "LANTERN_TRUTH"
ENV_CONFIG = "LANTERN_CONFIG"

DEFAULT_HOME = Path("data")


@dataclass(frozen=True, slots=True)
class LanternPaths:
    """Absolute locations of everything Lantern reads and writes."""

    home: Path  # the folder the defaults below live in
    landing: Path  # the landing zone: ehr/, pm/, payer/ deliveries
    warehouse: Path  # the DuckDB file
    dagster_home: Path  # DAGSTER_HOME for the local Dagster instance
    model_store: Path  # trained models and their cards
    truth: Path  # the demo practice's ground truth (true denial probabilities and the like)
    config: Path  # the practice's configuration file (payer rules): practice.toml

    @classmethod
    def resolve(
        cls,
        home: str | Path | None = None,
        landing: str | Path | None = None,
        warehouse: str | Path | None = None,
        truth: str | Path | None = None,
        config: str | Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> LanternPaths:
        """Resolve every path: explicit option > environment variable > default under home.

        `env` is the environment to consult (the command line passes `os.environ`); None means
        an empty one. An empty variable counts as unset. Relative paths are taken from the
        current directory, and every result is absolute.
        """
        env = {} if env is None else env

        def pick(option: str | Path | None, variable: str, default: Path) -> Path:
            if option is not None and str(option) != "":
                chosen = Path(option)
            elif env.get(variable):
                chosen = Path(env[variable])
            else:
                chosen = default
            return chosen.expanduser().resolve()

        home_path = pick(home, ENV_HOME, DEFAULT_HOME)
        return cls(
            home=home_path,
            landing=pick(landing, ENV_LANDING, home_path / "landing"),
            warehouse=pick(warehouse, ENV_WAREHOUSE, home_path / "warehouse.duckdb"),
            dagster_home=home_path / "dagster_home",
            model_store=home_path / "models",
            truth=pick(truth, ENV_TRUTH, home_path / "truth"),
            config=pick(config, ENV_CONFIG, home_path / "config" / "practice.toml"),
        )

    @property
    def raw_parquet(self) -> Path:
        """The raw layer published as Parquet, by table, practice and delivery (orchestration.raw_parquet)."""
        return self.home / "raw"

    @property
    def spark(self) -> Path:
        """The Spark warehouse's tables and catalog, when it is built on Spark (orchestration.spark)."""
        return self.home / "spark"

    @property
    def practice_secret(self) -> Path:
        """The practice's secret key for the analysts' pseudonyms (orchestration.private_files.practice_secret)."""
        return self.home / "config" / "practice.secret"

    @property
    def warehouse_key_file(self) -> Path:
        """The warehouse's key file when no option or LANTERN_WAREHOUSE_KEY names a key
        (orchestration.warehouse_key): used only if it exists."""
        return self.home / "config" / "warehouse.key"
