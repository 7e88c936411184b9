# HPy Shim build script for Windows; the same commands as build.sh.
#   .\build.ps1          publish hpy.dll (NativeAOT) to out\lib and build the samples to out\cext-samples
#   .\build.ps1 test     build, then run every test
#   .\build.ps1 run      build, then run a sample through the launcher
#   .\build.ps1 generate rewrite the generated files from api\hpy_context.api
param([string]$Command = "build")
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$Root = $PSScriptRoot
$Out = Join-Path $Root "out"
$Python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = "1"

function Invoke-Checked([scriptblock]$Block) {
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "command failed with exit code $LASTEXITCODE" }
}

function Build-Library {
    Write-Host "== hpy.dll (NativeAOT, win-x64)"
    Invoke-Checked { dotnet publish Shim/Shim.csproj -c Release -r win-x64 -o "$Out/publish" -nologo -v quiet }
    New-Item -ItemType Directory -Force "$Out/lib" | Out-Null
    Copy-Item "$Out/publish/hpy.dll" "$Out/lib/hpy.dll" -Force
}

function Build-Samples {
    Write-Host "== samples (universal ABI)"
    New-Item -ItemType Directory -Force "$Out/cext-samples" | Out-Null
    $env:PYTHONPATH = Join-Path $Root "launcher"
    foreach ($dir in Get-ChildItem -Directory cext-samples) {
        $sources = (Get-ChildItem "$($dir.FullName)/*.c").FullName
        Invoke-Checked { & $Python -m hpyshim build $dir.Name @sources --abi universal -o "$Out/cext-samples" }
    }
}

switch ($Command) {
    "build" { Build-Library; Build-Samples }
    "generate" { Invoke-Checked { dotnet run --project generator -- --root $Root } }
    "test" {
        Build-Library; Build-Samples
        Invoke-Checked { dotnet test Shim.Tests/Shim.Tests.csproj -nologo }
    }
    "run" {
        Build-Library; Build-Samples
        $env:PYTHONPATH = "$(Join-Path $Root 'launcher');$(Join-Path $Out 'cext-samples')"
        Invoke-Checked { & $Python -m hpyshim run cext-samples/point/example.py }
    }
    default { Write-Error "usage: build.ps1 [build|test|run|generate]"; exit 2 }
}
