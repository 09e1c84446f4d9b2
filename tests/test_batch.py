"""render_many: many deployments, each distinct chart loaded once, on no executor, threads or processes."""

from __future__ import annotations

import io
import tarfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, List

import pytest

from profile_render import (
    ChartCache,
    DeploymentContext,
    ImageRegistry,
    ProfileRenderError,
    RenderRequest,
    Secret,
    load_chart,
    render,
    render_many,
)
from profile_render.errors import ChartError, ValuesTypeError

ROOT = Path(__file__).resolve().parent.parent
HELLO = ROOT / "examples" / "hello-chart"
WEB = ROOT / "examples" / "web-chart"
PROFILE = {"imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}], "image": {"repository": "%ImageRegistryURL%/app"}}
REGISTRY = ImageRegistry(name="harbor", root_url="oci://registry.example.com/acme", username="robot",
                         password=Secret("batch-token"))


def _context(n: int) -> DeploymentContext:
    return DeploymentContext(app_name="app", app_version="1.0.0", deployment_name=f"deployment-{n:03d}",
                             namespace="apps")


def _tgz(folder: Path) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return out.getvalue()


def _requests() -> List[RenderRequest]:
    """Nine deployments of three charts (a directory, an archive in memory, a loaded chart), interleaved."""
    archive = _tgz(HELLO)
    loaded = load_chart(WEB)
    charts = [HELLO, archive, loaded]
    return [RenderRequest(charts[n % 3], _context(n), PROFILE, [{"replicaCount": n + 1, "adminEmail": "ops@example.com"}], REGISTRY,
                          key=f"d{n}")
            for n in range(9)]


def _expected(requests: List[RenderRequest]) -> List[str]:
    return [render(r.chart if not isinstance(r.chart, bytes) else load_chart_bytes(r.chart), r.profile, r.overrides,
                   context=r.context, registry=r.registry).to_json() for r in requests]


def load_chart_bytes(data: bytes) -> Any:
    from profile_render import Chart
    return Chart.from_archive(data)


def masked_json(result: Any) -> str:
    """A transform for process pools: send back only the masked JSON (module level, so it pickles)."""
    return result.to_json(masked=True)


def test_without_an_executor_each_chart_loads_once_and_outcomes_keep_request_order() -> None:
    requests = _requests()
    cache = ChartCache()
    outcomes = render_many(requests, cache=cache)
    assert [o.index for o in outcomes] == list(range(9)) and [o.key for o in outcomes] == [f"d{n}" for n in range(9)]
    assert all(o.ok for o in outcomes)
    assert [o.result.to_json() for o in outcomes] == _expected(requests)
    assert [o.result.value("replicaCount") for o in outcomes] == list(range(1, 10))
    stats = cache.stats()
    assert stats.misses == 2 and stats.hits == 0  # the directory and the archive, once each; the Chart is used as is
    render_many(requests, cache=cache)
    assert cache.stats().misses == 2 and cache.stats().hits == 2  # a later batch finds them in the cache


def test_errors_are_returned_per_request_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = RenderRequest(HELLO, _context(1), PROFILE, registry=REGISTRY, key="good")
    nan = RenderRequest(HELLO, _context(2), PROFILE, [{"replicaCount": float("nan")}], REGISTRY, key="nan")
    missing = RenderRequest(tmp_path / "no-such-chart", _context(3), key="missing")
    also_missing = RenderRequest(tmp_path / "no-such-chart", _context(4), key="also-missing")
    no_registry = RenderRequest(HELLO, _context(5), PROFILE, key="no-registry")
    outcomes = render_many([good, nan, missing, also_missing, no_registry])
    by_key = {o.key: o for o in outcomes}
    assert by_key["good"].ok and by_key["good"].result.value("imagePullSecrets") == [{"name": by_key["good"].result.secret_name}]
    assert isinstance(by_key["nan"].error, ValuesTypeError) and by_key["nan"].result is None
    assert "replicaCount" in str(by_key["nan"].error)
    assert isinstance(by_key["missing"].error, ChartError) and by_key["also-missing"].error is by_key["missing"].error
    assert isinstance(by_key["no-registry"].error, ProfileRenderError)
    assert "GeneratedDockerCredential" in str(by_key["no-registry"].error)
    assert all("batch-token" not in str(o.error) for o in outcomes if o.error is not None)


def test_threads_give_the_same_outcomes_as_one_thread() -> None:
    requests = _requests()
    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = render_many(requests, pool, chunk_size=2)
    assert [o.result.to_json() for o in outcomes] == _expected(requests)


def test_a_process_pool_renders_in_workers_and_results_come_back_whole() -> None:
    requests = _requests()
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = render_many(requests, pool, chunk_size=2)
        masked = render_many(requests, pool, transform=masked_json)
    assert [o.result.to_json() for o in outcomes] == _expected(requests)
    # a result pickled back still explains itself, and masks its secrets
    origin = outcomes[0].result.origin("image.repository")
    assert origin is not None and origin.layer == "profile"
    assert [o.result for o in masked] == [o.result.to_json(masked=True) for o in outcomes]
    assert all("batch-token" not in text for text in (o.result for o in masked))


def test_errors_of_every_kind_come_back_from_a_process_pool_as_they_were_raised() -> None:
    schema = RenderRequest(WEB, _context(1), key="schema")  # web requires adminEmail: a SchemaValidationError
    strict = RenderRequest(HELLO, _context(2), overrides=[{"image": "flat"}], options={"strict": True}, key="strict")
    here = {o.key: o.error for o in render_many([schema, strict])}
    with ProcessPoolExecutor(max_workers=2) as pool:
        there = {o.key: o.error for o in render_many([schema, strict], pool)}
    for key in ("schema", "strict"):
        assert type(there[key]) is type(here[key]) and there[key].to_dict() == here[key].to_dict()
    assert there["schema"].violations == here["schema"].violations and there["strict"].warning == here["strict"].warning


def test_options_reach_render_and_misuse_is_refused_before_anything_runs() -> None:
    request = RenderRequest(HELLO, _context(1), options={"set_values": ["service.port=9090"], "validate_schema": False})
    (outcome,) = render_many([request])
    assert outcome.result.value("service.port") == 9090
    with pytest.raises(TypeError, match="RenderRequest.options holds 'context'.*a field of RenderRequest"):
        RenderRequest(HELLO, _context(1), options={"context": _context(2)})
    with pytest.raises(TypeError, match="must be a Chart"):
        RenderRequest("examples/hello-chart", _context(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="item 1 is dict"):
        render_many([request, {"chart": HELLO}])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="chunk_size"):
        render_many([request], chunk_size=0)
    with pytest.raises(TypeError, match="Executor"):
        render_many([request], executor=object())  # type: ignore[arg-type]
