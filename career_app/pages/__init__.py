"""One module per page: layout only; behaviour lives in state/."""
