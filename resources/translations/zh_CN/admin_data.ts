<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AdminDataTab</name>
        <message>
            <source>Imports run with the database owner's login (the nightly job, or rmdesk-cli import --db with the owner's address): a person's own database login may not stage data or change the tables' constraints.</source>
            <translation>数据导入须使用数据库所有者的登录执行（每晚的批处理作业，或用所有者地址运行 rmdesk-cli import --db）：个人的数据库登录不能暂存数据，也不能修改数据表的约束。</translation>
        </message>
        <message>
            <source>Imports</source>
            <translation>数据导入</translation>
        </message>
        <message>
            <source>Database connection</source>
            <translation>数据库连接</translation>
        </message>
    </context>
    <context>
        <name>AdminImportPanel</name>
        <message>
            <source>Bank extracts (a folder of CSV files or an Excel workbook)</source>
            <translation>本行数据抽取（CSV 文件夹或 Excel 工作簿）</translation>
        </message>
        <message>
            <source>PKDD'99 Czech bank data (the Berka folder)</source>
            <translation>PKDD'99 捷克银行数据（Berka 文件夹）</translation>
        </message>
        <message>
            <source>UCI bank marketing (bank-full.csv or bank-additional-full.csv, or its folder)</source>
            <translation>UCI 银行营销数据（bank-full.csv 或 bank-additional-full.csv，或其所在文件夹）</translation>
        </message>
        <message>
            <source>Branches</source>
            <translation>网点</translation>
        </message>
        <message>
            <source>Users</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>Products</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>Product pricing</source>
            <translation>产品定价</translation>
        </message>
        <message>
            <source>Clients</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Holdings</source>
            <translation>持有产品</translation>
        </message>
        <message>
            <source>Monthly facts</source>
            <translation>月度业务数据</translation>
        </message>
        <message>
            <source>Transactions</source>
            <translation>交易流水</translation>
        </message>
        <message>
            <source>Contacts</source>
            <translation>客户接触记录</translation>
        </message>
        <message>
            <source>Training points</source>
            <translation>培训积分</translation>
        </message>
        <message>
            <source>checking the files</source>
            <translation>正在检查文件</translation>
        </message>
        <message>
            <source>branches</source>
            <translation>网点</translation>
        </message>
        <message>
            <source>users</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>products</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>clients</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>holdings</source>
            <translation>持有产品</translation>
        </message>
        <message>
            <source>monthly facts</source>
            <translation>月度业务数据</translation>
        </message>
        <message>
            <source>transactions</source>
            <translation>交易流水</translation>
        </message>
        <message>
            <source>contacts</source>
            <translation>客户接触记录</translation>
        </message>
        <message>
            <source>finishing</source>
            <translation>收尾</translation>
        </message>
        <message>
            <source>done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>A folder, or a .csv or .xlsx file</source>
            <translation>文件夹，或 .csv / .xlsx 文件</translation>
        </message>
        <message>
            <source>Folder…</source>
            <translation>选择文件夹…</translation>
        </message>
        <message>
            <source>File…</source>
            <translation>选择文件…</translation>
        </message>
        <message>
            <source>A name for the system the extracts come from; rows are matched on their ids within it, so a later extract updates them</source>
            <translation>数据抽取来源系统的名称；同一来源内按编号匹配记录，之后的抽取会更新这些记录</translation>
        </message>
        <message>
            <source>Import again even if these files were imported before</source>
            <translation>即使这些文件已导入过，也重新导入</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>检查</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>导入</translation>
        </message>
        <message>
            <source>Enabled once a check has found no problems</source>
            <translation>检查未发现问题后才可导入</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Row</source>
            <translation>行</translation>
        </message>
        <message>
            <source>Column</source>
            <translation>列</translation>
        </message>
        <message>
            <source>Problem</source>
            <translation>问题</translation>
        </message>
        <message>
            <source>Table</source>
            <translation>数据表</translation>
        </message>
        <message>
            <source>Rows</source>
            <translation>行数</translation>
        </message>
        <message>
            <source>Problems found</source>
            <translation>发现的问题</translation>
        </message>
        <message>
            <source>Data to import:</source>
            <translation>导入数据：</translation>
        </message>
        <message>
            <source>File or folder:</source>
            <translation>文件或文件夹：</translation>
        </message>
        <message>
            <source>Source system:</source>
            <translation>来源系统：</translation>
        </message>
        <message>
            <source>Would be imported</source>
            <translation>将导入</translation>
        </message>
        <message>
            <source>Check the files before importing.</source>
            <translation>导入前请先检查文件。</translation>
        </message>
        <message>
            <source>Choose the folder to import</source>
            <translation>选择要导入的文件夹</translation>
        </message>
        <message>
            <source>Excel workbook (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <source>CSV file (*.csv *.txt)</source>
            <translation>CSV 文件 (*.csv *.txt)</translation>
        </message>
        <message>
            <source>Choose the file to import</source>
            <translation>选择要导入的文件</translation>
        </message>
        <message>
            <source>Checking the files</source>
            <translation>正在检查文件</translation>
        </message>
        <message>
            <source>No problems found: %1 clients ready to import.</source>
            <translation>未发现问题：%1 户客户可以导入。</translation>
        </message>
        <message>
            <source>The check was cancelled.</source>
            <translation>检查已取消。</translation>
        </message>
        <message>
            <source>The check failed: %1</source>
            <translation>检查失败：%1</translation>
        </message>
        <message>
            <source>Importing</source>
            <translation>正在导入</translation>
        </message>
        <message>
            <source>These files were imported before (batch %1); nothing was written. Tick “Import again” to import them anyway.</source>
            <translation>这些文件此前已导入（批次 %1），本次未写入任何数据。如需再次导入，请勾选“重新导入”。</translation>
        </message>
        <message>
            <source>Written</source>
            <translation>已写入</translation>
        </message>
        <message>
            <source>Imported as batch %1: %2 clients written.</source>
            <translation>已导入，批次 %1：写入 %2 户客户。</translation>
        </message>
        <message>
            <source>The import was cancelled; nothing was written.</source>
            <translation>导入已取消，未写入任何数据。</translation>
        </message>
        <message>
            <source>The import failed and nothing was written: %1</source>
            <translation>导入失败，未写入任何数据：%1</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>处理中…</translation>
        </message>
        <message>
            <source>%1 problems found (the first %2 listed); nothing was written.</source>
            <translation>发现 %1 个问题（列出前 %2 个），未写入任何数据。</translation>
        </message>
        <message>
            <source>%1 problems found; nothing was written. Correct them and check again.</source>
            <translation>发现 %1 个问题，未写入任何数据。请修正后重新检查。</translation>
        </message>
        <message>
            <source>%1 warning(s), listed: what they name is not imported.</source>
            <translation>%1 条警告（见列表）：其所列内容未导入。</translation>
        </message>
        <message>
            <source>Not imported (warnings)</source>
            <translation>未导入（警告）</translation>
        </message>
    </context>
    <context>
        <name>AdminConnectionPanel</name>
        <message>
            <source>postgresql://user@server:5432/rmdesk, or the path of a SQLite file</source>
            <translation>postgresql://用户名@服务器:5432/rmdesk，或 SQLite 文件路径</translation>
        </message>
        <message>
            <source>SQLite file…</source>
            <translation>选择 SQLite 文件…</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>测试连接</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Use the local database</source>
            <translation>改用本地数据库</translation>
        </message>
        <message>
            <source>In use</source>
            <translation>当前使用</translation>
        </message>
        <message>
            <source>Current database:</source>
            <translation>当前数据库：</translation>
        </message>
        <message>
            <source>Saved for the next start:</source>
            <translation>下次启动时使用：</translation>
        </message>
        <message>
            <source>Another database</source>
            <translation>其他数据库</translation>
        </message>
        <message>
            <source>Database:</source>
            <translation>数据库：</translation>
        </message>
        <message>
            <source>Testing only connects and reads the schema version; it changes nothing. A saved database is used from the next start of rmdesk, which creates or upgrades its tables then (a SQLite file is backed up first). A password in the address is kept in the settings file of this computer.</source>
            <translation>测试只连接并读取数据库结构版本，不做任何修改。保存的数据库在 rmdesk 下次启动时启用，届时创建或升级数据表（SQLite 文件会先备份）。地址中的密码保存在本机的设置文件中。</translation>
        </message>
        <message>
            <source>SQLite file</source>
            <translation>SQLite 文件</translation>
        </message>
        <message>
            <source>PostgreSQL server</source>
            <translation>PostgreSQL 服务器</translation>
        </message>
        <message>
            <source>RMDESK_DATABASE_URL is set on this computer (%1): it wins over the saved database.</source>
            <translation>本机设置了环境变量 RMDESK_DATABASE_URL（%1），它优先于保存的数据库设置。</translation>
        </message>
        <message>
            <source>cannot read the settings: %1</source>
            <translation>无法读取设置：%1</translation>
        </message>
        <message>
            <source>the local database (default)</source>
            <translation>本地数据库（默认）</translation>
        </message>
        <message>
            <source>Choose or name a SQLite file</source>
            <translation>选择或新建 SQLite 文件</translation>
        </message>
        <message>
            <source>SQLite database (*.sqlite3 *.sqlite *.db);;All files (*)</source>
            <translation>SQLite 数据库 (*.sqlite3 *.sqlite *.db);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
        <message>
            <source>Testing the connection</source>
            <translation>正在测试连接</translation>
        </message>
        <message>
            <source>The test itself failed: %1</source>
            <translation>测试本身出错：%1</translation>
        </message>
        <message>
            <source>Details: %1</source>
            <translation>详细信息：%1</translation>
        </message>
        <message>
            <source>The file %1 does not exist yet: rmdesk will create a new database there at its next start.</source>
            <translation>文件 %1 尚不存在：rmdesk 下次启动时将在此新建数据库。</translation>
        </message>
        <message>
            <source>Connected to PostgreSQL %1 at %2.</source>
            <translation>已连接 PostgreSQL %1：%2。</translation>
        </message>
        <message>
            <source>Opened the SQLite file (SQLite %1) %2.</source>
            <translation>已打开 SQLite 文件（SQLite %1）：%2。</translation>
        </message>
        <message>
            <source>Schema revision %1: up to date.</source>
            <translation>数据库结构版本 %1：已是最新。</translation>
        </message>
        <message>
            <source>It holds %1 tables but no rmdesk schema: probably another program's database. Choose another one.</source>
            <translation>该数据库有 %1 张表，但没有 rmdesk 的结构版本记录，可能属于其他程序。请另选数据库。</translation>
        </message>
        <message>
            <source>Schema revision %1 was made by a newer rmdesk: this version cannot use it.</source>
            <translation>数据库结构版本 %1 由更新版本的 rmdesk 创建，当前版本无法使用。</translation>
        </message>
        <message>
            <source>The database is empty: rmdesk will create its tables at the next start.</source>
            <translation>数据库为空：rmdesk 下次启动时将创建数据表。</translation>
        </message>
        <message>
            <source>Schema revision %1: rmdesk will migrate it to %2 at the next start (migration needed).</source>
            <translation>数据库结构版本 %1：需要迁移，rmdesk 下次启动时将升级到 %2。</translation>
        </message>
        <message>
            <source>Saved. rmdesk will use %1 from its next start: restart rmdesk to switch.</source>
            <translation>已保存。rmdesk 下次启动时将使用 %1，请重新启动 rmdesk 以切换。</translation>
        </message>
        <message>
            <source>Note: the last test of this database failed.</source>
            <translation>注意：该数据库最近一次连接测试未通过。</translation>
        </message>
        <message>
            <source>Saved. rmdesk will use the local database from its next start: restart rmdesk to switch.</source>
            <translation>已保存。rmdesk 下次启动时将使用本地数据库，请重新启动 rmdesk 以切换。</translation>
        </message>
        <message>
            <source>The setting could not be saved: %1</source>
            <translation>设置无法保存：%1</translation>
        </message>
        <message>
            <source>This is not a database address. Write e.g. postgresql://user@server:5432/rmdesk, or the path of a SQLite file.</source>
            <translation>这不是数据库地址。请填写如 postgresql://用户名@服务器:5432/rmdesk，或 SQLite 文件路径。</translation>
        </message>
        <message>
            <source>rmdesk works with a PostgreSQL server or a SQLite file only.</source>
            <translation>rmdesk 只支持 PostgreSQL 服务器或 SQLite 文件。</translation>
        </message>
        <message>
            <source>Cannot reach the database: check the server name and port, and that the server is running and accepts connections from this computer.</source>
            <translation>无法连接数据库：请检查服务器名称和端口，并确认服务器正在运行且允许本机连接。</translation>
        </message>
        <message>
            <source>The server did not answer in time: check the server name, the port and the network.</source>
            <translation>服务器未及时响应：请检查服务器名称、端口和网络。</translation>
        </message>
        <message>
            <source>The server refused the user name or password.</source>
            <translation>服务器拒绝了该用户名或密码。</translation>
        </message>
        <message>
            <source>The server has no database of that name: ask its administrator to create it.</source>
            <translation>服务器上没有该名称的数据库：请联系数据库管理员创建。</translation>
        </message>
        <message>
            <source>The file is not a SQLite database.</source>
            <translation>该文件不是 SQLite 数据库。</translation>
        </message>
        <message>
            <source>The connection failed.</source>
            <translation>连接失败。</translation>
        </message>
        <message>
            <source>The password is kept in the system keyring.</source>
            <translation>密码已保存在系统钥匙串中。</translation>
        </message>
        <message>
            <source>This computer has no keyring to keep the password in: rmdesk will ask for it at each start.</source>
            <translation>本机没有可保存密码的系统钥匙串：rmdesk 每次启动时都会询问密码。</translation>
        </message>
    </context>
</TS>