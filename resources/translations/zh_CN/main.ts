<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>App</name>
        <message>
            <location filename="../../rmdesk/app.py" line="132" />
            <source>Opening the database</source>
            <translation>打开数据库</translation>
        </message>
        <message>
            <source>Opening your session</source>
            <translation>正在进入您的工作台</translation>
        </message>
        <message>
            <source>Database password</source>
            <translation>数据库密码</translation>
        </message>
        <message>
            <source>The password for %1:</source>
            <translation>%1 的密码：</translation>
        </message>
        <message>
            <source>The database is set by your IT department (%1) and cannot be changed here: start rmdesk without --db and without RMDESK_DATABASE_URL.</source>
            <translation>数据库由 IT 部门设定（%1），不能在此更改：请不带 --db 参数、也不设置 RMDESK_DATABASE_URL 启动 rmdesk。</translation>
        </message>
    </context>
    <context>
        <name>Book</name>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="32" />
            <source>Name</source>
            <translation>客户名称</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="33" />
            <source>Client ID</source>
            <translation>客户号</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="34" />
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="35" />
            <source>Segment</source>
            <translation>客户分层</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="36" />
            <source>Branch</source>
            <translation>支行</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="37" />
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="38" />
            <source>District</source>
            <translation>区域</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="39" />
            <source>Products</source>
            <translation>产品数</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="40" />
            <source>Deposits</source>
            <translation>存款余额</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="41" />
            <source>Loans</source>
            <translation>贷款余额</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="42" />
            <source>Currency</source>
            <translation>币种</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="43" />
            <source>KYC review due</source>
            <translation>KYC复核到期</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="44" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Contact due</source>
            <translation>应联系日期</translation>
        </message>
        <message>
            <source>Contribution (12 months)</source>
            <translation>近12个月贡献</translation>
        </message>
        <message>
            <source>Expected value</source>
            <translation>预期价值</translation>
        </message>
        <message>
            <source>Flags</source>
            <translation>预警数</translation>
        </message>
        <message>
            <source>Last contact</source>
            <translation>最近联系</translation>
        </message>
        <message>
            <source>Next visit</source>
            <translation>下次拜访</translation>
        </message>
        <message>
            <source>Rank</source>
            <translation>排名</translation>
        </message>
        <message>
            <source>Tier</source>
            <translation>客户等级</translation>
        </message>
        <message>
            <source>Top suggestion</source>
            <translation>首推产品</translation>
        </message>
        <message>
            <source>Trend</source>
            <translation>贡献趋势</translation>
        </message>
        <message>
            <source>Worst flag</source>
            <translation>最高预警</translation>
        </message>
        <message>
            <source>Deposits and investments (AUM)</source>
            <translation>存款及理财（AUM）</translation>
        </message>
        <message>
            <source>Never contacted</source>
            <translation>从未联系</translation>
        </message>
    </context>
    <context>
        <name>Labels</name>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="10" />
            <source>Mass</source>
            <translation>大众客户</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="11" />
            <source>Affluent</source>
            <translation>富裕客户</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="12" />
            <source>Private banking</source>
            <translation>私人银行</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="13" />
            <source>Small business</source>
            <translation>小微企业</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="14" />
            <source>Corporate</source>
            <translation>公司客户</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="17" />
            <source>Individual</source>
            <translation>个人</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="18" />
            <source>Company</source>
            <translation>企业</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="21" />
            <source>Active</source>
            <translation>正常</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="22" />
            <source>Dormant</source>
            <translation>休眠</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/labels.py" line="23" />
            <source>Closed</source>
            <translation>已销户</translation>
        </message>
        <message>
            <source>Accepted</source>
            <translation>已接受</translation>
        </message>
        <message>
            <source>Acknowledged</source>
            <translation>已确认</translation>
        </message>
        <message>
            <source>Administrator</source>
            <translation>系统管理员</translation>
        </message>
        <message>
            <source>Branch head</source>
            <translation>支行行长</translation>
        </message>
        <message>
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>Closed by the system</source>
            <translation>系统已关闭</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>柜面</translation>
        </message>
        <message>
            <source>Declined</source>
            <translation>已拒绝</translation>
        </message>
        <message>
            <source>Dismissed</source>
            <translation>已驳回</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>电子邮件</translation>
        </message>
        <message>
            <source>High</source>
            <translation>高</translation>
        </message>
        <message>
            <source>Low</source>
            <translation>低</translation>
        </message>
        <message>
            <source>Medium</source>
            <translation>中</translation>
        </message>
        <message>
            <source>Missed</source>
            <translation>未完成</translation>
        </message>
        <message>
            <source>Mobile banking</source>
            <translation>手机银行</translation>
        </message>
        <message>
            <source>Not now</source>
            <translation>暂不需要</translation>
        </message>
        <message>
            <source>Online banking</source>
            <translation>网上银行</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>待营销</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Pitched</source>
            <translation>已推介</translation>
        </message>
        <message>
            <source>Planned</source>
            <translation>已计划</translation>
        </message>
        <message>
            <source>Proposed</source>
            <translation>建议</translation>
        </message>
        <message>
            <source>Raised</source>
            <translation>新预警</translation>
        </message>
        <message>
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>Resolved</source>
            <translation>已解除</translation>
        </message>
        <message>
            <source>Snoozed</source>
            <translation>暂缓</translation>
        </message>
        <message>
            <source>Visit</source>
            <translation>拜访</translation>
        </message>
        <message>
            <source>Withdrawn</source>
            <translation>已撤回</translation>
        </message>
        <message>
            <source>WeChat</source>
            <translation>微信</translation>
        </message>
        <message>
            <source>WeCom</source>
            <translation>企业微信</translation>
        </message>
        <message>
            <source>Text message</source>
            <translation>短信</translation>
        </message>
        <message>
            <source>snoozed until %1</source>
            <translation>暂缓至 %1</translation>
        </message>
        <message>
            <source>snoozed until %1: %2</source>
            <translation>暂缓至 %1：%2</translation>
        </message>
        <message>
            <source>the condition persists after the quiet period until %1</source>
            <translation>忽略静默期（至 %1）结束后情况仍在</translation>
        </message>
        <message>
            <source>the condition persists after the snooze until %1</source>
            <translation>暂缓期（至 %1）结束后情况仍在</translation>
        </message>
        <message>
            <source>the data of %1 still show it after it was resolved</source>
            <translation>已解决后，%1 的数据仍显示该情况</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="60" />
            <source>rmdesk — Relationship manager's workstation</source>
            <translation>rmdesk — 客户经理工作台</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="72" />
            <source>Search</source>
            <translation>搜索</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="77" />
            <source>Search by name or client ID</source>
            <translation>按客户名称或客户号搜索</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="88" />
            <source>Find</source>
            <translation>查找</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="92" />
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="98" />
            <source>Opening the database…</source>
            <translation>正在打开数据库…</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="111" />
            <source>Loading clients…</source>
            <translation>正在加载客户…</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="113" />
            <source>Loading clients</source>
            <translation>加载客户</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="131" />
            <source>Clients: %1</source>
            <translation>客户：%1 位</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="137" />
            <source>Shown: %1</source>
            <translation>显示：%1 位</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="141" />
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <location filename="../../rmdesk/views/main_window.py" line="144" />
            <source>rmdesk</source>
            <translation>rmdesk</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>Clients</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Export the table to Excel…</source>
            <translation>将表格导出到 Excel…</translation>
        </message>
        <message>
            <source>Find a client</source>
            <translation>查找客户</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>快捷键</translation>
        </message>
        <message>
            <source>Log out</source>
            <translation>注销</translation>
        </message>
        <message>
            <source>My clients</source>
            <translation>我的客户</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <source>&amp;Tools</source>
            <translation>工具(&amp;T)</translation>
        </message>
        <message>
            <source>Score now</source>
            <translation>立即评分</translation>
        </message>
        <message>
            <source>Scored %1 clients</source>
            <translation>已完成 %1 位客户的评分</translation>
        </message>
        <message>
            <source>Scoring</source>
            <translation>正在评分</translation>
        </message>
        <message>
            <source>Branch</source>
            <translation>支行看板</translation>
        </message>
        <message>
            <source>Branches</source>
            <translation>支行看板</translation>
        </message>
        <message>
            <source>Visit plan</source>
            <translation>走访计划</translation>
        </message>
        <message>
            <source>Administration</source>
            <translation>系统管理</translation>
        </message>
        <message>
            <source>Data</source>
            <translation>数据</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>客户视图</translation>
        </message>
        <message>
            <source>Print the next working day's visits…</source>
            <translation>打印下一个工作日的拜访资料…</translation>
        </message>
        <message>
            <source>Change password…</source>
            <translation>修改密码…</translation>
        </message>
        <message>
            <source>; %1 products were suggested to nobody</source>
            <translation>；%1 个产品未向任何客户建议</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>今日工作台</translation>
        </message>
        <message>
            <source>Scored 1 client</source>
            <translation>已完成 1 位客户的评分</translation>
        </message>
        <message>
            <source>About rmdesk</source>
            <translation>关于 rmdesk</translation>
        </message>
        <message>
            <source>Set by your IT department</source>
            <translation>由 IT 部门设定</translation>
        </message>
        <message>
            <source>; %1 recomputed, the others unchanged</source>
            <translation>；其中 %1 位重新计算，其余不变</translation>
        </message>
    </context>
    <context>
        <name>Tasks</name>
        <message>
            <location filename="../../rmdesk/tasks.py" line="131" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
    <context>
        <name>Errors</name>
        <message>
            <source>rmdesk</source>
            <translation>rmdesk</translation>
        </message>
    </context>
    <context>
        <name>DataTable</name>
        <message>
            <source>Export to Excel…</source>
            <translation>导出到 Excel…</translation>
        </message>
        <message>
            <source>Export to Excel</source>
            <translation>导出到 Excel</translation>
        </message>
        <message>
            <source>Excel workbook (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <source>Exporting</source>
            <translation>正在导出</translation>
        </message>
        <message>
            <source>%1 rows written to %2</source>
            <translation>已将 %1 行写入 %2</translation>
        </message>
    </context>
    <context>
        <name>BookView</name>
        <message>
            <source>%1 of %2 clients</source>
            <translation>显示 %1 / 共 %2 位客户</translation>
        </message>
        <message>
            <source>All segments</source>
            <translation>全部客户分层</translation>
        </message>
        <message>
            <source>All tiers</source>
            <translation>全部等级</translation>
        </message>
        <message>
            <source>Contact overdue</source>
            <translation>联系逾期</translation>
        </message>
        <message>
            <source>Flags: all clients</source>
            <translation>预警：全部客户</translation>
        </message>
        <message>
            <source>High flags</source>
            <translation>高风险预警</translation>
        </message>
        <message>
            <source>Loading the book</source>
            <translation>正在加载客户</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>正在加载…</translation>
        </message>
        <message>
            <source>Medium or high flags</source>
            <translation>中高风险预警</translation>
        </message>
        <message>
            <source>Search by name or client ID</source>
            <translation>按客户名称或客户号搜索</translation>
        </message>
        <message>
            <source>Tier %1</source>
            <translation>%1 级客户</translation>
        </message>
        <message>
            <source>With open flags</source>
            <translation>有未处理预警</translation>
        </message>
        <message>
            <source>Search by name, client ID, phone or ID number</source>
            <translation>按客户名称、客户号、电话或证件号码搜索</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>Checking…</source>
            <translation>正在验证…</translation>
        </message>
        <message>
            <source>Database: %1</source>
            <translation>数据库：%1</translation>
        </message>
        <message>
            <source>Enter your user name.</source>
            <translation>请输入用户名。</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <source>Log in</source>
            <translation>登录</translation>
        </message>
        <message>
            <source>Logging in</source>
            <translation>正在登录</translation>
        </message>
        <message>
            <source>Opening the database…</source>
            <translation>正在打开数据库…</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <source>Relationship manager's workstation</source>
            <translation>客户经理工作台</translation>
        </message>
        <message>
            <source>The user name or the password is wrong.</source>
            <translation>用户名或密码错误。</translation>
        </message>
        <message>
            <source>This account is closed. Ask an administrator.</source>
            <translation>该账户已停用，请联系系统管理员。</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>rmdesk — Log in</source>
            <translation>rmdesk — 登录</translation>
        </message>
        <message>
            <source>Too many wrong passwords: this account is locked until %1. Try again then, or ask an administrator to unlock it.</source>
            <translation>密码错误次数过多，账户已锁定至 %1。请届时再试，或请管理员解锁。</translation>
        </message>
        <message>
            <source>rmdesk — Database</source>
            <translation>rmdesk — 数据库</translation>
        </message>
        <message>
            <source>rmdesk cannot use this database address. Correct it and start again.</source>
            <translation>rmdesk 无法使用该数据库地址。请改正后重新启动。</translation>
        </message>
        <message>
            <source>Set by your IT department</source>
            <translation>由 IT 部门设定</translation>
        </message>
        <message>
            <source>Opening the database: %1</source>
            <translation>正在打开数据库：%1</translation>
        </message>
    </context>
    <context>
        <name>ChangePasswordDialog</name>
        <message>
            <source>At least 8 characters. Five wrong passwords lock the account.</source>
            <translation>至少 8 个字符。连续输错 5 次密码将锁定账户。</translation>
        </message>
        <message>
            <source>Change password</source>
            <translation>修改密码</translation>
        </message>
        <message>
            <source>Changing the password</source>
            <translation>正在修改密码</translation>
        </message>
        <message>
            <source>Current password</source>
            <translation>当前密码</translation>
        </message>
        <message>
            <source>New password</source>
            <translation>新密码</translation>
        </message>
        <message>
            <source>New password again</source>
            <translation>再次输入新密码</translation>
        </message>
        <message>
            <source>The current password is wrong.</source>
            <translation>当前密码不正确。</translation>
        </message>
        <message>
            <source>The new password is the current one.</source>
            <translation>新密码与当前密码相同。</translation>
        </message>
        <message>
            <source>The new password needs at least 8 characters.</source>
            <translation>新密码至少需要 8 个字符。</translation>
        </message>
        <message>
            <source>The two new passwords differ.</source>
            <translation>两次输入的新密码不一致。</translation>
        </message>
        <message>
            <source>Too many wrong passwords: the account is locked for 15 minutes.</source>
            <translation>密码错误次数过多：账户已锁定 15 分钟。</translation>
        </message>
    </context>
    <context>
        <name>TodayView</name>
        <message>
            <source>%1 days</source>
            <translation>%1 天</translation>
        </message>
        <message>
            <source>%1 · %2</source>
            <translation>%1 · %2</translation>
        </message>
        <message>
            <source>1 day</source>
            <translation>1 天</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Anniversary</source>
            <translation>周年</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>生日</translation>
        </message>
        <message>
            <source>Cancel task…</source>
            <translation>取消待办…</translation>
        </message>
        <message>
            <source>Choose a row first.</source>
            <translation>请先选择一行。</translation>
        </message>
        <message>
            <source>Choose a task first.</source>
            <translation>请先选择一条待办。</translation>
        </message>
        <message>
            <source>Choose a visit first.</source>
            <translation>请先选择一次走访。</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Detail</source>
            <translation>详情</translation>
        </message>
        <message>
            <source>Done…</source>
            <translation>完成…</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Flags</source>
            <translation>预警</translation>
        </message>
        <message>
            <source>For</source>
            <translation>负责人</translation>
        </message>
        <message>
            <source>Hand to…</source>
            <translation>转交…</translation>
        </message>
        <message>
            <source>Last contact</source>
            <translation>最近联系</translation>
        </message>
        <message>
            <source>Late</source>
            <translation>逾期</translation>
        </message>
        <message>
            <source>Loading the day</source>
            <translation>正在载入今日工作</translation>
        </message>
        <message>
            <source>Maturities and dates ahead</source>
            <translation>近期到期与纪念日</translation>
        </message>
        <message>
            <source>Maturity</source>
            <translation>到期</translation>
        </message>
        <message>
            <source>Mobile</source>
            <translation>手机</translation>
        </message>
        <message>
            <source>Move…</source>
            <translation>改期…</translation>
        </message>
        <message>
            <source>My tasks</source>
            <translation>我的待办</translation>
        </message>
        <message>
            <source>New and high flags</source>
            <translation>新增及高风险预警</translation>
        </message>
        <message>
            <source>New high flags by RM</source>
            <translation>新增高风险预警（按客户经理）</translation>
        </message>
        <message>
            <source>No visits on this day to print.</source>
            <translation>当天没有可打印的走访。</translation>
        </message>
        <message>
            <source>Open the client</source>
            <translation>打开客户</translation>
        </message>
        <message>
            <source>Overdue and missed visits</source>
            <translation>逾期及未完成的走访</translation>
        </message>
        <message>
            <source>Overdue tasks in the branch</source>
            <translation>支行逾期待办</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>固定电话</translation>
        </message>
        <message>
            <source>Planned on</source>
            <translation>计划日期</translation>
        </message>
        <message>
            <source>Print the day's briefs…</source>
            <translation>打印当天走访简报…</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>目的</translation>
        </message>
        <message>
            <source>RM</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>RMs with no contact lately</source>
            <translation>近期无联系记录的客户经理</translation>
        </message>
        <message>
            <source>Record the visit…</source>
            <translation>记录走访…</translation>
        </message>
        <message>
            <source>Recording the visit</source>
            <translation>正在记录走访</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <source>Severity</source>
            <translation>级别</translation>
        </message>
        <message>
            <source>Snooze…</source>
            <translation>暂缓…</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Task</source>
            <translation>待办事项</translation>
        </message>
        <message>
            <source>Tasks due</source>
            <translation>待办（到期及逾期）</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>To offer</source>
            <translation>建议产品</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>回到今天</translation>
        </message>
        <message>
            <source>Visit to %1 recorded as done.</source>
            <translation>已记录对 %1 的走访。</translation>
        </message>
        <message>
            <source>Visits today</source>
            <translation>今日走访</translation>
        </message>
        <message>
            <source>What</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>due today</source>
            <translation>今天到期</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未联系</translation>
        </message>
        <message>
            <source>Move the visit to %1</source>
            <translation>将对 %1 的走访改期</translation>
        </message>
        <message>
            <source>Move the visit…</source>
            <translation>走访改期…</translation>
        </message>
        <message>
            <source>Moving the visit</source>
            <translation>正在改期</translation>
        </message>
        <message>
            <source>New day</source>
            <translation>新的日期</translation>
        </message>
    </context>
    <context>
        <name>AssignDialog</name>
        <message>
            <source>For</source>
            <translation>负责人</translation>
        </message>
        <message>
            <source>Hand the task to</source>
            <translation>转交待办</translation>
        </message>
    </context>
    <context>
        <name>NewTaskDialog</name>
        <message>
            <source>Due on</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>For</source>
            <translation>负责人</translation>
        </message>
        <message>
            <source>New task for %1</source>
            <translation>为 %1 新建待办</translation>
        </message>
        <message>
            <source>Task</source>
            <translation>待办事项</translation>
        </message>
        <message>
            <source>What is to be done</source>
            <translation>要做什么</translation>
        </message>
    </context>
    <context>
        <name>TaskActions</name>
        <message>
            <source>Cancel the task: %1</source>
            <translation>取消待办：%1</translation>
        </message>
        <message>
            <source>Due on</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Keep it off Today until</source>
            <translation>暂缓至</translation>
        </message>
        <message>
            <source>Move the task</source>
            <translation>待办改期</translation>
        </message>
        <message>
            <source>Saving the task</source>
            <translation>正在保存待办</translation>
        </message>
        <message>
            <source>Snooze the task</source>
            <translation>暂缓待办</translation>
        </message>
        <message>
            <source>Task done: %1</source>
            <translation>完成待办：%1</translation>
        </message>
        <message>
            <source>What came of it (optional):</source>
            <translation>办理结果（可不填）：</translation>
        </message>
        <message>
            <source>Why is it dropped?</source>
            <translation>取消原因：</translation>
        </message>
    </context>
    <context>
        <name>AdminParameters</name>
        <message>
            <source>Today: a flag raised within days is new</source>
            <translation>今日工作台：多少天内产生的预警算新增</translation>
        </message>
        <message>
            <source>Today: birthdays and anniversaries within days</source>
            <translation>今日工作台：提示多少天内的生日和周年</translation>
        </message>
        <message>
            <source>Today: days without a contact that mark an RM quiet</source>
            <translation>今日工作台：客户经理多少天无联系记录即提示</translation>
        </message>
        <message>
            <source>Today: maturities within days</source>
            <translation>今日工作台：提示多少天内到期的产品</translation>
        </message>
    </context>
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>查找范围(&amp;L)：</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>文件类型(&amp;T)：</translation>
        </message>
    </context>
    <context>
        <name>Progress</name>
        <message>
            <source>branches</source>
            <translation>支行</translation>
        </message>
        <message>
            <source>briefs</source>
            <translation>简报</translation>
        </message>
        <message>
            <source>checking</source>
            <translation>检查中</translation>
        </message>
        <message>
            <source>clients</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>holdings</source>
            <translation>持有产品</translation>
        </message>
        <message>
            <source>interactions</source>
            <translation>联系记录</translation>
        </message>
        <message>
            <source>meta</source>
            <translation>数据信息</translation>
        </message>
        <message>
            <source>monthly facts</source>
            <translation>月度数据</translation>
        </message>
        <message>
            <source>overdue contacts</source>
            <translation>超期未联系客户</translation>
        </message>
        <message>
            <source>planning visits</source>
            <translation>正在安排走访</translation>
        </message>
        <message>
            <source>products</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>proposed plan</source>
            <translation>建议计划</translation>
        </message>
        <message>
            <source>scoring</source>
            <translation>评分中</translation>
        </message>
        <message>
            <source>transactions</source>
            <translation>交易流水</translation>
        </message>
        <message>
            <source>users</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>visits</source>
            <translation>走访</translation>
        </message>
        <message>
            <source>visits planned</source>
            <translation>走访已安排</translation>
        </message>
    </context>
    <context>
        <name>About</name>
        <message>
            <source>Build</source>
            <translation>构建</translation>
        </message>
        <message>
            <source>Database</source>
            <translation>数据库</translation>
        </message>
        <message>
            <source>Database address</source>
            <translation>数据库地址</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <source>Locked by IT</source>
            <translation>IT 锁定的设置</translation>
        </message>
        <message>
            <source>Log file</source>
            <translation>日志文件</translation>
        </message>
        <message>
            <source>PostgreSQL server</source>
            <translation>PostgreSQL 服务器</translation>
        </message>
        <message>
            <source>Program</source>
            <translation>程序</translation>
        </message>
        <message>
            <source>Python</source>
            <translation>Python</translation>
        </message>
        <message>
            <source>Qt</source>
            <translation>Qt</translation>
        </message>
        <message>
            <source>SQLite file</source>
            <translation>SQLite 文件</translation>
        </message>
        <message>
            <source>Schema version</source>
            <translation>数据库结构版本</translation>
        </message>
        <message>
            <source>Settings set by IT</source>
            <translation>IT 设置文件</translation>
        </message>
        <message>
            <source>System</source>
            <translation>操作系统</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>版本</translation>
        </message>
        <message>
            <source>Your settings</source>
            <translation>个人设置文件</translation>
        </message>
        <message>
            <source>from source</source>
            <translation>源代码运行</translation>
        </message>
        <message>
            <source>installed package</source>
            <translation>安装包</translation>
        </message>
        <message>
            <source>nothing</source>
            <translation>无</translation>
        </message>
        <message>
            <source>About rmdesk</source>
            <translation>关于 rmdesk</translation>
        </message>
        <message>
            <source>rmdesk — Relationship manager's workstation</source>
            <translation>rmdesk — 客户经理工作台</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Copy diagnostic information</source>
            <translation>复制诊断信息</translation>
        </message>
        <message>
            <source>Copied: paste it into your support ticket.</source>
            <translation>已复制：请粘贴到您的技术支持工单中。</translation>
        </message>
        <message>
            <source>(present)</source>
            <translation>（存在）</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
        <message>
            <source>This version's schema</source>
            <translation>本版本的数据库结构版本</translation>
        </message>
    </context>
    <context>
        <name>AdminConnectionPanel</name>
        <message>
            <source>Set by your IT department in %1: it cannot be changed here.</source>
            <translation>由 IT 部门在 %1 中设定，此处不能更改。</translation>
        </message>
        <message>
            <source>Testing only connects and reads the schema version; it changes nothing. A saved database is used from the next start of rmdesk, which creates or upgrades its tables then (a SQLite file is backed up first). A password in the address is kept in the system keyring, never in the settings file.</source>
            <translation>测试只连接数据库并读取结构版本，不做任何更改。保存的数据库从 rmdesk 下次启动时起使用，届时创建或升级其数据表（SQLite 文件会先备份）。地址中的密码保存在系统钥匙串中，绝不写入设置文件。</translation>
        </message>
    </context>
</TS>