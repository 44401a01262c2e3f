"""`python -m career_app.cli run --role ...`: what each machine of a multi-machine deployment runs."""

import sys

import pytest

from career_app import cli


def test_each_role_runs_its_own_processes():
    web = [sys.executable, "-m", "career_app.serve", "--port", "3000"]

    def commands(role):
        return {child.name: child.command for child in cli.role_children(role, web, 4242)}

    assert commands("web") == {"web": web}
    assert commands("worker") == {"worker": [sys.executable, "-m", "career_app.cli", "worker"]}
    # a standalone scheduler lives as long as its supervisor (the pid it is given)
    assert commands("scheduler") == {"scheduler": [sys.executable, "-m", "jobs_worker.scheduler", "4242"]}
    assert set(commands("all")) == {"web", "worker"}  # one machine: the worker starts its own scheduler


def test_a_role_needs_shared_servers(monkeypatch, capsys):
    from career_app.settings import settings

    monkeypatch.setattr(settings, "database_url", None)
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "--role", "worker"])
    assert "DATABASE_URL and REDIS_URL" in str(stop.value.code)
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "--role", "cashier"])
    assert stop.value.code == 2 and "invalid choice" in capsys.readouterr().err
