"""The kernel: what every layer of Vitrine needs and that imports nothing of Vitrine.

- ``networks``: the registry of networks (codes, labels, default API addresses, adapter paths);
- ``credentials``: channel credentials encrypted at rest;
- ``images``: what any image source must be (format, pixel ceiling, pixels that decode), with the
  refusals' messages, shared by the upload validator and the renditions.

Modules here may use Django's settings, exceptions and translation, and Pillow; never
``calendar_app`` nor ``publishing``.
"""
