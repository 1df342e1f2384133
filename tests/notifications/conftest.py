import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the code under test does after its commit (here Celery runs in-process):
    ``committed(service, **arguments)``."""

    def run_after_commit(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run_after_commit
