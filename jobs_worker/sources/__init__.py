"""One adapter per job source (career sites, job boards)."""
