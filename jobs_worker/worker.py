"""The worker process: listens on every queue of career_app.services.tasks."""

import logging

from rq import Queue, Worker

from career_app.db import rq_redis
from career_app.settings import settings
from career_app.services import embeddings
from career_app.services.tasks import QUEUES


def run(burst: bool = False) -> None:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s worker %(levelname)s %(message)s")
    # Load the embedding model once, before RQ forks a child per job: children share it.
    embeddings.load()
    conn = rq_redis()
    queues = [Queue(name, connection=conn) for name in QUEUES]
    Worker(queues, connection=conn).work(burst=burst, with_scheduler=True)
