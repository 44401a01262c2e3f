"""RQ task entry points and the worker process. Tasks are thin: they call services."""
