"""The model assets' resources: where the denial models are stored, and the demo practice's ground truth."""

from pathlib import Path

from dagster import ConfigurableResource


class ModelStoreResource(ConfigurableResource):
    """The denial model store (models.denial.store): `<home>/models/denial` by default."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class TruthResource(ConfigurableResource):
    """The ground truth folder (`truth/`): its claims.csv, when there is one (the demo practice), gives the model
    card the true denial probabilities to compare with. A real practice has none; the card then leaves it out."""

    path: str

    @property
    def claims_csv(self) -> Path:
        return Path(self.path) / "claims.csv"
