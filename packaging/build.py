"""Build the double-click app: `.venv/bin/python packaging/build.py [options]` (see packaging/README.md).

Runs PyInstaller with packaging/bothy.spec (one folder, windowed, starter model inside), then does
this platform's finishing steps:

  Linux    dist/Bothy/ with bothy.desktop, the icon and install.sh; dist/Bothy-VERSION-linux-ARCH.tar.gz;
           with --appimage also dist/Bothy.AppDir and, when appimagetool is on PATH, the AppImage
  macOS    dist/Bothy.app (ad-hoc signed, or with BOTHY_CODESIGN_IDENTITY); a .zip, and a .dmg when
           hdiutil is there
  Windows  dist/Bothy/Bothy.exe; dist/Bothy-VERSION-windows-ARCH.zip

Options:
  --backend cpu|cuda|vulkan|metal   first rebuild llama-cpp-python for that backend (CMAKE_ARGS)
  --appimage                        Linux: also make the AppDir and, with appimagetool, the AppImage
  --test                            afterwards run tests/packaging against the built app
  --measure                         afterwards print the bundle size and the launch-to-window time
  --no-archive                      skip the tarball / zip / dmg
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
SPEC = PACKAGING / "bothy.spec"
APP_NAME = "Bothy"

# llama.cpp tunes for the building CPU by default (-march=native); a bundle has to run on other
# computers, so x86-64 builds target AVX2 (as bothy.sh does).
PORTABLE_X86 = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
BACKEND_FLAGS = {
    "cpu": "",
    "cuda": "-DGGML_CUDA=on",
    "vulkan": "-DGGML_VULKAN=on",
    "metal": "-DGGML_METAL=on",
}


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from assistant import __version__

    return __version__


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x64", "x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)


def cmake_args(backend: str, machine: str | None = None) -> str:
    """CMAKE_ARGS for building llama-cpp-python with this backend, portable across CPUs of the arch."""
    if backend not in BACKEND_FLAGS:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKEND_FLAGS)}")
    machine = (machine or platform.machine()).lower()
    parts = [PORTABLE_X86] if machine in ("x86_64", "amd64") else []
    if BACKEND_FLAGS[backend]:
        parts.append(BACKEND_FLAGS[backend])
    return " ".join(parts)


def rebuild_llama(backend: str) -> None:
    """Reinstall the same llama-cpp-python version, compiled for `backend` (takes minutes)."""
    from importlib.metadata import version as dist_version

    pinned = f"llama-cpp-python=={dist_version('llama-cpp-python')}"
    env = dict(os.environ, CMAKE_ARGS=cmake_args(backend))
    print(f"Rebuilding {pinned} with CMAKE_ARGS={env['CMAKE_ARGS']!r} (several minutes)...", flush=True)
    cmd = [sys.executable, "-m", "pip", "install", "--force-reinstall", "--no-cache-dir", "--no-deps", pinned]
    subprocess.run(cmd, env=env, check=True)


def built_backend(app_dir: Path) -> str:
    """The llama.cpp backend a built bundle carries, from its ggml libraries."""
    names = " ".join(p.name.lower() for p in app_dir.rglob("*ggml*"))
    for backend in ("cuda", "vulkan", "metal", "hip", "sycl"):
        if f"ggml-{backend}" in names:
            return backend
    return "cpu"


def app_folder() -> Path:
    """The built one-folder app: dist/Bothy (Linux, Windows) or dist/Bothy.app (macOS)."""
    return DIST / f"{APP_NAME}.app" if sys.platform == "darwin" else DIST / APP_NAME


def executable(folder: Path | None = None) -> Path:
    folder = folder or app_folder()
    if folder.suffix == ".app":
        return folder / "Contents" / "MacOS" / APP_NAME
    return folder / (f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME)


def folder_size(path: Path) -> int:
    """Bytes in the files under path (symbolic links count as nothing, as in the archive)."""
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def run_pyinstaller() -> None:
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(DIST), "--workpath", str(WORK)]
    subprocess.run([*cmd, str(SPEC)], cwd=ROOT, check=True)


# -- per platform ------------------------------------------------------------------------------------
def finish_linux(name: str, *, archive: bool, appimage: bool) -> list[Path]:
    app = app_folder()
    for src in (PACKAGING / "linux" / "bothy.desktop", PACKAGING / "linux" / "install.sh"):
        shutil.copy2(src, app / src.name)
    shutil.copy2(PACKAGING / "icons" / "bothy.png", app / "bothy.png")
    shutil.copy2(PACKAGING / "icons" / "bothy.svg", app / "bothy.svg")
    out = []
    if archive:
        tarball = DIST / f"{name}.tar.gz"
        print(f"Writing {tarball.name}...", flush=True)
        with tarfile.open(tarball, "w:gz", compresslevel=6) as tar:
            tar.add(app, arcname=APP_NAME)
        out.append(tarball)
    if appimage:
        out += make_appimage(name)
    return out


def make_appimage(name: str) -> list[Path]:
    """dist/Bothy.AppDir (AppRun, desktop file, icon, the app under usr/lib/bothy) and, if possible, the AppImage."""
    appdir = DIST / f"{APP_NAME}.AppDir"
    if appdir.exists():
        shutil.rmtree(appdir)
    shutil.copytree(app_folder(), appdir / "usr" / "lib" / "bothy", symlinks=True)
    shutil.copy2(PACKAGING / "linux" / "bothy.desktop", appdir / "bothy.desktop")
    shutil.copy2(PACKAGING / "icons" / "bothy.png", appdir / "bothy.png")
    (appdir / ".DirIcon").symlink_to("bothy.png")
    apprun = appdir / "AppRun"
    apprun.write_text(
        '#!/bin/sh\nHERE="$(dirname "$(readlink -f "$0")")"\nexec "$HERE/usr/lib/bothy/Bothy" "$@"\n', encoding="utf-8"
    )
    apprun.chmod(0o755)
    tool = shutil.which("appimagetool") or shutil.which("appimagetool-x86_64.AppImage")
    if not tool:
        print(
            f"{appdir} is ready. appimagetool is not on PATH (no package registry carries it): get it from\n"
            "https://github.com/AppImage/appimagetool/releases, then run\n"
            f"  ARCH={platform.machine()} appimagetool {appdir} {DIST / (name + '.AppImage')}"
        )
        return [appdir]
    image = DIST / f"{name}.AppImage"
    env = dict(os.environ, ARCH=platform.machine())
    subprocess.run([tool, "--no-appstream", str(appdir), str(image)], env=env, check=True)
    return [appdir, image]


def finish_macos(name: str, *, archive: bool) -> list[Path]:
    app = app_folder()
    identity = os.environ.get("BOTHY_CODESIGN_IDENTITY")
    if identity:  # PyInstaller signed each file; seal the whole bundle with the hardened runtime
        entitlements = PACKAGING / "macos" / "entitlements.plist"
        subprocess.run(
            ["codesign", "--force", "--deep", "--timestamp", "--options", "runtime", "--entitlements",
             str(entitlements), "--sign", identity, str(app)],
            check=True,
        )  # fmt: skip
    subprocess.run(["codesign", "--verify", "--deep", "--strict", str(app)], check=False)
    out = []
    if archive:
        zipped = DIST / f"{name}.zip"
        subprocess.run(["ditto", "-c", "-k", "--keepParent", str(app), str(zipped)], check=True)
        out.append(zipped)
        if shutil.which("hdiutil"):
            dmg = DIST / f"{name}.dmg"
            cmd = ["hdiutil", "create", "-volname", APP_NAME, "-srcfolder", str(app), "-ov", "-format", "UDZO"]
            subprocess.run([*cmd, str(dmg)], check=True)
            out.append(dmg)
    return out


def finish_windows(name: str, *, archive: bool) -> list[Path]:
    app = app_folder()
    if not any(app.rglob("vcomp140.dll")):
        print("WARNING: vcomp140.dll is not in the bundle: computers without the Visual C++ Redistributable")
        print("will fail to load llama.dll. Install the redistributable (x64) on this computer and build again.")
    out = []
    if archive:
        out.append(Path(shutil.make_archive(str(DIST / name), "zip", DIST, APP_NAME)))
    return out


# -- checks ------------------------------------------------------------------------------------------
def measure(runs: int = 5) -> dict:
    """Bundle size and launch-to-window time (median of `runs`), each run with a new BOTHY_HOME."""
    exe = executable()
    times = []
    env = dict(os.environ, BOTHY_EXIT_WHEN_SHOWN="1")
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="bothy-measure-") as tmp:
        for i in range(runs):
            env["BOTHY_HOME"] = str(Path(tmp) / f"home-{i}")
            started = time.time()
            done = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=120)
            shown = [line.split() for line in done.stdout.splitlines() if line.startswith("BOTHY_SHOWN ")]
            if not shown:
                raise SystemExit(f"the app reported no window (exit {done.returncode}): {done.stderr[-500:]}")
            times.append(float(shown[0][1]) - started)
    result = {
        "bundle_bytes": folder_size(app_folder()),
        "launch_to_window_s": statistics.median(times),
        "launch_to_window_runs_s": [round(t, 3) for t in times],
        "qt_platform": env.get("QT_QPA_PLATFORM") or "the desktop's",
    }
    print(
        f"bundle: {result['bundle_bytes'] / 1e6:.0f} MB ({result['bundle_bytes'] / 2**20:.0f} MiB) in {app_folder()}\n"
        f"launch to window: median {result['launch_to_window_s']:.2f} s of {runs} runs "
        f"({', '.join(f'{t:.2f}' for t in times)})"
    )
    return result


def run_tests() -> int:
    env = dict(os.environ, BOTHY_TEST_PACKAGING="1", BOTHY_FROZEN_APP=str(app_folder()))
    return subprocess.run([sys.executable, "-m", "pytest", "-v", "tests/packaging"], cwd=ROOT, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build Bothy's one-folder app with PyInstaller.")
    p.add_argument("--backend", choices=sorted(BACKEND_FLAGS), help="rebuild llama-cpp-python for this backend first")
    p.add_argument("--appimage", action="store_true", help="Linux: also make the AppDir / AppImage")
    p.add_argument("--no-archive", action="store_true", help="skip the tarball, zip or dmg")
    p.add_argument("--skip-build", action="store_true", help="use the app already in dist/")
    p.add_argument("--test", action="store_true", help="run tests/packaging against the built app")
    p.add_argument("--measure", action="store_true", help="print bundle size and launch-to-window time")
    args = p.parse_args(argv)

    if args.backend:
        rebuild_llama(args.backend)
    started = time.monotonic()
    if not args.skip_build:
        run_pyinstaller()
    if not executable().is_file():
        raise SystemExit(f"no app at {executable()}; build it first")
    backend = built_backend(app_folder())
    name = f"{APP_NAME}-{version()}-{sys.platform.replace('win32', 'windows').replace('darwin', 'macos')}-{arch()}"
    if backend != "cpu":
        name += f"-{backend}"
    made: list[Path] = []
    if not args.skip_build:
        if sys.platform.startswith("linux"):
            made = finish_linux(name, archive=not args.no_archive, appimage=args.appimage)
        elif sys.platform == "darwin":
            made = finish_macos(name, archive=not args.no_archive)
        elif sys.platform == "win32":
            made = finish_windows(name, archive=not args.no_archive)
    size = folder_size(app_folder())
    took = time.monotonic() - started
    print(f"\nBuilt {app_folder()} ({size / 1e6:.0f} MB, llama.cpp backend: {backend}) in {took:.0f} s")
    for path in made:
        extra = f" ({path.stat().st_size / 1e6:.0f} MB)" if path.is_file() else ""
        print(f"  {path}{extra}")
    code = 0
    if args.measure:
        (DIST / "measurements.json").write_text(json.dumps(measure(), indent=2), encoding="utf-8")
    if args.test:
        code = run_tests()
    return code


if __name__ == "__main__":
    sys.exit(main())
