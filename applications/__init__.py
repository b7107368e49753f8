"""How a case begins, one sub-app per scheme; each creates a ``grants.Grant``."""
