"""An edit whose row another request deleted before the commit is a 404 (schemathesis' two workers found
it as a 500 on jobs and sources)."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm.exc import StaleDataError

from career_app.api.app import _deleted_meanwhile


def test_a_row_deleted_before_the_commit_is_a_404():
    api = FastAPI()
    api.add_exception_handler(StaleDataError, _deleted_meanwhile)

    @api.patch("/thing")
    def edit():
        raise StaleDataError("UPDATE statement on table 'things' expected to update 1 row(s); 0 were matched.")

    resp = TestClient(api).patch("/thing")
    assert resp.status_code == 404
    assert "deleted meanwhile" in resp.json()["detail"]
