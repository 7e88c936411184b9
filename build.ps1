# HPy Shim build script for PowerShell 7: `dotnet tool restore` once, then `dotnet tool run pwsh -- ./build.ps1
# [--dry-run] [--verbose] [--target RID] [COMMAND [ARGS]]`. Every command is implemented once, in tools/build.py, which build.sh runs
# too, so both scripts have the same commands, options, outputs and exit codes: `./build.ps1 help` lists them.
$ErrorActionPreference = "Stop"
# Stop before anything else on Windows (Windows PowerShell 5 has no $IsWindows, hence OSVersion).
if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
    [Console]::Error.WriteLine("HPy Shim does not support Windows yet: the runtime finds CPython's C API and loads extensions through the POSIX dynamic loader (dlopen, dlsym, dladdr), its native fast path uses mmap and is built with gcc and ar, and extensions are built as gcc shared objects; none of this has a tested Windows counterpart. Linux (x64, arm64) is the tested platform; see README.md, 'Platforms'.")
    exit 1
}
if (-not (Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine("build.ps1: python3 is not on PATH; the build driver (tools/build.py) needs Python 3.8+")
    exit 1
}
$saved = $env:HPYSHIM_BUILD_SCRIPT
$env:HPYSHIM_BUILD_SCRIPT = "./build.ps1"
try {
    & python3 (Join-Path $PSScriptRoot "tools/build.py") @args
    $code = $LASTEXITCODE
} finally {
    $env:HPYSHIM_BUILD_SCRIPT = $saved
}
exit $code
