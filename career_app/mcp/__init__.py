"""The MCP server: another thin front like career_app/api (see server.py)."""
