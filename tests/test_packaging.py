"""Packaging: the wheel and an editable install carry lunr.js; a new digest's workflow runs.

The packaging step (setup.py) runs here on a copy of the sources with an ``npm ci`` of
lunr beside it, with every proxy variable pointing at a closed port and an empty cache,
so it can only take lunr from ``node_modules``. Virtualenvs see the machine's packages
(``--system-site-packages``) for digest's dependencies: nothing is installed from an index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from replay import Paper, ReplayServer, World
from sitebuild import REPO

from digest import __version__

NODE_LUNR = REPO / "node_modules" / "lunr"  # what `npm ci` installed and verified
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "package-lock.json",
           "src", "templates")
BASE_URL = "https://example.github.io/mydigest"
# The only expressions the run steps may hold; the test stands in for GitHub.
EXPRESSIONS = {"${{ steps.pages.outputs.base_url }}": BASE_URL}


def offline_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no PYTHONPATH, an empty home, every proxy a closed port."""
    closed = "http://127.0.0.1:9"
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
            "http_proxy": closed, "https_proxy": closed, "HTTP_PROXY": closed,
            "HTTPS_PROXY": closed, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1",
            "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "LC_ALL": "C.UTF-8",
            **extra}


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@dataclass(frozen=True)
class Built:
    sources: Path
    wheel: Path
    log: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A wheel built by pip from a copy of the sources, without network or build isolation."""
    root = tmp_path_factory.mktemp("packaging")
    sources = root / "sources"
    for name in SOURCES:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, sources / name, symlinks=True, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info", "lunr.min.js", "LICENSE"))
        else:
            sources.mkdir(exist_ok=True)
            shutil.copy2(origin, sources / name)
    assert not (sources / "src/digest/_vendor/lunr/lunr.min.js").exists()  # the step must run
    shutil.copytree(NODE_LUNR, sources / "node_modules" / "lunr")
    shutil.copy2(REPO / "node_modules" / ".package-lock.json", sources / "node_modules")
    wheels = root / "wheels"
    log = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v",
               "-w", str(wheels), str(sources)], root, offline_env(root / "home"))
    found = sorted(wheels.glob("*.whl"))
    assert len(found) == 1, found
    return Built(sources, found[0], log.stdout + log.stderr)


def test_the_wheel_carries_lunr_and_its_licence_from_node_modules(built: Built) -> None:
    assert built.wheel.name == f"digest_ssg-{__version__}-py3-none-any.whl"
    assert f"lunr.js from {built.sources / 'node_modules' / 'lunr'}" in built.log
    with zipfile.ZipFile(built.wheel) as wheel:
        assert wheel.read("digest/_vendor/lunr/lunr.min.js") == (
            NODE_LUNR / "lunr.min.js").read_bytes()
        assert wheel.read("digest/_vendor/lunr/LICENSE") == (NODE_LUNR / "LICENSE").read_bytes()
        assert not [n for n in wheel.namelist() if n.endswith(".gitignore")]
        metadata = wheel.read(f"digest_ssg-{__version__}.dist-info/METADATA").decode()
        entry_points = wheel.read(f"digest_ssg-{__version__}.dist-info/entry_points.txt")
    assert "Name: digest-ssg\n" in metadata and f"Version: {__version__}\n" in metadata
    assert b"digest = digest.cli:main" in entry_points


def venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)],
                   check=True, timeout=120)
    return folder / "bin"


def test_an_editable_install_finds_the_packaged_lunr(built: Built, tmp_path: Path) -> None:
    bin_dir = venv(tmp_path / "venv")
    env = offline_env(tmp_path / "home")
    target = built.sources / "src/digest/_vendor/lunr"
    shutil.rmtree(target)  # as in a fresh clone: the step must write it again
    target.mkdir()
    run([str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "-e", str(built.sources)], tmp_path, env)
    script = "import digest.inputs.vendored as v; print(v.packaged_folder()); print(sorted(v.lunr_assets()))"
    found = run([str(bin_dir / "python"), "-c", script], tmp_path, env)
    assert found.stdout.splitlines() == [
        str(target), "['assets/lunr/LICENSE', 'assets/lunr/lunr.min.js']"]
    assert (target / "lunr.min.js").read_bytes() == (NODE_LUNR / "lunr.min.js").read_bytes()


def run_steps(workflow: dict[str, Any], jobs: list[str], project: Path,
              env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Run the ``run:`` steps of ``jobs`` in order as GitHub would (``bash -e``).

    Yields (step name, output). The one ``if:`` a run step has (fetch only when
    "Look for sources" found a ``sources:`` key) is read from ``$GITHUB_OUTPUT``.
    """
    for job in jobs:
        for step in workflow["jobs"][job]["steps"]:
            script = step.get("run")
            if script is None:
                continue
            condition = step.get("if")
            if condition is not None:
                assert condition == "steps.sources.outputs.configured == 'true'", condition
                outputs = Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
                if "configured=true" not in outputs:
                    continue
            step_env = dict(env)
            for key, value in step.get("env", {}).items():
                step_env[key] = EXPRESSIONS[value]
            assert "${{" not in script, script
            result = subprocess.run(["bash", "-e", "-c", script], cwd=project, env=step_env,
                                    capture_output=True, text=True, timeout=300, check=False)
            name = step.get("name", script)
            assert result.returncode == 0, f"{job}: {name}\n{result.stdout}\n{result.stderr}"
            yield name, result.stdout + result.stderr


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(project)}).stdout


def new_digest(tmp_path: Path) -> Path:
    """``digest new`` (this checkout's), committed and pushed as its owner would."""
    subprocess.run([sys.executable, "-m", "digest", "new", "mydigest"], cwd=tmp_path,
                   check=True, capture_output=True)
    project = tmp_path / "mydigest"
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(origin))
    git(project, "init", "--quiet", "-b", "main")
    git(project, "add", ".")
    git(project, "-c", "user.name=Owner", "-c", "user.email=owner@example.org", "commit",
        "--quiet", "-m", "My digest")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "--quiet", "-u", "origin", "main")
    return project


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_new_digests_workflow_steps_build_the_site_with_the_built_wheel(
        built: Built, tmp_path: Path) -> None:
    project = new_digest(tmp_path)
    head = git(project, "rev-parse", "HEAD").strip()
    bin_dir = venv(tmp_path / "venv")
    outputs = tmp_path / "github_output"
    outputs.touch()
    # A runner has nothing installed; here this checkout is installed (editable) in the
    # system site-packages the venv sees, which pip would take as satisfying the pin. So
    # pip ignores what is installed and takes only the wheel; its dependencies come from
    # those system site-packages (no index here).
    env = offline_env(tmp_path / "home", PATH=f"{bin_dir}:/usr/bin:/bin",
                      PIP_FIND_LINKS=str(built.wheel.parent), GITHUB_OUTPUT=str(outputs),
                      PIP_IGNORE_INSTALLED="1", PIP_NO_DEPS="1")
    workflow = load(project / ".github/workflows/pages.yml")
    ran = list(run_steps(workflow, ["fetch", "build"], project, env))
    assert [name for name, _ in ran] == ["Install digest", "Look for sources",
                                         "Commit new listings", "Install digest", "Build"]
    assert f"Successfully installed digest-ssg-{__version__}" in ran[0][1]
    assert "digest.yaml lists no sources: nothing to fetch" in ran[1][1]
    assert "no new listings" in ran[2][1]
    assert outputs.read_text() == f"commit={head}\n"  # nothing to fetch: no commit
    where = "import digest; print(digest.__file__)"
    installed = subprocess.run([str(bin_dir / "python"), "-c", where], env=env,
                               capture_output=True, text=True, check=True).stdout
    assert installed.startswith(str(tmp_path / "venv"))  # the wheel, not this checkout
    site = project / "site"
    assert (site / "assets/lunr/lunr.min.js").read_bytes() == (
        NODE_LUNR / "lunr.min.js").read_bytes()
    assert (site / "search/index.json").is_file()
    assert f"<link>{BASE_URL}/</link>" in (site / "feed.xml").read_text()
    assert git(project, "status", "--porcelain", "--untracked-files=no") == ""


def test_the_scheduled_run_fetches_commits_and_builds_with_the_built_wheel(
        built: Built, tmp_path: Path) -> None:
    """The fetch job's steps with a ``sources:`` entry, against the replay server."""
    project = new_digest(tmp_path)
    with (project / "digest.yaml").open("a", encoding="utf-8") as config:
        config.write("sources:\n  - {name: hf-daily, kind: huggingface, backfill_days: 2}\n")
    git(project, "-c", "user.name=Owner", "-c", "user.email=owner@example.org", "commit",
        "--quiet", "-am", "Fetch Daily Papers")
    git(project, "push", "--quiet")
    bin_dir = venv(tmp_path / "venv")
    outputs = tmp_path / "github_output"
    outputs.touch()
    featured = [Paper(f"2512.0900{n}", title, ("Ada Lovelace",), "2025-12-08T10:00:00Z",
                      summary=f"About {title.lower()}.", hf={"featured": "2025-12-09",
                                                             "upvotes": n})
                for n, title in enumerate(["Tiny Vision Models", "Sparse Attention Again"], 1)]
    server = ReplayServer(World({p.id: p for p in featured}, today="2025-12-09"))
    with server.running():
        env = offline_env(tmp_path / "home", PATH=f"{bin_dir}:/usr/bin:/bin",
                          PIP_FIND_LINKS=str(built.wheel.parent), GITHUB_OUTPUT=str(outputs),
                          PIP_IGNORE_INSTALLED="1", PIP_NO_DEPS="1",
                          SOURCE_DATE_EPOCH="1765281600",  # 2025-12-09 12:00 UTC
                          DIGEST_HUGGINGFACE_API=server.hf_url, NO_PROXY="127.0.0.1",
                          no_proxy="127.0.0.1")
        workflow = load(project / ".github/workflows/pages.yml")
        ran = dict(run_steps(workflow, ["fetch", "build"], project, env))
    assert list(ran) == ["Install digest", "Look for sources", "Fetch new papers",
                         "Commit new listings", "Build"]
    assert "hf-daily 2025-12-08: fetched, 0 new" in ran["Fetch new papers"]
    assert "hf-daily 2025-12-09: 2 papers, 2 new" in ran["Fetch new papers"]
    assert [q["date"] for q in server.requests("hf-daily")] == [["2025-12-08"], ["2025-12-09"]]
    log = git(tmp_path / "origin.git", "log", "-1", "--format=%an%n%s", "--name-only")
    assert log.splitlines() == ["github-actions[bot]", "Fetch new papers", "",
                                "content/fetch-log.tsv",
                                "content/listings/2025-12-09-hf-daily.json"]
    page = (project / "site/editions/2025-12-09-hf-daily/index.html").read_text("utf-8")
    assert "Tiny Vision Models" in page and "Sparse Attention Again" in page


def test_the_commit_step_pushes_new_listings_as_the_bot_and_only_then(tmp_path: Path) -> None:
    project = new_digest(tmp_path)
    workflow = load(project / ".github/workflows/pages.yml")
    commit = [s for s in workflow["jobs"]["fetch"]["steps"]
              if s.get("name") == "Commit new listings"]
    only_commit = {"jobs": {"fetch": {"steps": commit}}}
    outputs = tmp_path / "github_output"
    env = offline_env(tmp_path / "home", GITHUB_OUTPUT=str(outputs))
    before = git(project, "rev-parse", "HEAD").strip()
    fetched = project / "content/listings/2025-12-09-huggingface.json"
    fetched.write_text('[{"title": "A fetched paper"}]\n')  # what `digest fetch` would write
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("built")  # not content: never committed
    dict(run_steps(only_commit, ["fetch"], project, env))
    log = git(tmp_path / "origin.git", "log", "-1", "--format=%an <%ae>%n%s", "--name-only")
    assert log.splitlines() == [
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
        "Fetch new papers", "", "content/listings/2025-12-09-huggingface.json"]
    after = git(project, "rev-parse", "HEAD").strip()
    assert after != before and outputs.read_text() == f"commit={after}\n"
    outputs.write_text("")
    ran = dict(run_steps(only_commit, ["fetch"], project, env))  # the same day again
    assert "no new listings" in ran["Commit new listings"]
    assert git(tmp_path / "origin.git", "rev-parse", "main").strip() == after
    assert outputs.read_text() == f"commit={after}\n"
