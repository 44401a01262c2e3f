"""`python -m career_app.mcp`: the MCP server over stdio, as the owner of CAREER_COPILOT_TOKEN."""

import logging
import sys

from career_app.mcp.server import server


def main() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)  # stdout carries the protocol
    server.run("stdio")


if __name__ == "__main__":
    main()
