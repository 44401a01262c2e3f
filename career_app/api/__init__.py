"""The REST surface under /api/v1: one router per route group of the seed documents."""
