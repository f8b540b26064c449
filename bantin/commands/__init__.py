"""Sub-commands of ``bantin``, one module per area; each exposes ``register(app)``."""

__all__: list[str] = []
