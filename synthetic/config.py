"""What a demo practice is generated from: size, window, seed and whether deliveries are messy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    clinicians: int = 50
    months: int = 36
    seed: int = 7
    start: date = date(2023, 1, 1)  # first day of the first reported month
    burn_in_months: int = 3  # history before `start`, shipped in the first delivery so month one is steady
    messy: bool = False
    timezone: str = "America/Chicago"

    def __post_init__(self) -> None:
        if self.clinicians < 1:
            raise ValueError(f"clinicians must be at least 1, got {self.clinicians}")
        if not 1 <= self.months <= 120:
            raise ValueError(f"months must be between 1 and 120, got {self.months}")
        if self.start.day != 1:
            raise ValueError(f"start must be the first day of a month, got {self.start.isoformat()}")
        if not 0 <= self.burn_in_months <= 12:
            raise ValueError(f"burn_in_months must be between 0 and 12, got {self.burn_in_months}")
