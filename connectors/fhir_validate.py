"""Structural validation of FHIR resources (parsed JSON) against the fhir.resources R4B models.

R4B (4.3.0) is the closest model set fhir.resources ships to R4 (4.0.1); the resources the platform reads
(Patient, Practitioner, Encounter, Condition, Observation, DocumentReference) have the same shape in both.
This checks cardinality, data types, primitive formats (id, date, dateTime, base64Binary) and choice
types; it does not check code bindings (e.g. an unknown Patient.gender passes) or profiles.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError


def _model_for(resource_type: str) -> type[Resource] | None:
    try:
        model = get_fhir_model_class(resource_type)
    except ValueError:
        return None
    # get_fhir_model_class also returns data types (Coding, Period...), which are not resources
    return model if issubclass(model, Resource) else None


def _where(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def validate_fhir_resource(resource: dict) -> list[str]:
    """Error messages for one resource, each prefixed with its path; an empty list means valid."""
    if not isinstance(resource, dict):
        return [f"expected a JSON object, got {type(resource).__name__}"]
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        return ["missing resourceType"]
    model = _model_for(resource_type)
    if model is None:
        return [f"unknown resourceType {resource_type!r}"]
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        return [f"{resource_type}{_where(error['loc'])}: {error['msg']}" for error in exc.errors()]
    return []
