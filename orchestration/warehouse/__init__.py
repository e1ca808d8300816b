"""The warehouse: the dbt project as Dagster assets."""
