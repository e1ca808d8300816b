"""Importing the contracts' Great Expectations must not import PySpark: pyspark.sql.connect would end a `python -c`
program with status 0 (it takes it for its own doctests), silently."""

from __future__ import annotations

import subprocess
import sys


def test_a_python_c_program_running_the_contracts_runs_to_its_end() -> None:
    program = (
        "import sys\n"
        "from data_contracts.validate import apply_contracts\n"
        "apply_contracts({'fhir_patients': [{'resource_id': 'p', 'mrn': '1', '_delivery': 'd', '_source_file': 'f', "
        "'_file_sha256': 'x', '_position': 1}]})\n"
        "print('reached the end', any(m == 'pyspark' or m.startswith('pyspark.') for m in sys.modules))\n"
        "import pyspark\n"
        "print('pyspark', pyspark.__version__)\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "reached the end False"
    assert completed.stdout.splitlines()[1].startswith("pyspark 4.")
