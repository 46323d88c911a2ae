"""The simulated networks: every ``Simulator`` subclass in this package's modules, found at start-up."""

from __future__ import annotations

import importlib
import pkgutil

from publishing.sandbox.server import Simulator


def _discover() -> list[type[Simulator]]:
    found = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Simulator) and value is not Simulator and value.network
        ]
    return found


SIMULATORS = _discover()
