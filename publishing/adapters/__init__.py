"""One adapter per network (``kernel.networks.NETWORKS`` names each one's class)."""

from __future__ import annotations

from django.utils.module_loading import import_string

from kernel.networks import NETWORKS
from publishing.adapters.base import NetworkAdapter


def adapter_class(network: str) -> type[NetworkAdapter]:
    return import_string(NETWORKS[network].adapter_path)


def adapter_for(channel, **options) -> NetworkAdapter:
    """The adapter of ``channel``'s network, at its API address, with its decrypted credentials."""
    return adapter_class(channel.network)(
        base_url=channel.effective_api_base_url, credentials=channel.get_credentials(), **options
    )
