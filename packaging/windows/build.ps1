# Build rmdesk's Windows installer on a Windows build machine (docs/deploy.md, "Windows").
# Needs: Python 3.11 (the python.org installer, with the py launcher) and Inno Setup 6 (iscc on
# the PATH). Run from the repository's root:  powershell -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
py -3.11 -m venv .venv
.venv\Scripts\python -m pip install --upgrade pip
.venv\Scripts\python -m pip install -e ".[dist]"
# the Chinese catalogue, compiled from every part's .ts file
$ts = Get-ChildItem resources\translations\zh_CN\*.ts | ForEach-Object { $_.FullName }
.venv\Scripts\pyside6-lrelease -silent @ts -qm resources\translations\rmdesk_zh_CN.qm
# the frozen folder (build\frozen\rmdesk: rmdesk.exe, rmdesk-cli.exe) and the icon
.venv\Scripts\python packaging\build.py
$version = .venv\Scripts\python -c "import rmdesk; print(rmdesk.__version__)"
iscc "/DAppVersion=$version" packaging\windows\rmdesk.iss
Write-Output "dist\rmdesk-$version-setup.exe"
