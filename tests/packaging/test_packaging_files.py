"""Fast checks of packaging/ that need no build: icons, the desktop entry, install.sh, the build script."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys

import pytest

from tests.packaging.helpers import PACKAGING, load_build_module

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


def test_png_icon_is_256_pixels():
    assert _png_size((PACKAGING / "icons" / "bothy.png").read_bytes()) == (256, 256)


def test_ico_holds_png_images_from_16_to_256_pixels():
    data = (PACKAGING / "icons" / "bothy.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, _h, _c, _r, _planes, _bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i : 22 + 16 * i])
        size = _png_size(data[offset : offset + length])
        assert size[0] == (width or 256)
        sizes.append(size[0])
    assert min(sizes) == 16 and max(sizes) == 256


def test_icns_elements_are_pngs_and_lengths_add_up():
    data = (PACKAGING / "icons" / "bothy.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    at, kinds = 8, {}
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack(">I", data[at + 4 : at + 8])[0]
        kinds[kind] = _png_size(data[at + 8 : at + length])[0]
        at += length
    assert at == len(data)
    assert kinds[b"ic10"] == 1024 and kinds[b"ic07"] == 128 and kinds[b"icp4"] == 16


def _desktop_entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry():
    entry = _desktop_entry(PACKAGING / "linux" / "bothy.desktop")
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Bothy"
    assert entry["Exec"] == "Bothy"
    assert entry["Icon"] == "bothy"
    assert entry["Terminal"] == "false"


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("sh"), reason="Linux installer")
def test_install_sh_quotes_an_awkward_folder_and_removes_again(tmp_path):
    folder = tmp_path / 'Bothy $HOME "quoted" Ünïcödé 100%'
    folder.mkdir()
    for src in (PACKAGING / "linux" / "bothy.desktop", PACKAGING / "linux" / "install.sh"):
        shutil.copy2(src, folder / src.name)
    shutil.copy2(PACKAGING / "icons" / "bothy.png", folder / "bothy.png")
    shutil.copy2(PACKAGING / "icons" / "bothy.svg", folder / "bothy.svg")
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["sh", str(folder / "install.sh")], env=env, check=True, capture_output=True)
    desktop = home / ".local/share/applications/bothy.desktop"
    exec_line = _desktop_entry(desktop)["Exec"]
    assert exec_line == '"' + str(folder / "Bothy").replace("$", "\\\\$").replace('"', '\\\\"').replace("%", "%%") + '"'
    assert (home / ".local/share/icons/hicolor/256x256/apps/bothy.png").is_file()
    assert os.readlink(home / ".local/bin/bothy") == str(folder / "Bothy")
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    subprocess.run(["sh", str(folder / "install.sh"), "--remove"], env=env, check=True, capture_output=True)
    assert not desktop.exists() and not (home / ".local/bin/bothy").exists()


def test_cmake_args_per_backend():
    build = load_build_module()
    assert build.cmake_args("cuda", "x86_64").endswith("-DGGML_CUDA=on")
    assert "-DGGML_NATIVE=OFF" in build.cmake_args("cpu", "x86_64")
    assert build.cmake_args("metal", "arm64") == "-DGGML_METAL=on"
    assert build.cmake_args("vulkan", "aarch64") == "-DGGML_VULKAN=on"
    with pytest.raises(ValueError):
        build.cmake_args("opencl")


def test_built_backend_is_read_from_the_ggml_libraries(tmp_path):
    build = load_build_module()
    lib = tmp_path / "_internal" / "llama_cpp" / "lib"
    lib.mkdir(parents=True)
    (lib / "libggml-cpu.so").write_bytes(b"")
    assert build.built_backend(tmp_path) == "cpu"
    (lib / "libggml-cuda.so").write_bytes(b"")
    assert build.built_backend(tmp_path) == "cuda"


def test_spec_and_entry_point_compile():
    for name in ("bothy.spec", "bothy_main.py", "rthooks/pyi_rth_bothy_stdio.py"):
        path = PACKAGING / name
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")
def test_runtime_hook_gives_a_windowed_app_working_streams(tmp_path):
    """With descriptors 0-2 closed, nothing opened later may land on them, and print() must work."""
    probe = tmp_path / "probe.py"
    out = tmp_path / "out.txt"
    probe.write_text(
        "import os, runpy, sys\n"
        f"runpy.run_path({str(PACKAGING / 'rthooks' / 'pyi_rth_bothy_stdio.py')!r})\n"
        "print('to nowhere'); sys.stderr.write('also nowhere\\n')\n"
        f"f = open({str(out)!r}, 'w')\n"
        "f.write(str(f.fileno())); f.close()\n",
        encoding="utf-8",
    )
    subprocess.run(["sh", "-c", 'exec "$0" "$1" <&- >&- 2>&-', sys.executable, str(probe)], check=True)
    assert int(out.read_text()) > 2
