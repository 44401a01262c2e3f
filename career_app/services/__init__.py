"""Domain logic in plain Python, one module per concern. Never imports reflex or fastapi."""
