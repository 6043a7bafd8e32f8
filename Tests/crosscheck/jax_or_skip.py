"""JAX for the cross-checks, in float64 on the CPU, or a clean skip.

    from jax_or_skip import jax, jnp, lax

Importing this module when JAX cannot be imported prints "skipped: JAX is not importable (why)" and exits
with status 3, which the Swift tests that run the cross-checks read as "skipped", never as passed.
"""
import sys

try:
    import jax
    import jax.numpy as jnp
    from jax import lax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
except Exception as error:  # noqa: BLE001 - any import failure means "skip"
    print(f"skipped: JAX is not importable ({error})")
    sys.exit(3)

__all__ = ["jax", "jnp", "lax"]
