"""How `lantern serve` starts the Streamlit app: the command line and the environment, worked out by pure
functions (tested), then one subprocess."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

APP = Path(__file__).with_name("app.py")
DEFAULT_PORT = 8501  # Streamlit's own
# Patient data stays on this machine unless asked otherwise; and with an address set, Streamlit does not look
# up the machine's external IP on the internet to print it.
DEFAULT_ADDRESS = "localhost"


def port_to_use(port: int | None, environ: Mapping[str, str]) -> int:
    """The --port option, else Streamlit's own setting (STREAMLIT_SERVER_PORT), else 8501."""
    if port is not None:
        return port
    value = environ.get("STREAMLIT_SERVER_PORT")
    if value:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"STREAMLIT_SERVER_PORT is not a port number: {value!r}") from None
    return DEFAULT_PORT


def streamlit_command(port: int | None, address: str = DEFAULT_ADDRESS) -> list[str]:
    """`python -m streamlit run dashboards/app.py` headless, without usage statistics, on `address`;
    --server.port only when the option was given, so Streamlit's own settings (STREAMLIT_SERVER_PORT,
    .streamlit/config.toml) hold otherwise."""
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.address", address,
               "--client.toolbarMode", "viewer"]  # no "Deploy" button: this app stays on the practice's machine
    if port is not None:
        command += ["--server.port", str(port)]
    return command


def serve_environment(environ: Mapping[str, str], warehouse: Path, home: Path,
                      warehouse_key: str | None = None) -> dict[str, str]:
    """The app's environment: the warehouse it reads, its key if it is encrypted (in the server's environment, which
    only its user can read, never in a file), and Lantern's home (for the model store)."""
    environment = {key: value for key, value in environ.items() if key != "LANTERN_WAREHOUSE_KEY"}
    if warehouse_key is not None:
        environment["LANTERN_WAREHOUSE_KEY"] = warehouse_key
    return {**environment, "LANTERN_WAREHOUSE": str(warehouse.resolve()), "LANTERN_HOME": str(home.resolve()),
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
