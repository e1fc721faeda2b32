; rmdesk's Windows installer (Inno Setup 6). Built by packaging/windows/build.ps1 from the frozen
; folder that packaging/build.py makes with packaging/rmdesk.spec (docs/deploy.md, "Windows").
;
;   iscc /DAppVersion=0.1.0 packaging\windows\rmdesk.iss
;
; It installs the folder under Program Files\rmdesk, a Start-menu entry 客户经理工作台, rmdesk-cli
; on the system PATH, and IT's sample settings in %ProgramData%\rmdesk. Silent, for software
; distribution: rmdesk-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Uninstalling removes every installed file and the PATH entry; each user's data (their
; settings, local database and logs under %APPDATA% and %LOCALAPPDATA%) stays.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root "..\.."

[Setup]
AppId={{6F1C1A52-7C0B-4C7E-9B1E-5D3A2F0E8B41}
AppName=rmdesk
AppVersion={#AppVersion}
AppVerName=rmdesk {#AppVersion}
AppPublisher=rmdesk
DefaultDirName={autopf}\rmdesk
DefaultGroupName=rmdesk
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=rmdesk-{#AppVersion}-setup
SetupIconFile={#Root}\build\icons\rmdesk.ico
UninstallDisplayIcon={app}\rmdesk.exe
UninstallDisplayName=rmdesk 客户经理工作台
Compression=lzma2/max
SolidCompression=yes
ChangesEnvironment=yes
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Inno Setup's Simplified Chinese messages are a contributed translation: download
; ChineseSimplified.isl from jrsoftware.org's translations page into Inno Setup's Languages
; folder and uncomment this line to have the installer speak Chinese.
; Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\build\frozen\rmdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Root}\packaging\settings.sample.toml"; DestDir: "{commonappdata}\rmdesk"; Flags: ignoreversion
Source: "{#Root}\docs\deploy.md"; DestDir: "{app}\docs"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\客户经理工作台 (rmdesk)"; Filename: "{app}\rmdesk.exe"
Name: "{autodesktop}\客户经理工作台"; Filename: "{app}\rmdesk.exe"; Tasks: desktopicon

[Registry]
; rmdesk-cli on the PATH for every user (removed again on uninstall, below)
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
    ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Check: NotOnPath(ExpandConstant('{app}'))

[Code]
const EnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

function NotOnPath(Dir: string): Boolean;
var Path: string;
begin
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var Path, Dir: string; At: Integer;
begin
  if CurUninstallStep <> usPostUninstall then exit;
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Path) then exit;
  Dir := ExpandConstant('{app}');
  At := Pos(';' + Uppercase(Dir), Uppercase(Path));
  if At > 0 then
  begin
    Delete(Path, At, Length(Dir) + 1);
    RegWriteExpandStringValue(HKLM, EnvKey, 'Path', Path);
  end;
end;
